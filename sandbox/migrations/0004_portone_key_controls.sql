-- PortOne V2 sandbox: a billing key's charges can have their webhooks held back (a test that settles each charge
-- itself, like V1's /subscribe/payments/again, which sends none); `declines` can now be switched on and off later
-- (the card hit its limit; it works again) through the control routes.
ALTER TABLE portone_billing_keys ADD COLUMN charge_webhooks TEXT NOT NULL DEFAULT 'once';
