ALTER TABLE `refunds` ADD `checksum` integer;--> statement-breakpoint
ALTER TABLE `refunds` ADD `idempotency_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_idempotency_key` ON `refunds` (`payment_id`,`idempotency_key`);