import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { checkResponse, servedContract } from "../../helpers/contract";

// Drives the sandbox Worker directly through the app's service binding, the way any Iamport client would.
// State is shared with every other test file: ids are unique per test, and lists are read through filters
// (a customer, an order, a time window of the test's own) that only the test's own rows match.
const BASE = "http://sandbox.local/sandbox/iamport";
export const KEY = { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret_0123456789abcdef" };

export interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** A JSON body (object), a raw string body (form or broken JSON), or none. */
export async function sbx(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (typeof body === "string") init.body = body;
    else {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
  }
  const req = new Request(BASE + path, init);
  const res = await env.IAMPORT_SANDBOX!.fetch(req);
  // The control routes are pocketpay's own (described in the local OpenAPI document); the rest is Iamport's API.
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

export const uid = (p = "sbx") => `${p}_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;

export async function token(): Promise<string> {
  const res = await sbx("POST", "/users/getToken", KEY);
  expect(res.status).toBe(200);
  return res.json.response.access_token;
}

export async function api(method: string, path: string, body?: unknown) {
  return sbx(method, path, body, { authorization: await token() });
}

/** A form-urlencoded call, as PHP and Python clients send. */
export async function apiForm(method: string, path: string, form: Record<string, string>) {
  return sbx(method, path, new URLSearchParams(form).toString(), {
    authorization: await token(),
    "content-type": "application/x-www-form-urlencoded",
  });
}

export async function paid(amount = 12_000, extra: Record<string, unknown> = {}) {
  const merchant_uid = (extra.merchant_uid as string | undefined) ?? uid();
  const res = await sbx("POST", "/__control/pay", { merchant_uid, amount, outcome: "paid", webhook: "none", ...extra });
  expect(res.json.success).toBe(true);
  return { merchant_uid, imp_uid: res.json.imp_uid as string };
}

/** The deliveries for an order once none is pending (waits for the sandbox's background sends, not for time). */
export async function settledWebhooks(merchantUid: string, count: number) {
  for (let i = 0; i < 200; i++) {
    const res = await sbx("GET", `/__control/webhooks?merchant_uid=${encodeURIComponent(merchantUid)}`);
    const list = res.json.webhooks as any[];
    if (list.length >= count && list.every((w) => w.outcome !== "pending")) return list;
    await scheduler.wait(25);
  }
  throw new Error("webhooks never settled");
}

export const webhooksOf = async (merchantUid: string) =>
  (await sbx("GET", `/__control/webhooks?merchant_uid=${encodeURIComponent(merchantUid)}`)).json.webhooks as any[];

/** A billing key on a card that works (or on one of the sandbox's test cards). */
export async function billingKey(card = "5107-3700-1234-5678", extra: Record<string, unknown> = {}) {
  const customer_uid = uid("cust");
  const res = await api("POST", `/subscribe/customers/${customer_uid}`, { card_number: card, expiry: "2099-12", ...extra });
  expect(res.json).toMatchObject({ code: 0 });
  return customer_uid;
}

export const nowSec = () => Math.floor(Date.now() / 1000);

/**
 * Test setup only: moves a payment's times into the past (and keeps its search time in step), so that a status
 * search over a window of the test's own sees exactly the test's payments. Writes the sandbox's D1 directly.
 */
export async function backdate(impUid: string, times: Partial<Record<"started_at" | "paid_at" | "failed_at" | "cancelled_at", number>>) {
  const row = await env.SANDBOX_DB.prepare("SELECT data FROM sandbox_payments WHERE imp_uid = ?").bind(impUid).first<{ data: string }>();
  const p = { ...JSON.parse(row!.data), ...times };
  const statusAt = { paid: p.paid_at, failed: p.failed_at, cancelled: p.cancelled_at }[p.status as string] ?? p.started_at;
  await env.SANDBOX_DB.prepare(
    "UPDATE sandbox_payments SET started_at = ?, paid_at = ?, updated_at = ?, status_at = ?, data = ? WHERE imp_uid = ?",
  )
    .bind(p.started_at, p.paid_at, p.started_at, statusAt, JSON.stringify(p), impUid)
    .run();
}
