-- Iamport sandbox state. Kept in D1 so it survives `wrangler dev` restarts.
-- The full Payment JSON lives in `data`; the columns beside it exist for lookups and compare-and-set.

CREATE TABLE sandbox_tokens (
  token TEXT PRIMARY KEY,
  issued_at INTEGER NOT NULL,
  expired_at INTEGER NOT NULL
);
CREATE INDEX sandbox_tokens_expired_at ON sandbox_tokens (expired_at);

CREATE TABLE sandbox_prepared (
  merchant_uid TEXT PRIMARY KEY,
  amount REAL NOT NULL,
  currency TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sandbox_payments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  imp_uid TEXT NOT NULL UNIQUE,
  merchant_uid TEXT NOT NULL,
  status TEXT NOT NULL,
  amount REAL NOT NULL,
  cancel_amount REAL NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  paid_at INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  customer_uid TEXT,
  -- 'json' | 'form': how webhooks for this payment are encoded
  webhook_format TEXT NOT NULL DEFAULT 'json',
  data TEXT NOT NULL
);
CREATE INDEX sandbox_payments_merchant_uid ON sandbox_payments (merchant_uid, started_at);
CREATE INDEX sandbox_payments_customer_uid ON sandbox_payments (customer_uid);

CREATE TABLE sandbox_customers (
  customer_uid TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  -- 1 for the sandbox's "always declined" test card: the key is issued, every charge fails.
  declines INTEGER NOT NULL DEFAULT 0,
  inserted INTEGER NOT NULL,
  updated INTEGER NOT NULL
);

CREATE TABLE sandbox_faults (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path_prefix TEXT NOT NULL,
  method TEXT,
  kind TEXT NOT NULL,
  remaining INTEGER NOT NULL,
  latency_ms INTEGER,
  message TEXT,
  processed INTEGER NOT NULL DEFAULT 0,
  -- Optional substring the request URL or body must contain, so a test can target its own payment only.
  match TEXT
);

CREATE TABLE sandbox_webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  imp_uid TEXT NOT NULL,
  merchant_uid TEXT NOT NULL,
  status TEXT NOT NULL,
  format TEXT NOT NULL,
  body TEXT NOT NULL,
  -- 'pending' until the app answers; then 'delivered' or 'failed'
  outcome TEXT NOT NULL DEFAULT 'pending',
  response_status INTEGER,
  error TEXT,
  sent_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX sandbox_webhooks_merchant_uid ON sandbox_webhooks (merchant_uid);
CREATE INDEX sandbox_webhooks_imp_uid ON sandbox_webhooks (imp_uid);

-- Single row (id = 1): how far the sandbox clock runs ahead of the real one.
CREATE TABLE sandbox_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  offset_ms INTEGER NOT NULL
);
