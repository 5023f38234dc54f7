ALTER TABLE `webhook_inbox` ADD `webhook_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_inbox_webhook_id` ON `webhook_inbox` (`webhook_id`);