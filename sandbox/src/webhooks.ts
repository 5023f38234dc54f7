import type { Background, Env } from "./env";
import { finishWebhook, recordWebhook } from "./db/webhooks";
import type { WebhookFormat } from "./db/payments";

export interface WebhookBody {
  imp_uid: string;
  merchant_uid: string;
  status: string;
  cancellation_id?: string;
}

export interface WebhookOptions {
  format: WebhookFormat;
  /** Deliveries in total; >1 simulates Iamport's duplicate deliveries (sent concurrently, to exercise races). */
  times?: number;
  delayMs?: number;
  nowMs: number;
}

// Matches Iamport's first-delivery read timeout.
const DELIVERY_TIMEOUT_MS = 30_000;
const WEBHOOK_URL = "http://pocketpay/webhooks/iamport";

/**
 * Records the deliveries (so tests can poll GET __control/webhooks) and sends them after the response through
 * ctx.waitUntil, like Iamport, which never waits for the merchant before answering. Failures are recorded and
 * logged; they never reach the caller.
 */
export async function sendWebhook(
  env: Env,
  ctx: Background,
  body: WebhookBody,
  opts: WebhookOptions,
): Promise<number[]> {
  const times = Math.max(1, opts.times ?? 1);
  const encoded =
    opts.format === "form"
      ? new URLSearchParams(Object.entries(body).filter(([, v]) => v !== undefined) as [string, string][]).toString()
      : JSON.stringify(body);
  const ids: number[] = [];
  for (let i = 0; i < times; i++) {
    ids.push(
      await recordWebhook(env.SANDBOX_DB, {
        imp_uid: body.imp_uid,
        merchant_uid: body.merchant_uid,
        status: body.status,
        format: opts.format,
        body: encoded,
        sent_at: Math.floor((opts.nowMs + (opts.delayMs ?? 0)) / 1000),
      }),
    );
  }
  const run = async () => {
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    await Promise.all(ids.map((id) => deliver(env, id, encoded, opts.format)));
  };
  ctx.waitUntil(run().catch((e) => console.error("sandbox webhook: unexpected", e)));
  return ids;
}

async function deliver(env: Env, id: number, encoded: string, format: WebhookFormat): Promise<void> {
  const result = await postToApp(
    env,
    WEBHOOK_URL,
    {
      "content-type": format === "form" ? "application/x-www-form-urlencoded" : "application/json",
      "user-agent": "Iamport-Sandbox-Webhook/1.0",
    },
    encoded,
  );
  if (result.outcome === "failed") console.warn(`sandbox webhook ${id} failed: ${result.error}`);
  try {
    await finishWebhook(env.SANDBOX_DB, id, { ...result, finished_at: Math.floor(Date.now() / 1000) });
  } catch (e) {
    console.error("sandbox webhook: could not record outcome", e);
  }
}

export interface DeliveryResult {
  outcome: "delivered" | "failed";
  response_status: number | null;
  error: string | null;
}

/**
 * One delivery attempt to the app through the APP binding: any 2xx is delivered, anything else (another status,
 * a network error, no answer within the gateway's read timeout) failed. Shared by V1's and V2's webhooks.
 */
export async function postToApp(
  env: Env,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number = DELIVERY_TIMEOUT_MS,
): Promise<DeliveryResult> {
  try {
    if (!env.APP) throw new Error("no APP service binding");
    const res = await env.APP.fetch(
      new Request(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) }),
    );
    // Drain the body so the connection is released; its content does not matter.
    await res.text().catch(() => "");
    return { outcome: res.ok ? "delivered" : "failed", response_status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    return { outcome: "failed", response_status: null, error: e instanceof Error ? e.message : String(e) };
  }
}
