// The Iamport V1 client: one method per endpoint pocketpay uses.
//
// Everything it needs is passed in (fetch, base URL, keys, clock, token cache), never read from env or
// globals, so the same code talks to the real API, the local sandbox, or a scripted fake in tests.

import type { z } from "zod";
import {
  CustomerSchema,
  PaymentListSchema,
  PaymentSchema,
  PreparedSchema,
  ScheduleResultListSchema,
  TokenResponseSchema,
  type IamportCustomer,
  type IamportPayment,
  type IamportPaymentStatus,
  type IamportPrepared,
  type IamportScheduleResult,
} from "./schemas";
import { IamportNotFoundError } from "./errors";
import { createTokenCache, createTokenStore, type TokenCache } from "./token";
import { send, unwrap, type CallInfo, type HttpMethod, type TransportOptions } from "./transport";
import type {
  CancelPaymentInput,
  CreateCustomerInput,
  PayAgainInput,
  PrepareInput,
  ScheduleInput,
  UnscheduleInput,
} from "./types";

export interface IamportClientOptions {
  fetch: typeof fetch;
  /** e.g. https://api.iamport.kr, or the sandbox's /sandbox/iamport URL. */
  baseUrl: string;
  impKey: string;
  impSecret: string;
  /** Per HTTP request, including reading the body. Default 10 000. */
  timeoutMs?: number;
  /** Local clock in ms. Default Date.now. */
  now?: () => number;
  /** Share one cache per isolate so token calls are amortised across requests. Default: a private cache. */
  tokenCache?: TokenCache;
  /** Sub-merchant (agency/tier) code, sent as the `Tier` header. */
  tier?: string;
  /** Called after every HTTP request (token or api), e.g. to count Iamport calls. Must not throw (errors are swallowed). */
  onCall?: (info: CallInfo) => void;
}

export interface IamportClient {
  /** A valid access token (cached; refreshed in its last minute). */
  getToken(): Promise<string>;

  prepare(input: PrepareInput): Promise<IamportPrepared>;
  getPrepared(merchantUid: string): Promise<IamportPrepared>;
  updatePrepared(input: { merchant_uid: string; amount: number }): Promise<IamportPrepared>;

  getPayment(impUid: string, opts?: { includeSandbox?: boolean }): Promise<IamportPayment>;
  /** Newest payment for the order (optionally of one status); IamportNotFoundError if none. */
  findPayment(merchantUid: string, status?: IamportPaymentStatus): Promise<IamportPayment>;
  /**
   * Multi-get (≤100 ids in total): one call for up to a hundred payments. Only the payments found are returned:
   * Iamport answers 200 when all are found, 207 with the found ones when some are, 404 when none are.
   */
  getPayments(ids: { imp_uids?: readonly string[]; merchant_uids?: readonly string[] }): Promise<IamportPayment[]>;
  /** Returns the payment after the cancel. Throws TypeError/RangeError before any request on bad input. */
  cancelPayment(input: CancelPaymentInput): Promise<IamportPayment>;

  billing: {
    getCustomer(customerUid: string): Promise<IamportCustomer>;
    createCustomer(customerUid: string, body: CreateCustomerInput): Promise<IamportCustomer>;
    deleteCustomer(customerUid: string, opts?: { reason?: string }): Promise<IamportCustomer>;
    /** code 0 means the card company was reached; check `status === "paid"` — declines come back as status "failed". */
    payAgain(body: PayAgainInput): Promise<IamportPayment>;
    schedule(body: ScheduleInput): Promise<IamportScheduleResult[]>;
    unschedule(body: UnscheduleInput): Promise<IamportScheduleResult[]>;
  };
}

const seg = encodeURIComponent;

export function createIamportClient(options: IamportClientOptions): IamportClient {
  const transport: TransportOptions = {
    fetch: options.fetch,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 10_000,
    now: options.now ?? Date.now,
    ...(options.tier !== undefined ? { tier: options.tier } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
  };

  const tokens = createTokenStore({
    cache: options.tokenCache ?? createTokenCache(),
    key: `${transport.baseUrl.replace(/\/+$/, "")}\n${options.impKey}`,
    now: transport.now,
    fetchToken: async () =>
      unwrap(
        await send(transport, {
          kind: "token",
          method: "POST",
          path: "/users/getToken",
          body: { imp_key: options.impKey, imp_secret: options.impSecret },
        }),
        TokenResponseSchema,
      ),
  });

  async function call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    extra: { query?: URLSearchParams; body?: unknown } = {},
  ): Promise<z.output<S>> {
    let token = await tokens.get();
    let x = await send(transport, { kind: "api", method, path, token, ...extra });
    if (x.status === 401) {
      // Expired early, revoked, or issued before a clock jump: one retry with a fresh token, never more.
      tokens.invalidate(token);
      token = await tokens.get();
      x = await send(transport, { kind: "api", method, path, token, ...extra });
    }
    return unwrap(x, schema);
  }

  return {
    getToken: () => tokens.get(),

    prepare: (input) =>
      call("POST", "/payments/prepare", PreparedSchema, {
        body: { merchant_uid: input.merchant_uid, amount: input.amount, ...(input.currency ? { currency: input.currency } : {}) },
      }),
    getPrepared: (merchantUid) => call("GET", `/payments/prepare/${seg(merchantUid)}`, PreparedSchema),
    updatePrepared: (input) =>
      call("PUT", "/payments/prepare", PreparedSchema, { body: { merchant_uid: input.merchant_uid, amount: input.amount } }),

    getPayment: (impUid, opts) =>
      call("GET", `/payments/${seg(impUid)}`, PaymentSchema, {
        ...(opts?.includeSandbox !== undefined
          ? { query: new URLSearchParams({ include_sandbox: String(opts.includeSandbox) }) }
          : {}),
      }),
    findPayment: (merchantUid, status) =>
      call("GET", `/payments/find/${seg(merchantUid)}${status ? `/${seg(status)}` : ""}`, PaymentSchema),
    async getPayments(ids) {
      const imp = ids.imp_uids ?? [];
      const mer = ids.merchant_uids ?? [];
      if (imp.length + mer.length === 0) return [];
      if (imp.length + mer.length > 100) throw new RangeError("getPayments: at most 100 ids per call");
      const query = new URLSearchParams();
      for (const id of imp) query.append("imp_uid[]", id);
      for (const id of mer) query.append("merchant_uid[]", id);
      try {
        return await call("GET", "/payments", PaymentListSchema, { query });
      } catch (e) {
        if (e instanceof IamportNotFoundError) return [];
        throw e;
      }
    },
    async cancelPayment(input) {
      return call("POST", "/payments/cancel", PaymentSchema, { body: cancelBody(input) });
    },

    billing: {
      getCustomer: (customerUid) => call("GET", `/subscribe/customers/${seg(customerUid)}`, CustomerSchema),
      createCustomer: (customerUid, body) =>
        call("POST", `/subscribe/customers/${seg(customerUid)}`, CustomerSchema, { body }),
      deleteCustomer: (customerUid, opts) =>
        call("DELETE", `/subscribe/customers/${seg(customerUid)}`, CustomerSchema, {
          ...(opts?.reason ? { query: new URLSearchParams({ reason: opts.reason }) } : {}),
        }),
      payAgain: (body) => call("POST", "/subscribe/payments/again", PaymentSchema, { body }),
      schedule: (body) => call("POST", "/subscribe/payments/schedule", ScheduleResultListSchema, { body }),
      unschedule: (body) => call("POST", "/subscribe/payments/unschedule", ScheduleResultListSchema, { body }),
    },
  };
}

/**
 * Build the cancel body, refusing inputs that would make Iamport do something other than intended.
 * Iamport reads a missing or 0 amount as "refund everything" and a missing checksum as "skip the
 * balance check", so both are mandatory here: a refund is always for an explicit amount against the
 * balance the caller believes is left.
 */
export function cancelBody(input: CancelPaymentInput): Record<string, unknown> {
  // Validate at runtime too: callers may come from untyped JSON.
  const i = input as Partial<CancelPaymentInput> & Record<string, unknown>;
  if (typeof i !== "object" || i === null) throw new TypeError("cancelPayment: input object required");
  const hasImp = typeof i.imp_uid === "string" && i.imp_uid !== "";
  const hasMer = typeof i.merchant_uid === "string" && i.merchant_uid !== "";
  if (!hasImp && !hasMer) throw new TypeError("cancelPayment: imp_uid or merchant_uid is required");
  if (typeof i.amount !== "number") throw new TypeError("cancelPayment: amount is required (a missing amount would refund everything)");
  if (!Number.isSafeInteger(i.amount) || i.amount <= 0) throw new RangeError("cancelPayment: amount must be a positive integer");
  if (typeof i.checksum !== "number") throw new TypeError("cancelPayment: checksum (refundable balance before this cancel) is required");
  if (!Number.isSafeInteger(i.checksum) || i.checksum < 0) throw new RangeError("cancelPayment: checksum must be a non-negative integer");
  if (i.amount > i.checksum) throw new RangeError("cancelPayment: amount exceeds checksum (the refundable balance)");

  const body: Record<string, unknown> = { amount: i.amount, checksum: i.checksum };
  if (hasImp) body.imp_uid = i.imp_uid;
  if (hasMer) body.merchant_uid = i.merchant_uid;
  for (const k of ["reason", "tax_free", "vat_amount", "enable_webhook", "refund_holder", "refund_bank", "refund_account", "refund_tel"] as const) {
    if (i[k] !== undefined) body[k] = i[k];
  }
  return body;
}
