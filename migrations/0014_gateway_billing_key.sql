ALTER TABLE `billing_keys` ADD `billing_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `billing_keys_billing_key_unique` ON `billing_keys` (`billing_key`);--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `billing_key` text;