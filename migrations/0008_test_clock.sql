-- The test clock (outside production only, see README "Moving time"): how far pocketpay's clock runs ahead of the
-- real one. One row at most (id = 1). Written in SQL, not src/db/schema.ts, so that no part of it is in the
-- production bundle; production never reads or writes it.
CREATE TABLE `test_clock` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`offset_ms` integer NOT NULL
);
