import type { Background, Env } from "../env";
import { readOffsetMs } from "../clock";
import { logInfo } from "../log";
import { postToApp } from "../webhooks";
import { iso } from "./model";

// V2 webhooks follow Standard Webhooks (server-sdk javascript/src/webhook.ts): headers webhook-id (the same on every
// attempt), webhook-timestamp (unix seconds of this attempt) and webhook-signature ("v1,<base64 HMAC-SHA256 of
// id.timestamp.body>", space-separated, one per active secret), body {type, timestamp, data} (the 2024-04-25 format,
// server-sdk codegen/common/webhook). A failed delivery is retried up to 5 times (subscriptions.md, "PortOne V2").
// The sandbox never waits for time to pass: a retry falls due on the sandbox clock and runs when the clock is moved
// or when __control/webhooks/run is called.

/** Minutes between attempts after a failure: 1, 2, 4, 8, 16 (sandbox choice; PortOne publishes only the count). */
export const RETRY_DELAYS_MS = [60_000, 120_000, 240_000, 480_000, 960_000] as const;
export const MAX_ATTEMPTS = 1 + RETRY_DELAYS_MS.length;

export type TransactionEvent =
  | "Transaction.Paid"
  | "Transaction.Failed"
  | "Transaction.VirtualAccountIssued"
  | "Transaction.PartialCancelled"
  | "Transaction.Cancelled";
export type BillingKeyEvent = "BillingKey.Issued" | "BillingKey.Deleted";

export type V2WebhookEvent =
  | { type: TransactionEvent; data: { paymentId: string; storeId: string; transactionId: string; cancellationId?: string } }
  | { type: BillingKeyEvent; data: { billingKey: string; storeId: string } };

/** As V1's control routes plan them: sent once, never (lost), N copies at once, or late. */
export type WebhookPlan = "once" | "none" | { duplicates: number } | { delay_ms: number };

export interface V2WebhookRecord {
  seq: number;
  webhook_id: string;
  payment_id: string | null;
  billing_key: string | null;
  type: string;
  url: string;
  body: string;
  attempts: number;
  max_attempts: number;
  status: "pending" | "sending" | "delivered" | "failed";
  next_attempt_at: number | null;
  created_at: number;
  finished_at: number | null;
}

export interface V2WebhookAttempt {
  webhook_seq: number;
  attempt: number;
  copy: number;
  sent_at: number;
  webhook_timestamp: string;
  webhook_signature: string;
  response_status: number | null;
  error: string | null;
}

// --- signing ---------------------------------------------------------------------------------------------------

const b64encode = (bytes: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const b64decode = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/** One `v1,<base64>` signature of `id.timestamp.body` with a `whsec_`-prefixed (or bare) base64 secret. */
export async function signV1(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  const raw = b64decode(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return "v1," + b64encode(mac);
}

/** The secrets signing now, newest first: after a rotation the new one and the one before it; else the configured one. */
export async function activeSecrets(env: Env): Promise<string[]> {
  const { results } = await env.SANDBOX_DB.prepare("SELECT secret FROM portone_webhook_secrets ORDER BY id DESC LIMIT 2").all<{ secret: string }>();
  return results.length ? results.map((r) => r.secret) : [env.SANDBOX_PORTONE_WEBHOOK_SECRET];
}

/** A new signing secret; the previous one keeps signing beside it until retired, so receivers can switch over. */
export async function rotateSecret(env: Env, nowMs: number): Promise<string[]> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = "whsec_" + b64encode(bytes.buffer);
  const db = env.SANDBOX_DB;
  const current = (await activeSecrets(env))[0]!;
  await db.batch([
    db.prepare("DELETE FROM portone_webhook_secrets"),
    db.prepare("INSERT INTO portone_webhook_secrets (secret, created_at) VALUES (?, ?)").bind(current, nowMs),
    db.prepare("INSERT INTO portone_webhook_secrets (secret, created_at) VALUES (?, ?)").bind(secret, nowMs),
  ]);
  return activeSecrets(env);
}

/** Only the newest secret signs from now on (the end of a rotation). */
export async function retireOldSecrets(env: Env): Promise<string[]> {
  await env.SANDBOX_DB.prepare("DELETE FROM portone_webhook_secrets WHERE id < (SELECT max(id) FROM portone_webhook_secrets)").run();
  return activeSecrets(env);
}

/** Back to the configured secret alone. */
export async function resetSecrets(env: Env): Promise<string[]> {
  await env.SANDBOX_DB.prepare("DELETE FROM portone_webhook_secrets").run();
  return activeSecrets(env);
}

// --- sending ---------------------------------------------------------------------------------------------------

const newWebhookId = (): string => "msg_" + crypto.randomUUID().replace(/-/g, "");

/**
 * Records the message and sends its first attempt after the response (ctx.waitUntil), like PortOne, which never
 * waits for the merchant before answering. Returns the webhook-id, or null when the plan loses it.
 */
export async function sendV2Webhook(
  env: Env,
  ctx: Background,
  nowMs: number,
  event: V2WebhookEvent,
  plan: WebhookPlan = "once",
  /** The payment's noticeUrls[0], else the configured SANDBOX_PORTONE_WEBHOOK_URL. */
  url: string | null = null,
): Promise<string | null> {
  if (plan === "none") {
    logInfo("portone_webhook_lost", { type: event.type });
    return null;
  }
  const body = JSON.stringify({ type: event.type, timestamp: iso(nowMs), data: event.data });
  const webhookId = newWebhookId();
  const row = await env.SANDBOX_DB.prepare(
    `INSERT INTO portone_webhooks (webhook_id, payment_id, billing_key, type, url, body, attempts, max_attempts, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, 'sending', ?) RETURNING *`,
  )
    .bind(
      webhookId,
      "paymentId" in event.data ? event.data.paymentId : null,
      "billingKey" in event.data ? event.data.billingKey : null,
      event.type,
      url ?? env.SANDBOX_PORTONE_WEBHOOK_URL,
      body,
      MAX_ATTEMPTS,
      nowMs,
    )
    .first<V2WebhookRecord>();
  if (!row) throw new Error("webhook insert returned nothing");
  const copies = typeof plan === "object" && "duplicates" in plan ? plan.duplicates : 1;
  const delayMs = typeof plan === "object" && "delay_ms" in plan ? plan.delay_ms : 0;
  const run = async () => {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    await attempt(env, row, copies);
  };
  ctx.waitUntil(run().catch((e) => console.error("sandbox portone webhook: unexpected", e)));
  return webhookId;
}

/** The sandbox's now, read fresh: an attempt may run long after the request that queued it. */
const sandboxNow = async (env: Env): Promise<number> => Date.now() + (await readOffsetMs(env.SANDBOX_DB));

/** One attempt (row.attempts is its number), in `copies` concurrent deliveries; then delivered, retried later, or failed. */
async function attempt(env: Env, row: V2WebhookRecord, copies: number): Promise<"delivered" | "pending" | "failed"> {
  const nowMs = await sandboxNow(env);
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = (await Promise.all((await activeSecrets(env)).map((s) => signV1(s, row.webhook_id, timestamp, row.body)))).join(" ");
  const headers = {
    "content-type": "application/json",
    "user-agent": "PortOne-Sandbox-Webhook/1.0",
    "webhook-id": row.webhook_id,
    "webhook-timestamp": timestamp,
    "webhook-signature": signature,
  };
  const results = await Promise.all(
    Array.from({ length: copies }, () => postToApp(env, row.url, headers, row.body)),
  );
  const delivered = results.some((r) => r.outcome === "delivered");
  const status = delivered ? "delivered" : row.attempts >= row.max_attempts ? "failed" : "pending";
  const next = status === "pending" ? nowMs + RETRY_DELAYS_MS[row.attempts - 1]! : null;
  // Only giving up is logged (an info line, shown by wrangler dev): a failed attempt is routine and retried, and
  // every attempt is recorded below (GET __control/webhooks).
  if (status === "failed") logInfo("portone_webhook_gave_up", { webhook_id: row.webhook_id, attempts: row.attempts, error: results[0]?.error ?? null });
  const db = env.SANDBOX_DB;
  await db.batch([
    ...results.map((r, copy) =>
      db
        .prepare(
          `INSERT INTO portone_webhook_attempts (webhook_seq, attempt, copy, sent_at, webhook_timestamp, webhook_signature, response_status, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(row.seq, row.attempts, copy, nowMs, timestamp, signature, r.response_status, r.error),
    ),
    db
      .prepare("UPDATE portone_webhooks SET status = ?, next_attempt_at = ?, finished_at = ? WHERE seq = ?")
      .bind(status, next, status === "pending" ? null : nowMs, row.seq),
  ]);
  return status;
}

/**
 * Sends the retries due by `untilMs` (sandbox ms), optionally only one payment's. Each retry is claimed with a
 * conditional update first, so two runners never send the same attempt.
 */
export async function runDueWebhooks(
  env: Env,
  untilMs: number,
  filter: { paymentId?: string; billingKey?: string } = {},
): Promise<Array<{ webhook_id: string; attempt: number; outcome: "delivered" | "pending" | "failed" }>> {
  const db = env.SANDBOX_DB;
  const where = ["status = 'pending'", "next_attempt_at <= ?"];
  const args: Array<string | number> = [untilMs];
  if (filter.paymentId) {
    where.push("payment_id = ?");
    args.push(filter.paymentId);
  }
  if (filter.billingKey) {
    where.push("billing_key = ?");
    args.push(filter.billingKey);
  }
  const { results } = await db
    .prepare(`SELECT seq FROM portone_webhooks WHERE ${where.join(" AND ")} ORDER BY next_attempt_at, seq`)
    .bind(...args)
    .all<{ seq: number }>();
  const ran = [];
  for (const { seq } of results) {
    const claimed = await db
      .prepare("UPDATE portone_webhooks SET status = 'sending', attempts = attempts + 1 WHERE seq = ? AND status = 'pending' RETURNING *")
      .bind(seq)
      .first<V2WebhookRecord>();
    if (!claimed) continue;
    ran.push({ webhook_id: claimed.webhook_id, attempt: claimed.attempts, outcome: await attempt(env, claimed, 1) });
  }
  return ran;
}

export async function listV2Webhooks(
  db: D1Database,
  filter: { paymentId?: string; billingKey?: string },
): Promise<Array<V2WebhookRecord & { deliveries: V2WebhookAttempt[] }>> {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.paymentId) {
    where.push("payment_id = ?");
    args.push(filter.paymentId);
  }
  if (filter.billingKey) {
    where.push("billing_key = ?");
    args.push(filter.billingKey);
  }
  const { results } = await db
    .prepare(`SELECT * FROM portone_webhooks ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY seq`)
    .bind(...args)
    .all<V2WebhookRecord>();
  if (!results.length) return [];
  const { results: attempts } = await db
    .prepare(
      `SELECT * FROM portone_webhook_attempts WHERE webhook_seq IN (${results.map(() => "?").join(", ")}) ORDER BY webhook_seq, attempt, copy`,
    )
    .bind(...results.map((r) => r.seq))
    .all<V2WebhookAttempt>();
  return results.map((r) => ({ ...r, deliveries: attempts.filter((a) => a.webhook_seq === r.seq) }));
}
