CREATE TABLE `cas_guard` (
	`ok` integer NOT NULL,
	CONSTRAINT "cas_guard_lost_race" CHECK("cas_guard"."ok" = 1)
);
