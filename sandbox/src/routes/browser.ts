import { Hono, type Context } from "hono";
import { z } from "zod";
import { BASE_PATH, type AppEnv } from "../env";
import { nowMs } from "../clock";
import { newToken } from "../ids";
import { parse, readBody } from "../input";
import { DECLINE_REASON, preFailure, SDK_ERRORS, type CallbackPayload } from "../payment";
import { sdkScript } from "../sdk-script";
import { billingChannel, registerKey } from "../services/billing-window";
import { checkout, precheck, type OrderParams } from "../services/checkout";
import { BANKS, openAccount } from "../vbank";
import { renderWindow } from "../window-page";

/** The browser side: the SDK script, the payment window, and the window's own JSON endpoint. */
export const browser = new Hono<AppEnv>();

browser.get("/v1/iamport.js", (c) =>
  c.body(sdkScript(BASE_PATH), 200, {
    "content-type": "application/javascript; charset=utf-8",
    "cache-control": "no-cache",
  }),
);

// What IMP.request_pay accepts, as far as the sandbox cares. Unknown keys are ignored like the real SDK does.
const optText = (max: number) => z.string().max(max).nullish();
const RequestPayParams = z.looseObject({
  merchant_uid: z.string().min(1).max(40),
  // The real SDK wants a number, not a numeric string.
  amount: z.number().finite().nonnegative(),
  name: optText(100),
  currency: z.string().min(3).max(3).nullish(),
  pay_method: optText(20),
  buyer_name: optText(16),
  buyer_email: optText(64),
  buyer_tel: optText(16),
  buyer_addr: optText(128),
  buyer_postcode: optText(8),
  custom_data: z.unknown().optional(),
  m_redirect_url: optText(2000),
  // With customer_uid the window registers a card as a billing key instead of paying (iamport-v1.md §6.4).
  customer_uid: z.string().min(1).max(80).nullish(),
  pg: optText(80),
  // YYYYMMDD, YYYY-MM-DD or with a time (vbank only).
  vbank_due: z.union([z.string().max(20), z.number()]).nullish(),
});
type RequestPay = z.output<typeof RequestPayParams>;

/** Parses the `p` parameter the SDK sends; a failure is reported to the caller like the SDK would. */
function readParams(raw: string): { params: RequestPay } | { failure: CallbackPayload } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = null;
  }
  const merchantUid =
    json && typeof json === "object" && "merchant_uid" in json ? String((json as { merchant_uid: unknown }).merchant_uid) : "";
  const result = RequestPayParams.safeParse(json);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join(".") || "params";
    return { failure: preFailure(merchantUid, SDK_ERRORS.badParams.code, `${SDK_ERRORS.badParams.msg} (${field})`) };
  }
  return { params: result.data };
}

const toOrder = (p: RequestPay, c: Context<AppEnv>, mode: string): OrderParams => ({
  merchantUid: p.merchant_uid,
  amount: p.amount,
  currency: p.currency ?? "KRW",
  name: p.name ?? null,
  payMethod: p.pay_method ?? "card",
  buyer: {
    buyer_name: p.buyer_name ?? null,
    buyer_email: p.buyer_email ?? null,
    buyer_tel: p.buyer_tel ?? null,
    buyer_addr: p.buyer_addr ?? null,
    buyer_postcode: p.buyer_postcode ?? null,
  },
  customData:
    p.custom_data === undefined || p.custom_data === null
      ? null
      : typeof p.custom_data === "string"
        ? p.custom_data
        : JSON.stringify(p.custom_data),
  userAgent: c.req.header("user-agent") ?? null,
  channel: mode === "redirect" ? "mobile" : "pc",
  vbankDue: p.vbank_due,
});

export function isOrigin(v: string | undefined): v is string {
  if (!v) return false;
  try {
    return new URL(v).origin === v;
  } catch {
    return false;
  }
}

browser.get("/window", async (c) => {
  const q = c.req.query();
  const mode = q.mode === "redirect" ? "redirect" : "popup";
  const read = readParams(q.p ?? "");
  let failure: CallbackPayload | null = "failure" in read ? read.failure : null;
  const params = "params" in read ? read.params : null;
  if (!failure && q.imp !== c.env.SANDBOX_IMP_CODE) {
    failure = preFailure(params?.merchant_uid ?? "", SDK_ERRORS.badImpCode.code, SDK_ERRORS.badImpCode.msg);
  }
  const billing = !!params?.customer_uid;
  if (!failure && params && billing && (!billingChannel(params.pg).ok || (params.pay_method ?? "card") !== "card")) {
    const field = billingChannel(params.pg).ok ? "pay_method" : "pg";
    failure = preFailure(params.merchant_uid, SDK_ERRORS.badParams.code, `${SDK_ERRORS.badParams.msg} (${field})`);
  }
  // Validate with the server before any button is shown: nothing is created for a refused request. A billing
  // window charges nothing, so only an already-paid merchant_uid refuses it.
  if (!failure && params) failure = await precheck(c.env.SANDBOX_DB, toOrder(params, c, mode), billing);
  const vbank = params?.pay_method === "vbank";
  if (!failure && params && vbank) {
    const opened = openAccount(await nowMs(c), null, params.vbank_due);
    if (!opened.ok) {
      failure = preFailure(params.merchant_uid, SDK_ERRORS.badParams.code, `${SDK_ERRORS.badParams.msg} (${opened.reason})`);
    }
  }

  const cspNonce = newToken();
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; script-src 'nonce-${cspNonce}'; style-src 'nonce-${cspNonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
  );
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  return c.html(
    renderWindow({
      cspNonce,
      impCode: c.env.SANDBOX_IMP_CODE,
      merchantUid: params?.merchant_uid ?? null,
      name: params?.name ?? null,
      amount: params?.amount ?? null,
      currency: params?.currency ?? "KRW",
      buyerEmail: params?.buyer_email ?? null,
      payMethod: billing ? "billing" : vbank ? "vbank" : "card",
      banks: BANKS,
      failure,
      config: {
        mode,
        // postMessage goes only to the opener's origin; anything unparsable falls back to our own origin.
        origin: isOrigin(q.origin) ? q.origin : new URL(c.req.url).origin,
        nonce: (q.nonce ?? "").slice(0, 64),
        redirect: params?.m_redirect_url ?? null,
        p: q.p ?? "",
        imp: q.imp ?? "",
      },
    }),
  );
});

const ActBody = z.object({
  p: z.string().max(20_000),
  imp: z.string().max(100),
  action: z.enum(["approve", "decline", "close", "register"]),
  mode: z.enum(["popup", "redirect"]).default("popup"),
  // vbank: the bank picked in the window.
  bank: z.string().max(3).optional(),
  // Billing-key window: the card the buyer typed ("dddd-dddd-dddd-dddd" or digits, "YYYY-MM").
  card_number: z.string().max(30).optional(),
  expiry: z.string().max(10).optional(),
});

// The window's buttons. Re-runs every check: state may have changed since the window opened.
browser.post("/__window/act", async (c) => {
  const b = parse(ActBody, await readBody(c));
  const read = readParams(b.p);
  if ("failure" in read) return c.json(read.failure);
  if (b.imp !== c.env.SANDBOX_IMP_CODE) {
    return c.json(preFailure(read.params.merchant_uid, SDK_ERRORS.badImpCode.code, SDK_ERRORS.badImpCode.msg));
  }
  const order = toOrder(read.params, c, b.mode);
  if (read.params.customer_uid) {
    if (b.action !== "register") return c.json(preFailure(order.merchantUid, SDK_ERRORS.userClosed.code, SDK_ERRORS.userClosed.msg));
    const payload = await registerKey(c.env, await nowMs(c), {
      ...order,
      name: order.name ?? null,
      customerUid: read.params.customer_uid,
      pg: read.params.pg ?? null,
      buyer: order.buyer ?? {},
      customData: order.customData ?? null,
      userAgent: order.userAgent ?? null,
      channel: order.channel ?? "pc",
      card: { card_number: b.card_number ?? "", expiry: b.expiry ?? "" },
    });
    return c.json(payload);
  }
  // For a virtual account, "approve" is the account being issued; the payment is paid at the deposit.
  const approved = order.payMethod === "vbank" ? "ready" : "paid";
  const payload = await checkout(c.env, c.executionCtx, await nowMs(c), {
    ...order,
    outcome: b.action === "approve" ? approved : b.action === "decline" ? "failed" : "closed",
    bankCode: b.bank,
    failReason: DECLINE_REASON,
  });
  return c.json(payload);
});
