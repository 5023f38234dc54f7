// The PortOne V2 adapter over the scripted fetch of the Iamport tests (every request must be scripted; anything
// else fails the test), and V2 response bodies shaped like the server SDK's generated types.
import { afterEach } from "vitest";
import { createPortOneV2Gateway, type PortOneV2CallInfo, type PortOneV2GatewayOptions } from "../../../src/gateway/portone-v2";
import { BASE, json, scriptedFetch } from "../iamport/fake-fetch";

export { BASE, deferred, json } from "../iamport/fake-fetch";

export const API_SECRET = "v2-api-secret-do-not-leak-0123456789";

let pending: Array<() => void> = [];
afterEach(() => {
  const checks = pending;
  pending = [];
  for (const check of checks) check();
});

/** A V2 gateway over a scripted fetch, checked after the test: an unscripted request or an unused script fails it. */
export function v2Setup(overrides: Partial<PortOneV2GatewayOptions> = {}) {
  const fake = scriptedFetch();
  // The RequestInit of every request, for what the recorded requests leave out (redirect mode). `this` is passed
  // through, so the fake still fails a fetch called as a method of another object.
  const inits: RequestInit[] = [];
  const scripted = fake.fetch;
  const fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
    inits.push(init ?? {});
    return scripted.call(this, input, init);
  } as typeof globalThis.fetch;
  const calls: PortOneV2CallInfo[] = [];
  let clock = 5_000_000;
  const gateway = createPortOneV2Gateway({
    fetch,
    baseUrl: `${BASE}/`,
    apiSecret: API_SECRET,
    timeoutMs: 2_000,
    now: () => (clock += 7),
    onCall: (i) => calls.push(i),
    ...overrides,
  });
  pending.push(() => fake.assertDone());
  return { fake, gateway, calls, inits };
}

/** A V2 error body with its HTTP status (409, 404, ... or 502 for PG_PROVIDER). */
export const v2Error = (status: number, type: string, extra: Record<string, unknown> = {}) =>
  json({ type, message: `${type} 메시지`, ...extra }, status);

export const PAID_AT = "2026-11-26T10:15:30.123Z";
export const REQUESTED_AT = "2026-11-26T10:14:00Z";

/** A PAID V2 payment with every field V2 sends (most of which the adapter ignores), overridable. */
export function v2Payment(overrides: Record<string, unknown> = {}) {
  return {
    status: "PAID",
    id: "pay_0123456789abcdef",
    transactionId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    merchantId: "merchant-1",
    storeId: "store-1",
    method: {
      type: "PaymentMethodCard",
      card: { publisher: "HYUNDAI", issuer: "HYUNDAI", brand: "MASTER", type: "CREDIT", bin: "51073700", name: "현대카드 ZERO", number: "51073700****1234" },
      approvalNumber: "30012345",
      installment: { month: 0, isInterestFree: false },
      pointUsed: false,
    },
    channel: { type: "LIVE", id: "ch-1", key: "channel-key-1", name: "KG이니시스", pgProvider: "INICIS_V2", pgMerchantId: "INIpayTest" },
    version: "V2",
    webhooks: [],
    requestedAt: REQUESTED_AT,
    updatedAt: PAID_AT,
    statusChangedAt: PAID_AT,
    orderName: "Coffee beans 1kg",
    amount: { total: 10_000, taxFree: 0, vat: 909, supply: 9_091, discount: 0, paid: 10_000, cancelled: 0, cancelledTaxFree: 0 },
    currency: "KRW",
    customer: { id: "user-1", name: "김철수", email: "buyer@example.com", phoneNumber: "010-0000-0000" },
    isCulturalExpense: false,
    paidAt: PAID_AT,
    pgTxId: "StdpayCARDINIpayTest20261126",
    pgResponse: "{}",
    receiptUrl: "https://receipt.example.com/r/1",
    disputes: [],
    cancellations: [],
    ...overrides,
  };
}

export function v2Cancellation(overrides: Record<string, unknown> = {}) {
  return {
    status: "SUCCEEDED",
    id: "cancel-1",
    pgCancellationId: "pgc-1",
    totalAmount: 4_000,
    taxFreeAmount: 0,
    vatAmount: 364,
    reason: "partial refund",
    cancelledAt: "2026-11-26T11:00:00Z",
    requestedAt: "2026-11-26T10:59:59Z",
    receiptUrl: "https://receipt.example.com/c/1",
    trigger: "API",
    ...overrides,
  };
}

export function v2BillingKey(overrides: Record<string, unknown> = {}) {
  return {
    status: "ISSUED",
    billingKey: "billing-key-0193a1b2",
    merchantId: "merchant-1",
    storeId: "store-1",
    methods: [{ type: "BillingKeyPaymentMethodCard", card: { issuer: "HYUNDAI", name: "현대카드", number: "51073700****1234" } }],
    channels: [{ type: "LIVE", id: "ch-1", key: "channel-key-1", pgProvider: "INICIS_V2", pgMerchantId: "INIBillTst" }],
    customer: { id: "user-1" },
    issuedAt: "2026-11-01T00:00:00Z",
    ...overrides,
  };
}

/** The rejection of a promise (fails the test if it resolves). */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
