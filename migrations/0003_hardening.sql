CREATE TABLE `role_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`email` text NOT NULL,
	`from_role` text,
	`to_role` text NOT NULL,
	`changed_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `role_changes_user` ON `role_changes` (`user_id`,`id`);--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `failed_at` integer;--> statement-breakpoint
CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
ALTER TABLE `payments` ADD `next_recheck_at` integer;--> statement-breakpoint
CREATE INDEX `payments_next_recheck` ON `payments` (`next_recheck_at`) WHERE "payments"."next_recheck_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `role` text DEFAULT 'user' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `role_changed_by` text;--> statement-breakpoint
ALTER TABLE `users` ADD `role_changed_at` integer;--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `webhook_inbox_received` ON `webhook_inbox` (`received_at`);