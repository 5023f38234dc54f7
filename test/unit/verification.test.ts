import { describe, expect, it } from "vitest";
import { canTransition, PAYMENT_STATUSES, transition } from "../../src/domain/payment-state";
import { decide, type GatewayFacts, type OrderFacts } from "../../src/domain/verification";
import { retryDelaySeconds } from "../../src/queue/consumer";

const order = (o: Partial<OrderFacts> = {}): OrderFacts => ({
  merchantUid: "pay_a",
  impUid: null,
  amount: 10_000,
  currency: "KRW",
  status: "ready",
  cancelledAmount: 0,
  wasPaid: false,
  ...o,
});

const truth = (t: Partial<GatewayFacts> = {}): GatewayFacts => ({
  gatewayId: "imp_1",
  merchantUid: "pay_a",
  status: "paid",
  amount: 10_000,
  cancelledAmount: 0,
  currency: "KRW",
  payMethod: "card",
  failReason: null,
  paidAtMs: 1,
  cancelledAtMs: null,
  sandbox: false,
  ...t,
});

describe("the state machine", () => {
  it("allows exactly the documented transitions", () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) =>
      PAYMENT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        "ready->paid",
        "ready->failed",
        "ready->rejected",
        "ready->cancelled",
        "failed->paid",
        "failed->rejected",
        "paid->partially_cancelled",
        "paid->cancelled",
        "partially_cancelled->partially_cancelled",
        "partially_cancelled->cancelled",
      ].sort(),
    );
    expect(transition("cancelled", "paid")).toEqual({ ok: false, from: "cancelled", to: "paid", reason: "not_allowed" });
  });
});

describe("decide", () => {
  it("pays a matching payment", () => {
    expect(decide(order(), truth(), false)).toEqual({ kind: "paid" });
  });

  it.each([
    [{ amount: 9_999 }, "amount mismatch"],
    [{ amount: 10_001 }, "amount mismatch"],
    [{ currency: "USD" }, "currency mismatch"],
    [{ merchantUid: "pay_b" }, "merchant_uid mismatch"],
    [{ sandbox: true }, "test channel"],
  ] as Array<[Partial<GatewayFacts>, string]>)("rejects %j and refunds what is left", (t, reason) => {
    const d = decide(order(), truth(t), false);
    expect(d.kind).toBe("reject");
    if (d.kind === "reject") {
      expect(d.reason).toContain(reason);
      expect(d.refund).toBe((t as Partial<GatewayFacts>).amount ?? 10_000);
    }
  });

  it("accepts test-channel payments only where told to", () => {
    expect(decide(order(), truth({ sandbox: true }), true)).toEqual({ kind: "paid" });
  });

  it("refunds only the balance Iamport still holds", () => {
    expect(decide(order(), truth({ amount: 500, cancelledAmount: 200 }), false)).toMatchObject({ kind: "reject", refund: 300 });
  });

  it("records failures only for orders still waiting", () => {
    expect(decide(order(), truth({ status: "failed", failReason: "limit" }), false)).toEqual({ kind: "failed", reason: "limit" });
    expect(decide(order({ status: "paid", wasPaid: true }), truth({ status: "failed" }), false).kind).toBe("none");
  });

  it("does nothing while Iamport says ready", () => {
    expect(decide(order(), truth({ status: "ready" }), false).kind).toBe("none");
  });

  it("follows cancels made at Iamport", () => {
    const paid = order({ status: "paid", wasPaid: true });
    expect(decide(paid, truth({ cancelledAmount: 4_000 }), false)).toEqual({
      kind: "sync_cancel",
      to: "partially_cancelled",
      cancelledAmount: 4_000,
    });
    expect(decide(paid, truth({ status: "cancelled", cancelledAmount: 10_000 }), false)).toMatchObject({ kind: "sync_cancel", to: "cancelled" });
    expect(decide(order({ status: "partially_cancelled", wasPaid: true, cancelledAmount: 4_000 }), truth({ cancelledAmount: 4_000 }), false).kind).toBe(
      "none",
    );
  });

  it("refunds money held for a rejected order or one cancelled before it was paid", () => {
    expect(decide(order({ status: "rejected" }), truth({ amount: 300 }), false)).toMatchObject({ kind: "refund", refund: 300 });
    expect(decide(order({ status: "cancelled" }), truth(), false)).toMatchObject({ kind: "refund", refund: 10_000 });
    expect(decide(order({ status: "cancelled" }), truth({ status: "cancelled", cancelledAmount: 10_000 }), false).kind).toBe("none");
    // Cancelled after being paid and refunded in full: nothing is owed.
    expect(decide(order({ status: "cancelled", wasPaid: true, cancelledAmount: 10_000 }), truth({ status: "cancelled", cancelledAmount: 10_000 }), false).kind).toBe("none");
  });
});

describe("retry delays", () => {
  it("grow and are capped", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300]);
  });
});
