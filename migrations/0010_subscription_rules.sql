-- Rules of subscriptions that CHECK constraints cannot state, held by the database for every code path.

-- Renewal charges are payments of their own kind, and only they point at an invoice (with their attempt number).
DROP TRIGGER `payments_kind_known`;
--> statement-breakpoint
CREATE TRIGGER `payments_kind_known`
BEFORE INSERT ON `payments`
WHEN NEW.`kind` NOT IN ('catalogue', 'custom_amount', 'subscription')
  OR (NEW.`kind` = 'subscription') <> (NEW.`invoice_id` IS NOT NULL AND NEW.`attempt` IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'payments_kind_known');
END;
--> statement-breakpoint
CREATE TRIGGER `payments_invoice_fixed`
BEFORE UPDATE OF `invoice_id`, `attempt` ON `payments`
WHEN NEW.`invoice_id` IS NOT OLD.`invoice_id` OR NEW.`attempt` IS NOT OLD.`attempt`
BEGIN
  SELECT RAISE(ABORT, 'payments_invoice_fixed');
END;
--> statement-breakpoint
-- The state table of src/domain/subscription-state.ts, again at the write: no code path can make a transition
-- the lifecycle does not list (the code refuses it first; this holds for any future path too).
CREATE TRIGGER `subscriptions_transition_listed`
BEFORE UPDATE OF `status` ON `subscriptions`
WHEN NEW.`status` IS NOT OLD.`status` AND NOT (
     (OLD.`status` = 'incomplete' AND NEW.`status` IN ('trialing', 'active', 'canceled'))
  OR (OLD.`status` = 'trialing' AND NEW.`status` IN ('active', 'past_due', 'canceled'))
  OR (OLD.`status` = 'active' AND NEW.`status` IN ('past_due', 'canceled'))
  OR (OLD.`status` = 'past_due' AND NEW.`status` IN ('active', 'unpaid', 'canceled'))
  OR (OLD.`status` = 'unpaid' AND NEW.`status` IN ('active', 'canceled'))
)
BEGIN
  SELECT RAISE(ABORT, 'subscription_transition_not_listed');
END;
--> statement-breakpoint
-- The timeline is history: never edited, never removed.
CREATE TRIGGER `subscription_events_immutable`
BEFORE UPDATE ON `subscription_events`
BEGIN
  SELECT RAISE(ABORT, 'subscription_events_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `subscription_events_never_deleted`
BEFORE DELETE ON `subscription_events`
BEGIN
  SELECT RAISE(ABORT, 'subscription_events_immutable');
END;
--> statement-breakpoint
-- An invoice's amount and period are a snapshot; only its status moves: open → paid | uncollectible | void, and an
-- uncollectible one (retries exhausted) may still be paid (the buyer registers a card) or voided (canceled).
CREATE TRIGGER `invoices_terms_fixed`
BEFORE UPDATE OF `subscription_id`, `period`, `period_start`, `period_end`, `price_id`, `amount`, `currency` ON `invoices`
WHEN OLD.`subscription_id` IS NOT NEW.`subscription_id` OR OLD.`period` IS NOT NEW.`period`
  OR OLD.`period_start` IS NOT NEW.`period_start` OR OLD.`period_end` IS NOT NEW.`period_end`
  OR OLD.`price_id` IS NOT NEW.`price_id` OR OLD.`amount` IS NOT NEW.`amount` OR OLD.`currency` IS NOT NEW.`currency`
BEGIN
  SELECT RAISE(ABORT, 'invoices_terms_fixed');
END;
--> statement-breakpoint
CREATE TRIGGER `invoices_status_listed`
BEFORE UPDATE OF `status` ON `invoices`
WHEN NEW.`status` IS NOT OLD.`status` AND NOT (OLD.`status` = 'open' OR (OLD.`status` = 'uncollectible' AND NEW.`status` IN ('paid', 'void')))
BEGIN
  SELECT RAISE(ABORT, 'invoice_status_final');
END;
