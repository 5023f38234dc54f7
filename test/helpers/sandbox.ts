import { env } from "cloudflare:workers";
import { checkResponse, servedContract } from "./contract";

// The test's handle on the Iamport sandbox: the buyer's actions and the fault switches, through the same
// service binding the app uses. Sandbox state is shared by all test files, so every id here is unique.
const BASE = "http://sandbox.local/sandbox/iamport";

/** Calls the sandbox; its control routes' answers are held to the local OpenAPI document, like the app's. */
export async function sandbox(method: string, path: string, body?: unknown): Promise<any> {
  const req = new Request(BASE + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await env.IAMPORT_SANDBOX!.fetch(req);
  if (path.startsWith("/__control/")) await checkResponse(await servedContract(), method, req.url, res);
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  }
}

export type WebhookMode = "once" | "none" | { duplicates: number } | { delay_ms: number };

export interface PayResult {
  imp_uid: string | null;
  merchant_uid: string;
  success: boolean;
  error_code: string | null;
  error_msg: string | null;
  paid_amount: number | null;
  status: string | null;
}

/** The buyer acts in the payment window. */
export const pay = (a: {
  merchant_uid: string;
  amount: number;
  outcome?: "paid" | "failed" | "ready";
  webhook?: WebhookMode;
  webhook_format?: "json" | "form";
  skip_prepare_check?: boolean;
}): Promise<PayResult> => sandbox("POST", "/__control/pay", { outcome: "paid", ...a });

export const inspect = async (impUid: string) => (await sandbox("GET", `/__control/payments/${impUid}`)).payment;

/** A cancel made in Iamport's console, outside pocketpay. */
export const consoleCancel = (a: { imp_uid: string; amount?: number; reason?: string; webhook?: boolean }) =>
  sandbox("POST", "/__control/cancel", a);

export const resendWebhook = (a: { imp_uid: string; duplicates?: number; format?: "json" | "form" }) =>
  sandbox("POST", "/__control/webhook", a);

export const webhooksFor = async (merchantUid: string) =>
  (await sandbox("GET", `/__control/webhooks?merchant_uid=${merchantUid}`)).webhooks as Array<{ outcome: string }>;

/**
 * Makes the next `times` matching Iamport calls fail. `match` (text in the URL or body) keeps a fault on a shared
 * path from hitting another test's calls.
 */
export const fault = (a: {
  path: string;
  method?: string;
  kind: "http_500" | "timeout" | "unauthorized" | "code_error" | "malformed" | "latency";
  times?: number;
  latency_ms?: number;
  match?: string;
  processed?: boolean;
}) => sandbox("POST", "/__control/faults", a);
