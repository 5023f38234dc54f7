import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { newToken } from "../ids";
import { isOrigin } from "../routes/browser";
import { PORTONE_BASE_PATH } from "./env";
import { parseV2, readJson } from "./errors";
import { portoneSdkScript } from "./sdk-script";
import { issueBillingKey, precheckOrder, SDK_CODES, windowPay, type WindowOrder } from "./services";
import { renderV2Window, type V2WindowView } from "./window-page";

/** The V2 browser side: the SDK script, the window, and the window's own JSON endpoint. */
export const portoneBrowser = new Hono<AppEnv>();

portoneBrowser.get("/v2/browser-sdk.js", (c) =>
  c.body(portoneSdkScript(PORTONE_BASE_PATH), 200, {
    "content-type": "application/javascript; charset=utf-8",
    "cache-control": "no-cache",
  }),
);

// What the SDK's requests carry, as far as the sandbox cares (browser-sdk PaymentRequest, IssueBillingKeyRequest).
// Unknown keys are ignored like the real SDK ignores what a PG does not use.
const Customer = z
  .looseObject({
    customerId: z.string().max(100).optional(),
    fullName: z.string().max(100).optional(),
    email: z.string().max(200).optional(),
    phoneNumber: z.string().max(40).optional(),
  })
  .optional();
const common = {
  storeId: z.string().min(1).max(200),
  channelKey: z.string().min(1).max(200),
  customer: Customer,
  customData: z.unknown().optional(),
  redirectUrl: z.string().max(2000).optional(),
  noticeUrls: z.array(z.url().max(2000)).optional(),
};
const PaymentRequest = z.looseObject({
  ...common,
  paymentId: z.string().min(1).max(200),
  orderName: z.string().min(1).max(200),
  totalAmount: z.number().int().nonnegative(),
  taxFreeAmount: z.number().int().nonnegative().optional(),
  // The SDK's Currency enum has both spellings ("KRW" and the older "CURRENCY_KRW").
  currency: z.string().min(3).max(16).transform((v) => v.replace(/^CURRENCY_/, "")),
  payMethod: z.literal("CARD"),
});
const IssueRequest = z.looseObject({
  ...common,
  billingKeyMethod: z.literal("CARD"),
  issueId: z.string().max(200).optional(),
  issueName: z.string().max(200).optional(),
});

type Kind = "payment" | "billing";
type Parsed =
  | { kind: "payment"; request: z.output<typeof PaymentRequest> }
  | { kind: "billing"; request: z.output<typeof IssueRequest> }
  | { failure: Record<string, unknown> & { code: string; message: string }; request: Record<string, unknown> | null };

/** Parses the `p` parameter; a failure is answered the way the SDK answers, with `code` and the field at fault. */
function readRequest(kind: Kind, raw: string): Parsed {
  let json: unknown = null;
  try {
    json = JSON.parse(raw);
  } catch {
    /* reported below */
  }
  const obj = json && typeof json === "object" ? (json as Record<string, unknown>) : null;
  const result = kind === "payment" ? PaymentRequest.safeParse(json) : IssueRequest.safeParse(json);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join(".") || "request";
    const base = kind === "payment" ? { transactionType: "PAYMENT", paymentId: typeof obj?.paymentId === "string" ? obj.paymentId : "" } : { transactionType: "ISSUE_BILLING_KEY" };
    return { failure: { ...base, code: SDK_CODES.process, message: `요청 파라미터가 올바르지 않습니다. (${field})` }, request: obj };
  }
  return kind === "payment"
    ? { kind, request: result.data as z.output<typeof PaymentRequest> }
    : { kind, request: result.data as z.output<typeof IssueRequest> };
}

const customerOf = (c: z.output<typeof Customer>) => ({
  ...(c?.customerId ? { id: c.customerId } : {}),
  ...(c?.fullName ? { name: c.fullName } : {}),
  ...(c?.email ? { email: c.email } : {}),
  ...(c?.phoneNumber ? { phoneNumber: c.phoneNumber } : {}),
});
const customDataOf = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v));

const toOrder = (r: z.output<typeof PaymentRequest>): WindowOrder => ({
  storeId: r.storeId,
  channelKey: r.channelKey,
  paymentId: r.paymentId,
  orderName: r.orderName,
  totalAmount: r.totalAmount,
  taxFreeAmount: r.taxFreeAmount,
  currency: r.currency,
  customer: customerOf(r.customer),
  customData: customDataOf(r.customData),
  noticeUrl: r.noticeUrls?.[0],
});

portoneBrowser.get("/window", async (c: Context<AppEnv>) => {
  const q = c.req.query();
  const kind: Kind = q.kind === "billing" ? "billing" : "payment";
  const mode = q.mode === "redirect" ? "redirect" : "popup";
  const parsed = readRequest(kind, q.p ?? "");
  let failure: V2WindowView["failure"] = "failure" in parsed ? parsed.failure : null;
  // Checked with the server before any button is shown: nothing is created for a refused request.
  if (!failure && "kind" in parsed && parsed.kind === "payment") failure = (await precheckOrder(c.env, toOrder(parsed.request))) as V2WindowView["failure"];
  if (!failure && "kind" in parsed && parsed.kind === "billing") {
    if (parsed.request.storeId !== c.env.SANDBOX_PORTONE_STORE_ID || parsed.request.channelKey !== c.env.SANDBOX_PORTONE_CHANNEL_KEY) {
      failure = { transactionType: "ISSUE_BILLING_KEY", code: SDK_CODES.process, message: "상점 아이디 또는 채널 키가 올바르지 않습니다." };
    }
  }
  const request = ("kind" in parsed ? parsed.request : parsed.request) as Record<string, unknown> | null;
  const cspNonce = newToken();
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; script-src 'nonce-${cspNonce}'; style-src 'nonce-${cspNonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
  );
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  return c.html(
    renderV2Window({
      cspNonce,
      kind,
      paymentId: typeof request?.paymentId === "string" ? request.paymentId : null,
      orderName: typeof request?.orderName === "string" ? request.orderName : null,
      amount: typeof request?.totalAmount === "number" ? request.totalAmount : null,
      currency: typeof request?.currency === "string" ? request.currency.replace(/^CURRENCY_/, "") : "KRW",
      failure,
      config: {
        kind,
        mode,
        // postMessage goes only to the opener's origin; anything unparsable falls back to our own origin.
        origin: isOrigin(q.origin) ? q.origin : new URL(c.req.url).origin,
        nonce: (q.nonce ?? "").slice(0, 64),
        redirect: typeof request?.redirectUrl === "string" ? request.redirectUrl : null,
        p: q.p ?? "",
      },
    }),
  );
});

const ActBody = z.object({
  kind: z.enum(["payment", "billing"]),
  p: z.string().max(20_000),
  action: z.enum(["approve", "decline", "close", "register"]),
  mode: z.enum(["popup", "redirect"]).default("popup"),
  card_number: z.string().max(30).optional(),
  expiry: z.string().max(10).optional(),
});

// The window's buttons. Re-runs every check: state may have changed since the window opened.
portoneBrowser.post("/__window/act", async (c) => {
  const b = parseV2(ActBody, await readJson(c));
  const parsed = readRequest(b.kind, b.p);
  if ("failure" in parsed) return c.json(parsed.failure);
  if (parsed.kind === "billing") {
    if (b.action !== "register") {
      return c.json({ transactionType: "ISSUE_BILLING_KEY", code: SDK_CODES.pg, message: "사용자가 빌링키 발급을 취소하였습니다.", pgCode: "USER_CANCEL", pgMessage: "사용자가 빌링키 발급을 취소하였습니다." });
    }
    const r = parsed.request;
    return c.json(
      await issueBillingKey(c.env, c.executionCtx, await nowMs(c), {
        storeId: r.storeId,
        channelKey: r.channelKey,
        cardNumber: b.card_number ?? "",
        expiry: b.expiry ?? "",
        customer: customerOf(r.customer),
        issueId: r.issueId,
        issueName: r.issueName,
        customData: customDataOf(r.customData),
      }),
    );
  }
  const outcome = b.action === "approve" ? "paid" : b.action === "decline" ? "failed" : "closed";
  return c.json(await windowPay(c.env, c.executionCtx, await nowMs(c), toOrder(parsed.request), outcome));
});
