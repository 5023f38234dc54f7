import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { advanceSharedClock, clockView, resetSharedClock } from "../shared-clock";
import { addFault, clearFaults, FAULT_KINDS, listFaults } from "../db/faults";
import { getPayment, getWebhookFormat, keyUses } from "../db/payments";
import { resetAll } from "../db/reset";
import { listWebhooks } from "../db/webhooks";
import { envelopeError, IamportError, MSG, ok } from "../envelope";
import { bool, int, num, parse, readBody } from "../input";
import { publicPayment } from "../payment";
import { cancelPayment } from "../services/cancel";
import { registerKey } from "../services/billing-window";
import { checkout } from "../services/checkout";
import { runDueSchedules } from "../services/schedules";
import { deposit, expire } from "../services/vbank";
import { sendWebhook } from "../webhooks";
import { control as describe, envelope, SandboxPayment } from "../openapi";

/** Test and demo hooks. No auth: the sandbox only exists in local dev and tests. */
export const control = new Hono<AppEnv>();

// What the control routes answer, for the app's local OpenAPI document (sandbox/src/openapi.ts).
const Callback = z
  .looseObject({
    success: z.boolean(),
    imp_uid: z.string().nullable(),
    merchant_uid: z.string(),
    error_code: z.string().nullable(),
    error_msg: z.string().nullable(),
    paid_amount: z.number().nullable(),
    status: z.string().nullable(),
  })
  .meta({ id: "SandboxCallback", description: "What IMP.request_pay's callback receives." });
const Fault = z
  .object({
    id: z.number().int(),
    path_prefix: z.string(),
    method: z.string().nullable(),
    kind: z.enum(FAULT_KINDS),
    remaining: z.number().int(),
    latency_ms: z.number().int().nullable(),
    message: z.string().nullable(),
    processed: z.number().int(),
    match: z.string().nullable(),
  })
  .meta({ id: "SandboxFault" });
const Webhook = z
  .object({
    id: z.number().int(),
    imp_uid: z.string(),
    merchant_uid: z.string(),
    status: z.string(),
    format: z.enum(["json", "form"]),
    body: z.string(),
    outcome: z.enum(["pending", "delivered", "failed"]),
    response_status: z.number().int().nullable(),
    error: z.string().nullable(),
    sent_at: z.number(),
    finished_at: z.number().nullable(),
  })
  .meta({ id: "SandboxWebhook" });
const Done = z.object({ ok: z.literal(true) });
const Clock = z.object({
  now: z.number().int().meta({ description: "The sandbox's now, unix seconds." }),
  offset_seconds: z.number().int(),
});
const VbankBody = z.object({ imp_uid: z.string().min(1).max(32) });

const WebhookPlan = z.union([
  z.enum(["once", "none"]),
  z.object({ duplicates: z.number().int().min(1).max(20) }).strict(),
  z.object({ delay_ms: z.number().int().min(0).max(60_000) }).strict(),
]);

const PayBody = z.object({
  merchant_uid: z.string().min(1).max(40),
  amount: num.pipe(z.number().nonnegative()),
  outcome: z.enum(["paid", "failed", "ready"]),
  name: z.string().max(40).optional(),
  currency: z.string().max(3).optional(),
  pay_method: z.string().max(20).optional(),
  buyer_email: z.string().max(64).optional(),
  buyer_name: z.string().max(16).optional(),
  buyer_tel: z.string().max(16).optional(),
  custom_data: z.unknown().optional(),
  fail_reason: z.string().max(200).optional(),
  // pay_method "vbank" with outcome "ready": the account is issued at this bank, due by vbank_due.
  vbank_code: z.string().max(3).optional(),
  vbank_due: z.union([z.string().max(20), z.number()]).optional(),
  skip_prepare_check: bool.optional(),
  webhook: WebhookPlan.optional(),
  webhook_format: z.enum(["json", "form"]).optional(),
});

// The buyer acting in the payment window. Returns the SDK callback payload, HTTP 200 even when success is false.
control.post(
  "/pay",
  describe({
    operationId: "sandboxPay",
    summary: "The buyer acts in the payment window",
    description: "Pays, fails or leaves the payment ready (a virtual account), and sends the webhooks as planned. Answers the SDK callback's payload, 200 even when success is false.",
    body: PayBody,
    answer: { description: "The callback payload.", body: Callback },
    refusals: [400],
  }),
  async (c) => {
    const b = parse(PayBody, await readBody(c));
    const payload = await checkout(c.env, c.executionCtx, await nowMs(c), {
      merchantUid: b.merchant_uid,
      amount: b.amount,
      currency: b.currency ?? "KRW",
      name: b.name ?? null,
      payMethod: b.pay_method,
      buyer: { buyer_email: b.buyer_email, buyer_name: b.buyer_name, buyer_tel: b.buyer_tel },
      customData: b.custom_data === undefined ? null : typeof b.custom_data === "string" ? b.custom_data : JSON.stringify(b.custom_data),
      userAgent: c.req.header("user-agent") ?? null,
      outcome: b.outcome,
      failReason: b.fail_reason,
      bankCode: b.vbank_code,
      vbankDue: b.vbank_due,
      skipPrepareCheck: b.skip_prepare_check,
      webhook: b.webhook,
      webhookFormat: b.webhook_format,
    });
    return c.json(payload);
  },
);

const RegisterBody = z.object({
  merchant_uid: z.string().min(1).max(40),
  customer_uid: z.string().min(1).max(80),
  card_number: z.string().min(1).max(30),
  expiry: z.string().min(1).max(10),
  amount: num.pipe(z.number().nonnegative()).optional(),
  name: z.string().max(40).optional(),
  currency: z.string().max(3).optional(),
  pg: z.string().max(80).optional(),
  buyer_email: z.string().max(64).optional(),
  buyer_name: z.string().max(16).optional(),
  buyer_tel: z.string().max(16).optional(),
  mode: z.enum(["popup", "redirect"]).optional(),
});

// The buyer registering a card in the billing-key window (IMP.request_pay with customer_uid). Returns the SDK
// callback payload, HTTP 200 even when success is false.
control.post(
  "/billing-key",
  describe({
    operationId: "sandboxRegisterBillingKey",
    summary: "The buyer registers a card in the billing-key window",
    description: "IMP.request_pay with customer_uid: stores the key and an issue record of 0 (nothing approved). Answers the SDK callback's payload, 200 even when success is false (F0007: card refused).",
    body: RegisterBody,
    answer: { description: "The callback payload.", body: Callback },
    refusals: [400],
  }),
  async (c) => {
  const b = parse(RegisterBody, await readBody(c));
  const payload = await registerKey(c.env, await nowMs(c), {
    merchantUid: b.merchant_uid,
    customerUid: b.customer_uid,
    amount: b.amount ?? 0,
    currency: b.currency ?? "KRW",
    name: b.name ?? null,
    pg: b.pg ?? null,
    buyer: { buyer_email: b.buyer_email, buyer_name: b.buyer_name, buyer_tel: b.buyer_tel },
    customData: null,
    userAgent: c.req.header("user-agent") ?? null,
    channel: b.mode === "redirect" ? "mobile" : "pc",
    card: { card_number: b.card_number, expiry: b.expiry },
  });
  return c.json(payload);
  },
);

// What a key was used for, even after it was deleted: `charges` counts approvals and declines (customer_uid_usage
// payment or payment.scheduled), `paid` the approvals; `payments` lists every record, issuance included.
const KeyUseView = z.object({
  imp_uid: z.string(),
  merchant_uid: z.string(),
  status: z.string(),
  amount: z.number(),
  customer_uid_usage: z.string().nullable(),
});
control.get(
  "/customers/:customer_uid/charges",
  describe({
    operationId: "sandboxKeyCharges",
    summary: "What a billing key was used for, even after it was deleted",
    answer: {
      description: "Charge counts and every record made with the key.",
      body: z.object({ customer_uid: z.string(), charges: z.number().int(), paid: z.number().int(), failed: z.number().int(), payments: z.array(KeyUseView) }),
    },
  }),
  async (c) => {
  const payments = await keyUses(c.env.SANDBOX_DB, c.req.param("customer_uid"));
  const charges = payments.filter((p) => p.customer_uid_usage === "payment" || p.customer_uid_usage === "payment.scheduled");
  return c.json({
    customer_uid: c.req.param("customer_uid"),
    charges: charges.length,
    paid: charges.filter((p) => p.status === "paid" || p.status === "cancelled").length,
    failed: charges.filter((p) => p.status === "failed").length,
    payments,
  });
  },
);

const CancelBody = z.object({
  imp_uid: z.string().min(1).max(32),
  amount: z.number().finite().positive().optional(),
  reason: z.string().max(256).optional(),
  webhook: z.boolean().optional(),
});

// A cancel made in the Iamport console, outside pocketpay: console cancels notify by default.
control.post(
  "/cancel",
  describe({
    operationId: "sandboxConsoleCancel",
    summary: "A cancel made in Iamport's console",
    description: "Outside pocketpay; notifies by webhook unless webhook is false. A refused cancel answers like Iamport: code != 0, sometimes with HTTP 200.",
    body: CancelBody,
    answer: { description: "The payment after the cancel, or Iamport's refusal.", body: z.union([envelope(SandboxPayment), z.object({ code: z.number().int(), message: z.string(), response: z.null() })]) },
    refusals: [400, 404, 409],
  }),
  async (c) => {
    const b = parse(CancelBody, await readBody(c));
    const result = await cancelPayment(c.env, c.executionCtx, await nowMs(c), {
      imp_uid: b.imp_uid,
      amount: b.amount,
      reason: b.reason ?? "관리자 콘솔 취소",
      webhook: b.webhook ?? true,
      refundAccount: "not_required",
    });
    if (!result.ok) return envelopeError(c, result.httpStatus, result.code, result.message);
    return ok(c, publicPayment(result.payment));
  },
);

const DepositBody = z.object({
  imp_uid: z.string().min(1).max(32),
  amount: num.optional(),
  webhook: z.boolean().optional(),
});

// The buyer's bank transfer into an issued virtual account: `paid`, with a `paid` webhook unless webhook: false.
control.post(
  "/vbank/deposit",
  describe({
    operationId: "sandboxVbankDeposit",
    summary: "The buyer's transfer into an issued virtual account",
    body: DepositBody,
    answer: { description: "The payment, now paid.", body: envelope(SandboxPayment) },
    refusals: [400, 404, 409],
  }),
  async (c) => {
    const b = parse(DepositBody, await readBody(c));
    const p = await deposit(c.env, c.executionCtx, await nowMs(c), { imp_uid: b.imp_uid, amount: b.amount, webhook: b.webhook ?? true });
    return ok(c, publicPayment(p));
  },
);

// The deposit deadline passes now (without moving the shared clock): the account can no longer be paid.
control.post(
  "/vbank/expire",
  describe({
    operationId: "sandboxVbankExpire",
    summary: "A virtual account's deadline passes now",
    body: VbankBody,
    answer: { description: "The payment, no longer payable.", body: envelope(SandboxPayment) },
    refusals: [400, 404, 409],
  }),
  async (c) => {
    const b = parse(VbankBody, await readBody(c));
    return ok(c, publicPayment(await expire(c.env, await nowMs(c), b.imp_uid)));
  },
);

const RunBody = z.object({
  customer_uid: z.string().min(1).max(80).optional(),
  merchant_uid: z.union([z.string().min(1).max(40), z.array(z.string().min(1).max(40)).min(1).max(100)]).optional(),
  until: int.optional(),
});

// Iamport's scheduler, on demand: runs the schedules due by `until` (default: the sandbox's now). `until` and the
// customer/merchant filter let one test run its own schedules without moving the clock every test shares.
control.post(
  "/schedules/run",
  describe({
    operationId: "sandboxRunSchedules",
    summary: "Run Iamport's scheduler now",
    body: RunBody,
    answer: { description: "The schedules it executed.", body: z.object({ executed: z.array(z.looseObject({})) }) },
    refusals: [400],
  }),
  async (c) => {
    const b = parse(RunBody, await readBody(c));
    const now = await nowMs(c);
    const executed = await runDueSchedules(c.env, c.executionCtx, now, b.until ?? Math.floor(now / 1000), {
      customerUid: b.customer_uid,
      merchantUids: typeof b.merchant_uid === "string" ? [b.merchant_uid] : b.merchant_uid,
    });
    return c.json({ executed });
  },
);

const ResendBody = z.object({
  imp_uid: z.string().min(1),
  format: z.enum(["json", "form"]).optional(),
  duplicates: z.number().int().min(1).max(20).optional(),
});

// The console's "re-send" button: notifies the payment's current status again.
control.post(
  "/webhook",
  describe({
    operationId: "sandboxResendWebhook",
    summary: "The console's re-send button",
    body: ResendBody,
    answer: { description: "The deliveries queued.", body: z.object({ webhook_ids: z.array(z.number().int()) }) },
    refusals: [400, 404],
  }),
  async (c) => {
    const b = parse(ResendBody, await readBody(c));
    const p = await getPayment(c.env.SANDBOX_DB, b.imp_uid);
    if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
    const last = p.cancel_history.at(-1);
    const ids = await sendWebhook(
      c.env,
      c.executionCtx,
      {
        imp_uid: p.imp_uid,
        merchant_uid: p.merchant_uid,
        status: p.status,
        ...(p.status === "cancelled" && last ? { cancellation_id: last.cancellation_id } : {}),
      },
      { format: b.format ?? (await getWebhookFormat(c.env.SANDBOX_DB, p.imp_uid)), nowMs: await nowMs(c), times: b.duplicates },
    );
    return c.json({ webhook_ids: ids });
  },
);

const FaultBody = z.object({
  path: z.string().min(1).startsWith("/"),
  method: z.string().min(1).max(10).optional(),
  kind: z.enum(FAULT_KINDS),
  times: z.number().int().min(1).max(1_000_000).optional(),
  latency_ms: z.number().int().min(0).max(600_000).optional(),
  message: z.string().max(200).optional(),
  // timeout only: apply the request before withholding the answer.
  processed: z.boolean().optional(),
  match: z.string().min(1).max(200).optional(),
});

control.post(
  "/faults",
  describe({
    operationId: "sandboxAddFault",
    summary: "Make the next matching Iamport calls fail",
    description: "As the real API fails: HTTP 500, a timeout, 401, code != 0, a malformed body, or latency.",
    body: FaultBody,
    answer: { status: 201, description: "The fault, armed.", body: z.object({ fault: Fault }) },
    refusals: [400],
  }),
  async (c) => {
    const b = parse(FaultBody, await readBody(c));
    const fault = await addFault(c.env.SANDBOX_DB, {
      path_prefix: b.path,
      method: b.method?.toUpperCase() ?? null,
      kind: b.kind,
      remaining: b.times ?? 1,
      latency_ms: b.latency_ms ?? null,
      message: b.message ?? null,
      processed: b.processed ? 1 : 0,
      match: b.match ?? null,
    });
    return c.json({ fault }, 201);
  },
);

control.get(
  "/faults",
  describe({ operationId: "sandboxListFaults", summary: "The faults still armed", answer: { description: "Armed faults.", body: z.object({ faults: z.array(Fault) }) } }),
  async (c) => c.json({ faults: await listFaults(c.env.SANDBOX_DB) }),
);

control.delete(
  "/faults",
  describe({ operationId: "sandboxClearFaults", summary: "Disarm every fault", answer: { description: "Done.", body: Done } }),
  async (c) => {
    await clearFaults(c.env.SANDBOX_DB);
    return c.json({ ok: true as const });
  },
);

control.get(
  "/clock",
  describe({ operationId: "sandboxClock", summary: "The sandbox's test clock", answer: { description: "Its now and offset.", body: Clock } }),
  async (c) => c.json(await clockView(c.env)),
);

// Moving the clock is time passing: the schedules that fall due run, as Iamport's scheduler would run them (and the
// PortOne V2 sandbox's webhook retries that fall due are sent: the clock is shared, see shared-clock.ts).
const AdvanceBody = z.object({ advance_seconds: z.number().int().min(0).max(10 * 365 * 86400) });

control.post(
  "/clock",
  describe({
    operationId: "sandboxAdvanceClock",
    summary: "Move the test clock forward",
    description: "Time passing: the schedules that fall due run, as Iamport's scheduler would run them.",
    body: AdvanceBody,
    answer: { description: "The clock, and how many schedules ran.", body: Clock.extend({ schedules_executed: z.number().int() }) },
    refusals: [400],
  }),
  async (c) => {
    const b = parse(AdvanceBody, await readBody(c));
    return c.json(await advanceSharedClock(c.env, c.executionCtx, b.advance_seconds));
  },
);

control.delete(
  "/clock",
  describe({ operationId: "sandboxResetClock", summary: "Put the test clock back to real time", answer: { description: "The clock.", body: Clock } }),
  async (c) => {
    return c.json(await resetSharedClock(c.env));
  },
);

control.post(
  "/reset",
  describe({ operationId: "sandboxReset", summary: "Forget every payment, token, fault and webhook", answer: { description: "Done.", body: Done } }),
  async (c) => {
    await resetAll(c.env.SANDBOX_DB);
    return c.json({ ok: true as const });
  },
);

control.get(
  "/payments/:imp_uid",
  describe({
    operationId: "sandboxInspectPayment",
    summary: "A payment as the sandbox holds it, with its webhooks",
    answer: {
      description: "The payment.",
      body: z.object({ payment: SandboxPayment, webhook_format: z.enum(["json", "form"]).nullable(), webhooks: z.array(Webhook) }),
    },
    refusals: [404],
  }),
  async (c) => {
    const p = await getPayment(c.env.SANDBOX_DB, c.req.param("imp_uid"));
    if (!p) throw new IamportError(404, -1, MSG.paymentNotFound);
    return c.json({
      payment: publicPayment(p),
      webhook_format: await getWebhookFormat(c.env.SANDBOX_DB, p.imp_uid),
      webhooks: await listWebhooks(c.env.SANDBOX_DB, { imp_uid: p.imp_uid }),
    });
  },
);

control.get(
  "/webhooks",
  describe({ operationId: "sandboxListWebhooks", summary: "The webhooks sent, by merchant_uid or imp_uid", answer: { description: "The deliveries.", body: z.object({ webhooks: z.array(Webhook) }) } }),
  async (c) => {
    const filter = { merchant_uid: c.req.query("merchant_uid"), imp_uid: c.req.query("imp_uid") };
    return c.json({ webhooks: await listWebhooks(c.env.SANDBOX_DB, filter) });
  },
);

// Keep unknown control paths from falling through to the authenticated API.
control.all("*", (c) => envelopeError(c, 404, -1, MSG.notFoundRoute));
