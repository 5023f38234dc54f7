import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { nowMs } from "../clock";
import { resetAll } from "../db/reset";
import { addFault, clearFaults, FAULT_KINDS, listFaults } from "../db/faults";
import { control as describe } from "../openapi";
import { advanceSharedClock, clockView, resetSharedClock } from "../shared-clock";
import { getV2Payment, paymentsWithKey, setKeyDeclines } from "./db";
import { PORTONE_FAULT_PREFIX } from "./env";
import { parseV2, PortOneError, readJson, V2_MSG } from "./errors";
import { cancelV2Payment, eventFor, issueBillingKey, windowPay } from "./services";
import { activeSecrets, listV2Webhooks, resetSecrets, retireOldSecrets, rotateSecret, runDueWebhooks, sendV2Webhook } from "./webhooks";

/** Test and demo hooks for the V2 sandbox. No auth: the sandbox only exists in local dev and tests. */
export const portoneControl = new Hono<AppEnv>();

// OpenAPI shapes (sandbox/src/openapi.ts merges them into the app's local document).
const Refusal = z.looseObject({ type: z.string(), message: z.string() }).meta({ id: "SandboxPortOneRefusal" });
const V2Payment = z
  .looseObject({ id: z.string(), transactionId: z.string(), status: z.string(), amount: z.looseObject({ total: z.number() }) })
  .meta({ id: "SandboxPortOnePayment" });
const PaymentSdkResponse = z
  .object({
    transactionType: z.literal("PAYMENT"),
    paymentId: z.string(),
    txId: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
    pgCode: z.string().optional(),
    pgMessage: z.string().optional(),
  })
  .meta({ id: "SandboxPortOnePaymentResponse", description: "What PortOne.requestPayment resolves with; `code` only on failure." });
const IssueSdkResponse = z
  .object({
    transactionType: z.literal("ISSUE_BILLING_KEY"),
    billingKey: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
    pgCode: z.string().optional(),
    pgMessage: z.string().optional(),
  })
  .meta({ id: "SandboxPortOneIssueBillingKeyResponse", description: "What PortOne.requestIssueBillingKey resolves with; `code` only on failure." });
const Delivery = z.object({
  webhook_seq: z.number().int(),
  attempt: z.number().int(),
  copy: z.number().int(),
  sent_at: z.number(),
  webhook_timestamp: z.string(),
  webhook_signature: z.string(),
  response_status: z.number().int().nullable(),
  error: z.string().nullable(),
});
const Webhook = z
  .object({
    seq: z.number().int(),
    webhook_id: z.string(),
    payment_id: z.string().nullable(),
    billing_key: z.string().nullable(),
    type: z.string(),
    url: z.string(),
    body: z.string(),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    status: z.enum(["pending", "sending", "delivered", "failed"]),
    next_attempt_at: z.number().nullable(),
    created_at: z.number(),
    finished_at: z.number().nullable(),
    deliveries: z.array(Delivery),
  })
  .meta({ id: "SandboxPortOneWebhook", description: "One webhook message (one webhook-id) and every delivery attempt with the headers it carried." });
const Secrets = z.object({ secrets: z.array(z.string()).meta({ description: "The secrets signing now, newest first." }) });
const Fault = z.looseObject({ id: z.number().int(), path: z.string(), kind: z.enum(FAULT_KINDS), remaining: z.number().int() });
const Done = z.object({ ok: z.literal(true) });
const Clock = z.object({ now: z.number().int(), offset_seconds: z.number().int() });

const WebhookPlan = z.union([
  z.enum(["once", "none"]),
  z.object({ duplicates: z.number().int().min(1).max(20) }).strict(),
  z.object({ delay_ms: z.number().int().min(0).max(60_000) }).strict(),
]);

const PayBody = z.object({
  payment_id: z.string().min(1).max(200),
  amount: z.number().int().nonnegative(),
  outcome: z.enum(["paid", "failed", "closed"]),
  order_name: z.string().max(200).optional(),
  currency: z.string().max(16).optional(),
  customer_id: z.string().max(100).optional(),
  customer_email: z.string().max(200).optional(),
  custom_data: z.string().max(10_000).optional(),
  webhook: WebhookPlan.optional(),
  notice_url: z.url().max(2000).optional().meta({ description: "As requestPayment's noticeUrls[0]: this payment's webhooks go there (through the APP binding)." }),
  skip_prepare_check: z.boolean().optional().meta({
    description: "As V1's skip_prepare_check: the window does not compare `amount` with the pre-registered amount, so the buyer pays another amount than the order's (as a tampered page would).",
  }),
});

portoneControl.post(
  "/pay",
  describe({
    operationId: "sandboxPortOnePay",
    summary: "The buyer acts in the V2 payment window",
    description: "Pays (PAID), is declined (FAILED) or closes the window (nothing stored), and sends the webhook as planned. Answers what PortOne.requestPayment resolves with, 200 even on failure.",
    body: PayBody,
    answer: { description: "The SDK's response.", body: PaymentSdkResponse },
    refusals: [400],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(PayBody, await readJson(c));
    const res = await windowPay(
      c.env,
      c.executionCtx,
      await nowMs(c),
      {
        storeId: c.env.SANDBOX_PORTONE_STORE_ID,
        channelKey: c.env.SANDBOX_PORTONE_CHANNEL_KEY,
        paymentId: b.payment_id,
        orderName: b.order_name ?? "샌드박스 주문",
        totalAmount: b.amount,
        currency: b.currency ?? "KRW",
        customer: { ...(b.customer_id ? { id: b.customer_id } : {}), ...(b.customer_email ? { email: b.customer_email } : {}) },
        customData: b.custom_data,
        noticeUrl: b.notice_url,
      },
      b.outcome,
      b.webhook,
      b.skip_prepare_check,
    );
    return c.json(res);
  },
);

const IssueBody = z.object({
  card_number: z.string().min(1).max(30),
  expiry: z.string().min(1).max(10),
  customer_id: z.string().max(100).optional(),
  issue_name: z.string().max(200).optional(),
  charge_webhooks: z.enum(["once", "none"]).optional().meta({ description: "none: charges with this key send no webhook (the test settles each charge itself). Default once." }),
});

portoneControl.post(
  "/billing-key",
  describe({
    operationId: "sandboxPortOneIssueBillingKey",
    summary: "The buyer registers a card in the V2 billing-key window",
    description: "Test cards as in V1: ending 0002 refused, ending 0051 issued but every charge declined. Answers what PortOne.requestIssueBillingKey resolves with, 200 even on failure.",
    body: IssueBody,
    answer: { description: "The SDK's response.", body: IssueSdkResponse },
    refusals: [400],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(IssueBody, await readJson(c));
    const res = await issueBillingKey(c.env, c.executionCtx, await nowMs(c), {
      storeId: c.env.SANDBOX_PORTONE_STORE_ID,
      channelKey: c.env.SANDBOX_PORTONE_CHANNEL_KEY,
      cardNumber: b.card_number,
      expiry: b.expiry,
      customer: b.customer_id ? { id: b.customer_id } : {},
      issueName: b.issue_name,
      chargeWebhooks: b.charge_webhooks,
    });
    return c.json(res);
  },
);

const KeyCardBody = z.object({ declines: z.boolean() });

portoneControl.post(
  "/billing-keys/:billingKey/card",
  describe({
    operationId: "sandboxPortOneKeyCard",
    summary: "The card behind a V2 billing key starts or stops declining",
    description: "declines: true as if the card hit its limit (every charge is a PG_PROVIDER decline, as with the card ending 0051); false when it works again. The key itself does not change.",
    body: KeyCardBody,
    answer: { description: "Done.", body: z.object({ billing_key: z.string(), declines: z.boolean() }) },
    refusals: [400, 404],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(KeyCardBody, await readJson(c));
    const key = c.req.param("billingKey");
    if (!(await setKeyDeclines(c.env.SANDBOX_DB, key, b.declines))) throw new PortOneError("BILLING_KEY_NOT_FOUND", V2_MSG.billingKeyNotFound);
    return c.json({ billing_key: key, declines: b.declines });
  },
);

portoneControl.get(
  "/billing-keys/:billingKey/payments",
  describe({
    operationId: "sandboxPortOneKeyPayments",
    summary: "Every payment made with a V2 billing key, even after it was deleted",
    answer: { description: "The payments (the latest attempt at each paymentId).", body: z.object({ billing_key: z.string(), paid: z.number().int(), failed: z.number().int(), payments: z.array(V2Payment) }) },
  }),
  async (c) => {
    const payments = await paymentsWithKey(c.env.SANDBOX_DB, c.req.param("billingKey"));
    return c.json({
      billing_key: c.req.param("billingKey"),
      paid: payments.filter((p) => p.status !== "FAILED").length,
      failed: payments.filter((p) => p.status === "FAILED").length,
      payments,
    });
  },
);

const CancelBody = z.object({
  payment_id: z.string().min(1).max(200),
  amount: z.number().int().positive().optional(),
  reason: z.string().min(1).max(200).optional(),
  webhook: z.boolean().optional(),
});

portoneControl.post(
  "/cancel",
  describe({
    operationId: "sandboxPortOneConsoleCancel",
    summary: "A cancel made in PortOne's console",
    description: "Outside pocketpay; notifies by webhook unless webhook is false. Refused like the API refuses (V2's error types).",
    body: CancelBody,
    answer: { description: "The cancellation and the payment after it.", body: z.object({ cancellation: z.looseObject({ id: z.string() }), payment: V2Payment }) },
    refusals: [400, 404, 409],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(CancelBody, await readJson(c));
    return c.json(
      await cancelV2Payment(c.env, c.executionCtx, await nowMs(c), {
        paymentId: b.payment_id,
        amount: b.amount,
        reason: b.reason ?? "관리자 콘솔 취소",
        skipWebhook: b.webhook === false,
        trigger: "CONSOLE",
      }),
    );
  },
);

const ResendBody = z.object({ payment_id: z.string().min(1).max(200), duplicates: z.number().int().min(1).max(20).optional() });

portoneControl.post(
  "/webhook",
  describe({
    operationId: "sandboxPortOneResendWebhook",
    summary: "The console's re-send button (V2)",
    description: "A new webhook message (new webhook-id) for the payment's current status.",
    body: ResendBody,
    answer: { description: "The message queued.", body: z.object({ webhook_id: z.string().nullable() }) },
    refusals: [400, 404],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(ResendBody, await readJson(c));
    const stored = await getV2Payment(c.env.SANDBOX_DB, b.payment_id);
    if (!stored) throw new PortOneError("PAYMENT_NOT_FOUND", V2_MSG.paymentNotFound);
    const id = await sendV2Webhook(c.env, c.executionCtx, await nowMs(c), eventFor(stored.payment), b.duplicates ? { duplicates: b.duplicates } : "once", stored.noticeUrl);
    return c.json({ webhook_id: id });
  },
);

const RunBody = z.object({
  until: z.number().int().optional().meta({ description: "Unix seconds; default the sandbox's now." }),
  payment_id: z.string().min(1).max(200).optional(),
  billing_key: z.string().min(1).max(200).optional(),
});

portoneControl.post(
  "/webhooks/run",
  describe({
    operationId: "sandboxPortOneRunWebhookRetries",
    summary: "Send the V2 webhook retries due by `until`",
    description: "Retries fall due on the sandbox clock (1, 2, 4, 8, 16 minutes after each failure); this sends those due by `until`, optionally one payment's, without moving the shared clock.",
    body: RunBody,
    answer: { description: "The attempts made.", body: z.object({ ran: z.array(z.object({ webhook_id: z.string(), attempt: z.number().int(), outcome: z.string() })) }) },
    refusals: [400],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(RunBody, await readJson(c));
    const until = b.until !== undefined ? b.until * 1000 : await nowMs(c);
    return c.json({ ran: await runDueWebhooks(c.env, until, { paymentId: b.payment_id, billingKey: b.billing_key }) });
  },
);

portoneControl.get(
  "/webhooks",
  describe({
    operationId: "sandboxPortOneListWebhooks",
    summary: "The V2 webhooks sent, by payment_id or billing_key, with every attempt's headers",
    answer: { description: "The messages.", body: z.object({ webhooks: z.array(Webhook) }) },
  }),
  async (c) =>
    c.json({ webhooks: await listV2Webhooks(c.env.SANDBOX_DB, { paymentId: c.req.query("payment_id"), billingKey: c.req.query("billing_key") }) }),
);

portoneControl.get(
  "/webhook-secrets",
  describe({ operationId: "sandboxPortOneWebhookSecrets", summary: "The secrets signing V2 webhooks now", answer: { description: "Newest first.", body: Secrets } }),
  async (c) => c.json({ secrets: await activeSecrets(c.env) }),
);

portoneControl.post(
  "/webhook-secrets/rotate",
  describe({
    operationId: "sandboxPortOneRotateWebhookSecret",
    summary: "Rotate the V2 webhook secret",
    description: "A new secret signs beside the previous one (two v1 signatures per delivery) until retire.",
    answer: { description: "The secrets signing now, newest first.", body: Secrets },
  }),
  async (c) => c.json({ secrets: await rotateSecret(c.env, await nowMs(c)) }),
);

portoneControl.post(
  "/webhook-secrets/retire",
  describe({ operationId: "sandboxPortOneRetireWebhookSecret", summary: "End a rotation: only the newest secret signs", answer: { description: "The secret signing now.", body: Secrets } }),
  async (c) => c.json({ secrets: await retireOldSecrets(c.env) }),
);

portoneControl.delete(
  "/webhook-secrets",
  describe({ operationId: "sandboxPortOneResetWebhookSecrets", summary: "Back to the configured V2 webhook secret", answer: { description: "The secret signing now.", body: Secrets } }),
  async (c) => c.json({ secrets: await resetSecrets(c.env) }),
);

portoneControl.get(
  "/payments/:paymentId",
  describe({
    operationId: "sandboxPortOneInspectPayment",
    summary: "A V2 payment as the sandbox holds it, with its webhooks",
    answer: { description: "The payment.", body: z.object({ payment: V2Payment, webhooks: z.array(Webhook) }) },
    refusals: [404],
    refusal: Refusal,
  }),
  async (c) => {
    const stored = await getV2Payment(c.env.SANDBOX_DB, c.req.param("paymentId"));
    if (!stored) throw new PortOneError("PAYMENT_NOT_FOUND", V2_MSG.paymentNotFound);
    return c.json({ payment: stored.payment, webhooks: await listV2Webhooks(c.env.SANDBOX_DB, { paymentId: stored.payment.id }) });
  },
);

const FaultBody = z.object({
  path: z.string().min(1).startsWith("/"),
  method: z.string().min(1).max(10).optional(),
  kind: z.enum(FAULT_KINDS),
  times: z.number().int().min(1).max(1_000_000).optional(),
  latency_ms: z.number().int().min(0).max(600_000).optional(),
  message: z.string().max(200).optional(),
  processed: z.boolean().optional(),
  match: z.string().min(1).max(200).optional(),
});

/** A fault as the V2 routes show it: the path without the table's V2 prefix. */
const v2Fault = (f: { path_prefix: string } & Record<string, unknown>) => {
  const { path_prefix, ...rest } = f;
  return { ...rest, path: path_prefix.slice(PORTONE_FAULT_PREFIX.length) } as z.infer<typeof Fault>;
};

portoneControl.post(
  "/faults",
  describe({
    operationId: "sandboxPortOneAddFault",
    summary: "Make the next matching V2 API calls fail",
    description: "As in V1 (shared machinery), with V2's bodies: http_500, timeout (processed: the call takes effect, the answer is lost), unauthorized (401 UNAUTHORIZED), code_error (502 PG_PROVIDER), malformed, latency.",
    body: FaultBody,
    answer: { status: 201, description: "The fault, armed.", body: z.object({ fault: Fault }) },
    refusals: [400],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(FaultBody, await readJson(c));
    const fault = await addFault(c.env.SANDBOX_DB, {
      path_prefix: PORTONE_FAULT_PREFIX + b.path,
      method: b.method?.toUpperCase() ?? null,
      kind: b.kind,
      remaining: b.times ?? 1,
      latency_ms: b.latency_ms ?? null,
      message: b.message ?? null,
      processed: b.processed ? 1 : 0,
      match: b.match ?? null,
    });
    return c.json({ fault: v2Fault(fault as never) }, 201);
  },
);

portoneControl.get(
  "/faults",
  describe({ operationId: "sandboxPortOneListFaults", summary: "The V2 faults still armed", answer: { description: "Armed faults.", body: z.object({ faults: z.array(Fault) }) } }),
  async (c) =>
    c.json({ faults: (await listFaults(c.env.SANDBOX_DB)).filter((f) => f.path_prefix.startsWith(PORTONE_FAULT_PREFIX)).map((f) => v2Fault(f as never)) }),
);

portoneControl.delete(
  "/faults",
  describe({ operationId: "sandboxPortOneClearFaults", summary: "Disarm every fault (V1's and V2's: the table is shared)", answer: { description: "Done.", body: Done } }),
  async (c) => {
    await clearFaults(c.env.SANDBOX_DB);
    return c.json({ ok: true as const });
  },
);

portoneControl.get(
  "/clock",
  describe({ operationId: "sandboxPortOneClock", summary: "The sandbox's test clock (shared with V1)", answer: { description: "Its now and offset.", body: Clock } }),
  async (c) => c.json(await clockView(c.env)),
);

const AdvanceBody = z.object({ advance_seconds: z.number().int().min(0).max(10 * 365 * 86400) });

portoneControl.post(
  "/clock",
  describe({
    operationId: "sandboxPortOneAdvanceClock",
    summary: "Move the shared test clock forward",
    description: "The same clock as /sandbox/iamport/__control/clock: V1's due schedules run and V2's due webhook retries are sent.",
    body: AdvanceBody,
    answer: { description: "The clock, and how many schedules ran.", body: Clock.extend({ schedules_executed: z.number().int() }) },
    refusals: [400],
    refusal: Refusal,
  }),
  async (c) => {
    const b = parseV2(AdvanceBody, await readJson(c));
    return c.json(await advanceSharedClock(c.env, c.executionCtx, b.advance_seconds));
  },
);

portoneControl.delete(
  "/clock",
  describe({ operationId: "sandboxPortOneResetClock", summary: "Put the shared test clock back to real time", answer: { description: "The clock.", body: Clock } }),
  async (c) => c.json(await resetSharedClock(c.env)),
);

portoneControl.post(
  "/reset",
  describe({ operationId: "sandboxPortOneReset", summary: "Forget every payment, key, fault and webhook (V1's and V2's: one sandbox)", answer: { description: "Done.", body: Done } }),
  async (c) => {
    await resetAll(c.env.SANDBOX_DB);
    return c.json({ ok: true as const });
  },
);

// Keep unknown control paths from falling through to the authenticated API.
portoneControl.all("*", (c) => c.json({ type: "NOT_FOUND", message: V2_MSG.notFoundRoute }, 404));
