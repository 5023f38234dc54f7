// The PortOne V2 adapter behind the gateway interface: the subset of V2's REST API pocketpay uses.
//
// Written here rather than taken from @portone/server-sdk (0.19.0). Production bundle, gzipped: main 157.0 KiB;
// with this adapter 161.2 KiB; with the SDK's PaymentClient 159.9 KiB alone, 161.9 KiB with the status map, error
// classification and schemas an adapter over it still needs (before any gateway logic); with the SDK's
// PortOneClient 165.7 KiB. And the SDK fails the other tests: its clients call the global fetch (PortOneClientInit
// takes secret, baseUrl and storeId only), so they can neither reach the sandbox through its service binding nor
// run over a scripted fetch in tests; they have no deadline; and a non-JSON error body (a proxy's 502 page) throws
// a SyntaxError instead of an error we can classify.
//
// Everything this adapter needs is passed in (fetch, base URL, secret, clock), never read from env or globals, so the
// same code talks to api.portone.io, the local sandbox, or a scripted fake in tests.

import { GatewayNotFoundError, GatewayRefusalError } from "../errors";
import type {
  CancelInput,
  ChargeBillingKeyInput,
  Gateway,
  GatewayPayment,
  PaymentRef,
  PreRegisterInput,
} from "../types";
import { toBillingKeyInfo, toGatewayPayment } from "./map";
import {
  V2AnyObjectSchema,
  V2BillingKeyInfoSchema,
  V2BillingKeyListSchema,
  V2CancelResponseSchema,
  V2PaymentSchema,
} from "./schemas";
import { PortOneV2Refusal, call, type PortOneV2CallInfo, type TransportOptions } from "./transport";

export interface PortOneV2GatewayOptions {
  fetch: typeof fetch;
  /** https://api.portone.io, or the sandbox's V2 URL. */
  baseUrl: string;
  /** The V2 API secret, sent as `Authorization: PortOne <secret>` and nowhere else. */
  apiSecret: string;
  /** Only for a sub-store (or an API secret that spans stores): sent as storeId on every request. */
  storeId?: string;
  /** Per HTTP request, including reading the body. */
  timeoutMs: number;
  /** Local clock in ms (call durations). */
  now: () => number;
  /** Called after every HTTP request. Must not throw (errors are swallowed). */
  onCall?: (info: PortOneV2CallInfo) => void;
}

/** getPayments: V2 has no multi-get by id (GET /payments searches a 90-day window by default), so one GET each. */
export const GET_PAYMENTS_CONCURRENCY = 4;
export const GET_PAYMENTS_MAX = 100;

const seg = encodeURIComponent;

export function createPortOneV2Gateway(options: PortOneV2GatewayOptions): Gateway {
  const transport: TransportOptions = {
    fetch: options.fetch,
    baseUrl: options.baseUrl,
    apiSecret: options.apiSecret,
    timeoutMs: options.timeoutMs,
    now: options.now,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  };
  const storeId = options.storeId;
  /** storeId as a query parameter (GET, DELETE), or nothing. */
  const storeQuery = () => {
    const q = new URLSearchParams();
    if (storeId !== undefined) q.set("storeId", storeId);
    return q;
  };
  /** storeId in a JSON body (POST), or nothing. */
  const storeBody = () => (storeId !== undefined ? { storeId } : {});

  async function getByPaymentId(paymentId: string): Promise<GatewayPayment> {
    const path = `/payments/${seg(paymentId)}`;
    const p = await call(transport, { method: "GET", path, query: storeQuery() }, V2PaymentSchema);
    return toGatewayPayment(p, { method: "GET", path });
  }

  async function getPayment(ref: PaymentRef): Promise<GatewayPayment> {
    // V2 finds a payment by our paymentId only; its transactionId is not a lookup key.
    if (typeof ref.merchantUid !== "string" || ref.merchantUid === "") {
      throw new TypeError("PortOne V2 looks payments up by paymentId: the ref needs its merchantUid");
    }
    const payment = await getByPaymentId(ref.merchantUid);
    // V2 keeps one payment per paymentId (its retries are transactions of it); the payment as it stands is the
    // truth even when the ref names an older transaction. Only a status filter (V1's find by status) can miss.
    if (ref.gatewayId === undefined && ref.status !== undefined && payment.status !== ref.status) {
      const path = `/payments/${seg(ref.merchantUid)}`;
      throw new GatewayNotFoundError(`PortOne V2 has payment ${ref.merchantUid} ${payment.status}, not ${ref.status}`, {
        method: "GET",
        path,
        kind: "not_found",
        code: "PAYMENT_NOT_FOUND",
        gatewayMessage: null,
        httpStatus: 200,
      });
    }
    return payment;
  }

  async function getPayments(refs: readonly { gatewayId: string; merchantUid: string }[]): Promise<GatewayPayment[]> {
    if (refs.length > GET_PAYMENTS_MAX) throw new RangeError(`getPayments: at most ${GET_PAYMENTS_MAX} refs per call`);
    const ids = [...new Set(refs.map((r) => r.merchantUid))];
    for (const id of ids) if (typeof id !== "string" || id === "") throw new TypeError("getPayments: every ref needs its merchantUid");
    const found: (GatewayPayment | undefined)[] = new Array(ids.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    // A few workers pull ids in order; the first failure stops new requests and is thrown once all have settled.
    const worker = async () => {
      while (failure === undefined && next < ids.length) {
        const i = next++;
        try {
          found[i] = await getByPaymentId(ids[i]!);
        } catch (e) {
          if (e instanceof GatewayNotFoundError) continue;
          failure ??= { error: e };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(GET_PAYMENTS_CONCURRENCY, ids.length) }, worker));
    if (failure) throw failure.error;
    return found.filter((p): p is GatewayPayment => p !== undefined);
  }

  async function preRegister(input: PreRegisterInput): Promise<void> {
    requireId(input.merchantUid, "preRegister: merchantUid");
    requireAmount(input.amount, "preRegister: amount");
    await call(
      transport,
      {
        method: "POST",
        path: `/payments/${seg(input.merchantUid)}/pre-register`,
        body: { ...storeBody(), totalAmount: input.amount, currency: input.currency },
      },
      V2AnyObjectSchema,
    );
  }

  async function cancel(input: CancelInput): Promise<GatewayPayment> {
    requireId(input.merchantUid, "cancel: merchantUid");
    requireAmount(input.amount, "cancel: amount (a missing amount would cancel everything)");
    if (!Number.isSafeInteger(input.remainingBalance) || input.remainingBalance < 0) {
      throw new RangeError("cancel: remainingBalance must be a non-negative integer (it is sent as currentCancellableAmount)");
    }
    if (input.amount > input.remainingBalance) throw new RangeError("cancel: amount exceeds remainingBalance");
    if (typeof input.reason !== "string" || input.reason.trim() === "") throw new TypeError("cancel: reason is required by V2");

    const path = `/payments/${seg(input.merchantUid)}/cancel`;
    // currentCancellableAmount makes V2 refuse (CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN) unless the balance is what
    // we believe, so a retried or raced cancel never refunds twice.
    const { cancellation } = await call(
      transport,
      {
        method: "POST",
        path,
        body: { ...storeBody(), amount: input.amount, currentCancellableAmount: input.remainingBalance, reason: input.reason },
      },
      V2CancelResponseSchema,
    );
    if (cancellation.status === "FAILED") {
      // The PG refused the cancel outright: nothing moved, and the balance check makes a retry safe.
      throw new GatewayRefusalError(`PortOne V2 POST ${path}: cancellation ${cancellation.id} FAILED`, {
        method: "POST",
        path,
        kind: "temporary",
        code: "CANCELLATION_FAILED",
        gatewayMessage: null,
        httpStatus: 200,
      });
    }
    // The answer holds the cancellation only; the payment after it is read back (REQUESTED cancels, e.g. a
    // virtual account's refund, show up in `cancels` once V2 reports them SUCCEEDED).
    return getByPaymentId(input.merchantUid);
  }

  async function charge(input: ChargeBillingKeyInput): Promise<GatewayPayment> {
    requireId(input.merchantUid, "charge: merchantUid");
    requireId(input.billingKey, "charge: billingKey");
    requireAmount(input.amount, "charge: amount");
    const path = `/payments/${seg(input.merchantUid)}/billing-key`;
    const buyer = input.buyer;
    const customer = {
      ...(buyer?.name ? { name: { full: buyer.name } } : {}),
      ...(buyer?.email ? { email: buyer.email } : {}),
      ...(buyer?.tel ? { phoneNumber: buyer.tel } : {}),
    };
    try {
      await call(
        transport,
        {
          method: "POST",
          path,
          body: {
            ...storeBody(),
            billingKey: input.billingKey,
            orderName: input.name,
            amount: { total: input.amount },
            currency: input.currency,
            ...(Object.keys(customer).length > 0 ? { customer } : {}),
          },
        },
        V2AnyObjectSchema,
      );
    } catch (e) {
      if (!(e instanceof PortOneV2Refusal)) throw e;
      // ALREADY_PAID: this paymentId was charged before (a retried renewal). Nothing was charged now; answer with
      // the payment as it stands.
      if (e.code === "ALREADY_PAID") return getByPaymentId(input.merchantUid);
      // PG_PROVIDER: V2 reports a decline as an error. The payment it recorded says what happened.
      if (e.code === "PG_PROVIDER") return declined(input, e);
      throw e;
    }
    // The answer is a summary (pgTxId, paidAt); the payment itself is read back. Should that read fail, the
    // caller sees a transport error and looks the merchantUid up before charging again (V2 says ALREADY_PAID).
    return getByPaymentId(input.merchantUid);
  }

  /**
   * A decline: the payment V2 recorded (FAILED, with the PG's reason). If V2 kept no payment, nothing was charged and
   * the failure is built from the error's facts; its gatewayId is the paymentId, V2's own key for it. A payment still
   * in progress is no answer yet: the refusal (temporary) is thrown, and the caller looks it up again later.
   */
  async function declined(input: ChargeBillingKeyInput, e: PortOneV2Refusal): Promise<GatewayPayment> {
    let recorded: GatewayPayment;
    try {
      recorded = await getByPaymentId(input.merchantUid);
    } catch (lookup) {
      if (!(lookup instanceof GatewayNotFoundError)) throw lookup;
      return {
        status: "failed",
        gatewayId: input.merchantUid,
        merchantUid: input.merchantUid,
        amount: input.amount,
        cancelledAmount: 0,
        currency: input.currency,
        name: input.name,
        payMethod: null,
        paidAtMs: null,
        cancelledAtMs: null,
        failReason: e.v2.pgMessage ?? e.v2.message ?? e.v2.pgCode ?? "declined",
        sandbox: null,
        billingKey: input.billingKey,
        cancels: [],
        virtualAccount: null,
        receiptUrl: null,
      };
    }
    if (recorded.status === "ready") throw e;
    return recorded;
  }

  return {
    name: "portone-v2",
    preRegister,
    getPayment,
    getPayments,
    cancel,
    billing: {
      async getBillingKey(billingKey) {
        requireId(billingKey, "getBillingKey: billingKey");
        const path = `/billing-keys/${seg(billingKey)}`;
        const info = await call(transport, { method: "GET", path, query: storeQuery() }, V2BillingKeyInfoSchema);
        return toBillingKeyInfo(info, { method: "GET", path });
      },
      async deleteBillingKey(billingKey, reason) {
        requireId(billingKey, "deleteBillingKey: billingKey");
        const query = storeQuery();
        if (reason) query.set("reason", reason);
        try {
          await call(transport, { method: "DELETE", path: `/billing-keys/${seg(billingKey)}`, query }, V2AnyObjectSchema);
        } catch (e) {
          // Gone already (deleted, never issued, or unknown): what a delete wants. Idempotent.
          if (e instanceof GatewayNotFoundError || (e instanceof GatewayRefusalError && e.code === "BILLING_KEY_ALREADY_DELETED")) return;
          throw e;
        }
      },
      async keysIssuedTo(customerId) {
        requireId(customerId, "keysIssuedTo: customerId");
        // server-sdk getBillingKeyInfos: the input as one JSON query parameter. One page is plenty: a registration's
        // window is opened a handful of times at most, and each customer id is one registration's.
        const filter = { ...storeBody(), customerId, status: ["ISSUED"] };
        const query = new URLSearchParams({ requestBody: JSON.stringify({ page: { number: 0, size: 100 }, filter }) });
        const where = { method: "GET", path: "/billing-keys" } as const;
        const page = await call(transport, { ...where, query }, V2BillingKeyListSchema);
        // Held to what was asked, whatever the filter did.
        return page.items.map((k) => toBillingKeyInfo(k, where)).filter((k) => k.usable && k.customerId === customerId);
      },
      charge,
    },
  };
}

function requireId(value: unknown, what: string): void {
  if (typeof value !== "string" || value === "") throw new TypeError(`${what} is required`);
}

function requireAmount(value: unknown, what: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive integer`);
}
