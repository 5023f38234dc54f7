-- Rules of the catalogue that CHECK constraints cannot state, held by the database for every code path.

-- A price's terms never change: a different amount or interval is a new price (orders and subscriptions keep the
-- one they were made with). Only its label and whether it is still sold may change.
CREATE TRIGGER `prices_terms_immutable`
BEFORE UPDATE OF `product_id`, `amount`, `currency`, `interval`, `interval_count`, `trial_days` ON `prices`
WHEN OLD.`product_id` IS NOT NEW.`product_id` OR OLD.`amount` IS NOT NEW.`amount` OR OLD.`currency` IS NOT NEW.`currency`
  OR OLD.`interval` IS NOT NEW.`interval` OR OLD.`interval_count` IS NOT NEW.`interval_count`
  OR OLD.`trial_days` IS NOT NEW.`trial_days`
BEGIN
  SELECT RAISE(ABORT, 'price_terms_immutable: make a new price instead');
END;
--> statement-breakpoint
CREATE TRIGGER `prices_never_deleted`
BEFORE DELETE ON `prices`
BEGIN
  SELECT RAISE(ABORT, 'prices_never_deleted: deactivate the price instead');
END;
--> statement-breakpoint
-- An order's line items are what was sold, as it was sold: never changed, never removed.
CREATE TRIGGER `order_items_immutable`
BEFORE UPDATE ON `order_items`
BEGIN
  SELECT RAISE(ABORT, 'order_items_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `order_items_never_deleted`
BEFORE DELETE ON `order_items`
BEGIN
  SELECT RAISE(ABORT, 'order_items_immutable');
END;
--> statement-breakpoint
-- Line items belong to catalogue orders only; a custom amount has none.
CREATE TRIGGER `order_items_catalogue_only`
BEFORE INSERT ON `order_items`
WHEN (SELECT `kind` FROM `payments` WHERE `id` = NEW.`payment_id`) IS NOT 'catalogue'
BEGIN
  SELECT RAISE(ABORT, 'order_items_catalogue_only');
END;
--> statement-breakpoint
CREATE TRIGGER `payments_kind_known`
BEFORE INSERT ON `payments`
WHEN NEW.`kind` NOT IN ('catalogue', 'custom_amount')
BEGIN
  SELECT RAISE(ABORT, 'payments_kind_known');
END;
--> statement-breakpoint
CREATE TRIGGER `payments_kind_fixed`
BEFORE UPDATE OF `kind` ON `payments`
WHEN NEW.`kind` IS NOT OLD.`kind`
BEGIN
  SELECT RAISE(ABORT, 'payments_kind_fixed');
END;
