-- Every card registered before V2 existed is an Iamport V1 key, whose name is its customer_uid: the gateway's key is
-- that same name, on the registration and on the subscription using it.
UPDATE billing_keys SET billing_key = customer_uid WHERE billing_key IS NULL;
--> statement-breakpoint
UPDATE subscriptions SET billing_key = customer_uid WHERE customer_uid IS NOT NULL AND billing_key IS NULL;
