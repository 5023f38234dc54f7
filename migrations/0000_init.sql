CREATE TABLE `idempotency_keys` (
	`user_id` text NOT NULL,
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_pk` ON `idempotency_keys` (`user_id`,`scope`,`key`);--> statement-breakpoint
CREATE TABLE `payment_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payment_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`source` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payment_events_source_known" CHECK("payment_events"."source" IN ('browser','webhook','reconciler','admin','system'))
);
--> statement-breakpoint
CREATE INDEX `payment_events_payment` ON `payment_events` (`payment_id`,`id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`merchant_uid` text NOT NULL,
	`user_id` text NOT NULL,
	`imp_uid` text,
	`name` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text DEFAULT 'KRW' NOT NULL,
	`method` text,
	`status` text DEFAULT 'ready' NOT NULL,
	`cancelled_amount` integer DEFAULT 0 NOT NULL,
	`reserved_amount` integer DEFAULT 0 NOT NULL,
	`fail_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`paid_at` integer,
	`cancelled_at` integer,
	`validation_queued_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_amount_positive" CHECK("payments"."amount" > 0),
	CONSTRAINT "payments_merchant_uid_length" CHECK(length("payments"."merchant_uid") <= 40),
	CONSTRAINT "payments_status_known" CHECK("payments"."status" IN ('ready','paid','failed','rejected','partially_cancelled','cancelled')),
	CONSTRAINT "payments_cancelled_within_amount" CHECK("payments"."cancelled_amount" >= 0 AND "payments"."reserved_amount" >= 0 AND "payments"."cancelled_amount" + "payments"."reserved_amount" <= "payments"."amount")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_merchant_uid_unique` ON `payments` (`merchant_uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_imp_uid_unique` ON `payments` (`imp_uid`);--> statement-breakpoint
CREATE INDEX `payments_user_id` ON `payments` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `payments_status_updated` ON `payments` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payment_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`cancellation_id` text,
	`fail_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount_positive" CHECK("refunds"."amount" > 0),
	CONSTRAINT "refunds_status_known" CHECK("refunds"."status" IN ('pending','succeeded','failed'))
);
--> statement-breakpoint
CREATE INDEX `refunds_payment` ON `refunds` (`payment_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_cancellation_id` ON `refunds` (`cancellation_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_algorithm` text NOT NULL,
	`password_iterations` integer NOT NULL,
	`password_salt` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "users_iterations_limit" CHECK("users"."password_iterations" BETWEEN 1 AND 100000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `webhook_inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` integer NOT NULL,
	`source_ip` text,
	`content_type` text,
	`body` text NOT NULL,
	`imp_uid` text,
	`merchant_uid` text,
	`status` text,
	`valid` integer NOT NULL,
	`error` text,
	`processed_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_inbox_unprocessed` ON `webhook_inbox` (`valid`,`processed_at`,`received_at`);