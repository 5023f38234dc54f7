-- Roles: only 'user' and 'admin' exist, every change says who made it and when (role_changed_by/at), and each one
-- is copied to role_changes, whatever path wrote it (the app, `npm run admin`, a console UPDATE).
CREATE TRIGGER `users_role_insert_check` BEFORE INSERT ON `users`
WHEN NEW.`role` NOT IN ('user', 'admin') OR (NEW.`role` = 'admin' AND (NEW.`role_changed_by` IS NULL OR NEW.`role_changed_at` IS NULL))
BEGIN
  SELECT RAISE(ABORT, 'role_change_refused: unknown role, or an admin without role_changed_by/role_changed_at');
END;
--> statement-breakpoint
CREATE TRIGGER `users_role_update_check` BEFORE UPDATE OF `role` ON `users`
WHEN NEW.`role` IS NOT OLD.`role` AND (NEW.`role` NOT IN ('user', 'admin') OR NEW.`role_changed_by` IS NULL
  OR NEW.`role_changed_at` IS NULL OR NEW.`role_changed_at` IS OLD.`role_changed_at`)
BEGIN
  SELECT RAISE(ABORT, 'role_change_refused: unknown role, or a change that does not set role_changed_by/role_changed_at');
END;
--> statement-breakpoint
CREATE TRIGGER `users_role_insert_audit` AFTER INSERT ON `users`
WHEN NEW.`role` = 'admin'
BEGIN
  INSERT INTO `role_changes` (`user_id`, `email`, `from_role`, `to_role`, `changed_by`, `created_at`)
  VALUES (NEW.`id`, NEW.`email`, NULL, NEW.`role`, NEW.`role_changed_by`, NEW.`role_changed_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_role_update_audit` AFTER UPDATE OF `role` ON `users`
WHEN NEW.`role` IS NOT OLD.`role`
BEGIN
  INSERT INTO `role_changes` (`user_id`, `email`, `from_role`, `to_role`, `changed_by`, `created_at`)
  VALUES (NEW.`id`, NEW.`email`, OLD.`role`, NEW.`role`, NEW.`role_changed_by`, NEW.`role_changed_at`);
END;
--> statement-breakpoint
-- Payments paid before the re-check schedule existed join it at their next step (1 h, 1 day, 7 days, 30 days
-- after paid_at); those past 30 days are not re-checked.
UPDATE `payments` SET `next_recheck_at` = CASE
  WHEN `paid_at` + 3600000 > CAST(strftime('%s', 'now') AS INTEGER) * 1000 THEN `paid_at` + 3600000
  WHEN `paid_at` + 86400000 > CAST(strftime('%s', 'now') AS INTEGER) * 1000 THEN `paid_at` + 86400000
  WHEN `paid_at` + 604800000 > CAST(strftime('%s', 'now') AS INTEGER) * 1000 THEN `paid_at` + 604800000
  WHEN `paid_at` + 2592000000 > CAST(strftime('%s', 'now') AS INTEGER) * 1000 THEN `paid_at` + 2592000000
  ELSE NULL END
WHERE `status` IN ('paid', 'partially_cancelled') AND `paid_at` IS NOT NULL;
