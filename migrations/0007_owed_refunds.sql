CREATE TABLE `owed_refunds` (
	`imp_uid` text PRIMARY KEY NOT NULL,
	`payment_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`next_check_at` integer NOT NULL,
	`checks` integer DEFAULT 0 NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "owed_refunds_amount_positive" CHECK("owed_refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `owed_refunds_due` ON `owed_refunds` (`next_check_at`) WHERE "owed_refunds"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX `owed_refunds_payment` ON `owed_refunds` (`payment_id`);