import { env } from "cloudflare:workers";
import { checkResponse, servedContract } from "./contract";

// The test's handle on the PortOne V2 sandbox (/sandbox/portone), through the app's service binding to the sandbox
// Worker. State is shared by all test files, so every paymentId and billing key a test uses is its own.
const BASE = "http://sandbox.local/sandbox/portone";

/** The sandbox's V2 configuration (sandbox/wrangler.toml, repeated in vitest.config.ts). */
export const V2 = {
  apiSecret: "sandbox_portone_api_secret_0123456789abcdef",
  storeId: "store-00000000-0000-4000-8000-000000000000",
  channelKey: "channel-key-00000000-0000-4000-8000-000000000000",
  webhookSecret: "whsec_cG9ja2V0cGF5LXNhbmRib3gtcG9ydG9uZS13ZWJob29r",
} as const;

export interface V2Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** Calls the V2 sandbox; `auth` false sends no Authorization, a string sends that header as is. */
export async function v2(method: string, path: string, body?: unknown, auth: boolean | string = true): Promise<V2Answer> {
  const headers: Record<string, string> = {};
  if (auth === true) headers.authorization = `PortOne ${V2.apiSecret}`;
  else if (typeof auth === "string") headers.authorization = auth;
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(BASE + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const res = await env.IAMPORT_SANDBOX!.fetch(req);
  // The control routes are pocketpay's own (described in the local OpenAPI document); the rest is PortOne's API.
  if (path.startsWith("/__control/")) await checkResponse(await servedContract(), method, req.url, res);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** A paymentId of this test's own (V2's paymentId is pocketpay's merchant_uid). */
export const newPaymentId = (tag = "p") => `v2-${tag}-${crypto.randomUUID()}`;

/** The buyer pays (or is declined, or closes the window) in the V2 payment window. */
export const v2Pay = async (a: {
  payment_id: string;
  amount: number;
  outcome?: "paid" | "failed" | "closed";
  webhook?: "once" | "none" | { duplicates: number } | { delay_ms: number };
  /** Pays `amount` even if another amount was pre-registered (a tampered page's payment). */
  skip_prepare_check?: boolean;
}) => (await v2("POST", "/__control/pay", { outcome: "paid", ...a })).json;

/** The buyer registers a card in the V2 billing-key window; answers the SDK's response. */
export const v2IssueKey = async (card_number = "4111-1111-1111-1111", expiry = "2099-12") =>
  (await v2("POST", "/__control/billing-key", { card_number, expiry })).json as { billingKey?: string; code?: string; message?: string };

export const v2Webhooks = async (q: { payment_id?: string; billing_key?: string }) =>
  (await v2("GET", `/__control/webhooks?${new URLSearchParams(q as Record<string, string>)}`)).json.webhooks as Array<{
    webhook_id: string;
    type: string;
    body: string;
    attempts: number;
    status: string;
    next_attempt_at: number | null;
    deliveries: Array<{ attempt: number; copy: number; webhook_timestamp: string; webhook_signature: string; response_status: number | null }>;
  }>;
