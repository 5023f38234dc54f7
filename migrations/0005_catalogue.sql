CREATE TABLE `order_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payment_id` integer NOT NULL,
	`position` integer NOT NULL,
	`price_id` text NOT NULL,
	`product_id` text NOT NULL,
	`product_name` text NOT NULL,
	`price_label` text,
	`unit_amount` integer NOT NULL,
	`quantity` integer NOT NULL,
	`amount` integer NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`price_id`) REFERENCES `prices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_items_quantity_range" CHECK("order_items"."quantity" BETWEEN 1 AND 99),
	CONSTRAINT "order_items_unit_amount_positive" CHECK("order_items"."unit_amount" > 0),
	CONSTRAINT "order_items_amount_product" CHECK("order_items"."amount" = "order_items"."unit_amount" * "order_items"."quantity")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `order_items_position` ON `order_items` (`payment_id`,`position`);--> statement-breakpoint
CREATE TABLE `prices` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`label` text,
	`amount` integer NOT NULL,
	`currency` text DEFAULT 'KRW' NOT NULL,
	`interval` text,
	`interval_count` integer,
	`trial_days` integer,
	`active` integer DEFAULT true NOT NULL,
	`replaces_price_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "prices_amount_positive" CHECK("prices"."amount" > 0),
	CONSTRAINT "prices_currency_krw" CHECK("prices"."currency" = 'KRW'),
	CONSTRAINT "prices_label_length" CHECK("prices"."label" IS NULL OR length("prices"."label") BETWEEN 1 AND 100),
	CONSTRAINT "prices_active_bool" CHECK("prices"."active" IN (0, 1)),
	CONSTRAINT "prices_interval_terms" CHECK(("prices"."interval" IS NULL AND "prices"."interval_count" IS NULL AND "prices"."trial_days" IS NULL) OR ("prices"."interval" = 'month' AND "prices"."interval_count" BETWEEN 1 AND 36 AND "prices"."trial_days" BETWEEN 0 AND 730) OR ("prices"."interval" = 'year' AND "prices"."interval_count" BETWEEN 1 AND 3 AND "prices"."trial_days" BETWEEN 0 AND 730))
);
--> statement-breakpoint
CREATE INDEX `prices_product` ON `prices` (`product_id`,`active`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "products_slug_format" CHECK(length("products"."slug") BETWEEN 1 AND 64 AND "products"."slug" NOT GLOB '*[^a-z0-9-]*'),
	CONSTRAINT "products_name_length" CHECK(length("products"."name") BETWEEN 1 AND 200),
	CONSTRAINT "products_description_length" CHECK(length("products"."description") <= 2000),
	CONSTRAINT "products_active_bool" CHECK("products"."active" IN (0, 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_slug_unique` ON `products` (`slug`);--> statement-breakpoint
ALTER TABLE `payments` ADD `kind` text DEFAULT 'custom_amount' NOT NULL;