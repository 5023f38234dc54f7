CREATE TABLE `billing_keys` (
	`customer_uid` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`user_id` text NOT NULL,
	`registration_uid` text NOT NULL,
	`status` text NOT NULL,
	`card_name` text,
	`card_number` text,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "billing_keys_status_known" CHECK("billing_keys"."status" IN ('pending','active','replaced','deleted'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `billing_keys_registration_uid_unique` ON `billing_keys` (`registration_uid`);--> statement-breakpoint
CREATE INDEX `billing_keys_subscription` ON `billing_keys` (`subscription_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `billing_keys_replaced` ON `billing_keys` (`status`) WHERE "billing_keys"."status" = 'replaced';--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscription_id` text NOT NULL,
	`period` integer NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`price_id` text NOT NULL,
	`description` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text DEFAULT 'KRW' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`paid_payment_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`paid_at` integer,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`price_id`) REFERENCES `prices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`paid_payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoices_amount_positive" CHECK("invoices"."amount" > 0),
	CONSTRAINT "invoices_status_known" CHECK("invoices"."status" IN ('open','paid','uncollectible','void'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_subscription_period` ON `invoices` (`subscription_id`,`period`);--> statement-breakpoint
CREATE TABLE `subscription_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscription_id` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`source` text NOT NULL,
	`reason` text,
	`period` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscription_events_subscription` ON `subscription_events` (`subscription_id`,`id`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`price_id` text NOT NULL,
	`pending_price_id` text,
	`status` text NOT NULL,
	`anchor_at` integer,
	`trial_end_at` integer,
	`period` integer DEFAULT 0 NOT NULL,
	`current_period_start` integer,
	`current_period_end` integer,
	`attempt` integer DEFAULT 0 NOT NULL,
	`settled_attempt` integer DEFAULT 0 NOT NULL,
	`first_decline_at` integer,
	`retries_stopped` integer DEFAULT false NOT NULL,
	`cancel_at_period_end` integer DEFAULT false NOT NULL,
	`customer_uid` text,
	`card_name` text,
	`card_number` text,
	`next_action_at` integer,
	`renewal_queued_at` integer,
	`canceled_at` integer,
	`ended_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`price_id`) REFERENCES `prices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pending_price_id`) REFERENCES `prices`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "subscriptions_status_known" CHECK("subscriptions"."status" IN ('incomplete','trialing','active','past_due','unpaid','canceled')),
	CONSTRAINT "subscriptions_period_positive" CHECK("subscriptions"."period" >= 0 AND "subscriptions"."attempt" >= 0)
);
--> statement-breakpoint
CREATE INDEX `subscriptions_user` ON `subscriptions` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `subscriptions_due` ON `subscriptions` (`next_action_at`) WHERE "subscriptions"."next_action_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `subscriptions_status` ON `subscriptions` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `payments` ADD `invoice_id` integer;--> statement-breakpoint
ALTER TABLE `payments` ADD `attempt` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `payments_invoice_attempt` ON `payments` (`invoice_id`,`attempt`) WHERE "payments"."invoice_id" IS NOT NULL;