-- GET /payments/status/{status} searches each payment by the time of its current status (started_at for
-- ready, paid_at for paid, failed_at for failed, cancelled_at for cancelled), so that time gets a column.
ALTER TABLE sandbox_payments ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;
UPDATE sandbox_payments SET status_at = CASE status
  WHEN 'paid' THEN paid_at
  WHEN 'failed' THEN json_extract(data, '$.failed_at')
  WHEN 'cancelled' THEN json_extract(data, '$.cancelled_at')
  ELSE started_at END;
CREATE INDEX sandbox_payments_status_at ON sandbox_payments (status, status_at);

-- Iamport's own scheduler (POST /subscribe/payments/schedule). merchant_uid is the key: a schedule's order id
-- is bound to it for good (the API's reschedule/retry address it by merchant_uid).
CREATE TABLE sandbox_schedules (
  merchant_uid TEXT PRIMARY KEY,
  customer_uid TEXT NOT NULL,
  schedule_at INTEGER NOT NULL,
  -- 'scheduled' | 'executed' | 'revoked'
  schedule_status TEXT NOT NULL DEFAULT 'scheduled',
  executed_at INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0,
  imp_uid TEXT,
  -- Set when the run made no payment (e.g. the key was deleted); otherwise read from the payment itself.
  payment_status TEXT,
  fail_reason TEXT,
  -- The schedule as requested (amount, currency, name, buyer_*, custom_data, notice_url, ...), as JSON.
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sandbox_schedules_customer ON sandbox_schedules (customer_uid, schedule_at);
CREATE INDEX sandbox_schedules_due ON sandbox_schedules (schedule_status, schedule_at);
