import { env } from "cloudflare:workers";
import { signWebhook, splitWebhookSecrets } from "../../src/gateway/portone-v2/webhook-signature";
import { call } from "./http";

/** The two secrets vitest.config.ts configures (a rotation on our side): the outgoing one and the new one. */
export const [OLD_SECRET, NEW_SECRET] = splitWebhookSecrets(env.PORTONE_WEBHOOK_SECRET) as [string, string];
/** A well-formed secret pocketpay does not have. */
export const FOREIGN_SECRET = "whsec_c29tZW9uZSBlbHNlJ3Mgc2VjcmV0IGtleSE=";

export interface Delivery {
  rawBody: string;
  headers: Record<string, string>;
  webhookId: string;
}

export const paymentEvent = (type: string, paymentId: string, extra: Record<string, unknown> = {}) => ({
  type,
  timestamp: new Date().toISOString(),
  data: { paymentId, transactionId: crypto.randomUUID(), storeId: "store-00000000-0000-0000-0000-000000000000", ...extra },
});

/** A delivery as PortOne sends it: the body, signed with `secret` at `timestampSeconds` (now by default). */
export async function signed(
  body: unknown,
  opts: { secret?: string; webhookId?: string; timestampSeconds?: number } = {},
): Promise<Delivery> {
  const rawBody = typeof body === "string" ? body : JSON.stringify(body);
  const webhookId = opts.webhookId ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const timestamp = opts.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const signature = await signWebhook(opts.secret ?? NEW_SECRET, webhookId, timestamp, rawBody);
  return {
    rawBody,
    webhookId,
    headers: { "webhook-id": webhookId, "webhook-timestamp": String(timestamp), "webhook-signature": signature },
  };
}

export const sendPortone = (d: { rawBody: string; headers: Record<string, string> }) =>
  call("POST", "/webhooks/portone", { rawBody: d.rawBody, headers: { "content-type": "application/json", ...d.headers } });

export const inboxRows = async (webhookId: string) =>
  (await env.DB.prepare("SELECT * FROM webhook_inbox WHERE webhook_id = ?").bind(webhookId).all<any>()).results;

/** Every inbox row whose stored body contains `text` (a unique marker put in a delivery's body). */
export const inboxRowsWithBody = async (text: string) =>
  (await env.DB.prepare("SELECT * FROM webhook_inbox WHERE instr(body, ?) > 0").bind(text).all<any>()).results;
