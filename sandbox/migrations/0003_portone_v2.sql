-- The PortOne V2 sandbox (/sandbox/portone). Its own tables: V2 keys payments by the merchant's paymentId (one row
-- per paymentId, holding its latest attempt), while V1 keys them by imp_uid. Faults and the clock are shared.

CREATE TABLE portone_payments (
  payment_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  -- READY | PENDING | VIRTUAL_ACCOUNT_ISSUED | PAID | FAILED | PARTIAL_CANCELLED | CANCELLED
  status TEXT NOT NULL,
  total INTEGER NOT NULL,
  cancelled INTEGER NOT NULL DEFAULT 0,
  billing_key TEXT,
  -- The request's noticeUrls[0]: this payment's webhooks go there instead of SANDBOX_PORTONE_WEBHOOK_URL.
  notice_url TEXT,
  -- Sandbox ms; what GET /payments filters and sorts by.
  requested_at INTEGER NOT NULL,
  status_changed_at INTEGER NOT NULL,
  -- Bumped on every write: cancels compare-and-set on it.
  version INTEGER NOT NULL DEFAULT 1,
  -- The Payment as GET /payments/{paymentId} answers it.
  data TEXT NOT NULL
);
CREATE INDEX portone_payments_requested_at ON portone_payments (requested_at);
CREATE INDEX portone_payments_billing_key ON portone_payments (billing_key);

CREATE TABLE portone_pre_registrations (
  payment_id TEXT PRIMARY KEY,
  total_amount INTEGER,
  tax_free_amount INTEGER,
  currency TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE portone_billing_keys (
  billing_key TEXT PRIMARY KEY,
  -- ISSUED | DELETED
  status TEXT NOT NULL,
  -- 1 for the "always declined" test card (ending 0051): issued, every charge fails.
  declines INTEGER NOT NULL DEFAULT 0,
  issued_at INTEGER NOT NULL,
  deleted_at INTEGER,
  -- The BillingKeyInfo as GET /billing-keys/{billingKey} answers it (without status/deletedAt, added on read).
  data TEXT NOT NULL
);

-- One row per webhook message (Standard Webhooks: the same webhook-id on every attempt).
CREATE TABLE portone_webhooks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id TEXT NOT NULL UNIQUE,
  payment_id TEXT,
  billing_key TEXT,
  type TEXT NOT NULL,
  -- Where it goes (through the APP binding: only the path and query matter).
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  -- pending (an attempt is due at next_attempt_at) | sending | delivered | failed (every attempt failed)
  status TEXT NOT NULL DEFAULT 'pending',
  -- Sandbox ms.
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX portone_webhooks_due ON portone_webhooks (status, next_attempt_at);
CREATE INDEX portone_webhooks_payment ON portone_webhooks (payment_id);

-- Every attempt with the headers it carried, so a test can verify the signature independently.
CREATE TABLE portone_webhook_attempts (
  webhook_seq INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  copy INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER NOT NULL,
  webhook_timestamp TEXT NOT NULL,
  webhook_signature TEXT NOT NULL,
  response_status INTEGER,
  error TEXT,
  PRIMARY KEY (webhook_seq, attempt, copy)
);

-- Signing secrets after a rotation, newest first by id; empty = the configured SANDBOX_PORTONE_WEBHOOK_SECRET alone.
CREATE TABLE portone_webhook_secrets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
