import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IamportRefusalError, type CallInfo } from "../../src/iamport";
import type { ValidationMessage, ValidationQueue } from "../../src/domain/messages";
import { depsFor, observeIamportCalls } from "../../src/services/deps";
import { reconcile } from "../../src/services/reconcile";
import { call, signUp } from "../helpers/http";
import { createOrder } from "../helpers/orders";
import { deliver } from "../helpers/queue";
import { appIamport, gatewayOver } from "../helpers/iamport";
import { consoleCancel, inspect, pay } from "../helpers/sandbox";
import { waitFor } from "../helpers/wait";

// Money we decided to give back (a rejected payment, a payment made after its order was cancelled, a second
// payment for an order already paid) must reach the buyer even when Iamport refuses the cancel for good or never
// answers it: the reconciler asks Iamport again on a decaying schedule until it holds nothing more.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
afterEach(() => {
  observeIamportCalls(undefined);
  vi.restoreAllMocks();
});

interface OwedRow {
  imp_uid: string;
  amount: number;
  created_at: number;
  next_check_at: number;
  checks: number;
  resolved_at: number | null;
}
const owedRow = (impUid: string) => env.DB.prepare("SELECT * FROM owed_refunds WHERE imp_uid = ?").bind(impUid).first<OwedRow>();

/** The Worker's deps, except that Iamport refuses every cancel for good (HTTP 400), as a PG past its window does. */
function refusingCancels() {
  const real = depsFor(env);
  return {
    ...real,
    gateway: gatewayOver({
      ...appIamport(),
      cancelPayment: async () => {
        throw new IamportRefusalError({ method: "POST", path: "/payments/cancel", code: 1, iamportMessage: "취소할 수 없는 결제건입니다.", httpStatus: 400 });
      },
    }),
  };
}

/** The reconciler at `now`, its messages forwarded to the real queue and kept for the test to read. */
async function reconcileAt(now: number, forward = true) {
  const real = depsFor(env).queue;
  const sent: ValidationMessage[] = [];
  const queue: ValidationQueue = {
    send: async (m) => {
      sent.push(m);
      if (forward) await real.send(m);
    },
    sendBatch: async (ms) => {
      sent.push(...ms);
      if (forward) await real.sendBatch(ms);
    },
  };
  const report = await reconcile({ ...depsFor(env, { now: () => now }), queue });
  return { report, sent };
}

/**
 * Ways an order comes to hold money it must give back; returns the payment to refund and its amount. (A second
 * payment for an order already paid takes the same path, but the sandbox, like Iamport, refuses to make one.)
 */
const owedCases: Array<[string, () => Promise<{ merchantUid: string; impUid: string; owed: number }>]> = [
  [
    "a rejected payment (paid less than the order)",
    async () => {
      const order = await createOrder(await signUp(), 30_000);
      const paid = await pay({ merchant_uid: order.merchant_uid, amount: 700, skip_prepare_check: true, webhook: "none" });
      return { merchantUid: order.merchant_uid, impUid: paid.imp_uid!, owed: 700 };
    },
  ],
  [
    "a payment made after its order was cancelled",
    async () => {
      const buyer = await signUp();
      const order = await createOrder(buyer, 2_300);
      expect((await call("POST", `/api/payments/${order.merchant_uid}/cancel`, { token: buyer.token })).status).toBe(200);
      const late = await pay({ merchant_uid: order.merchant_uid, amount: 2_300, webhook: "none" });
      return { merchantUid: order.merchant_uid, impUid: late.imp_uid!, owed: 2_300 };
    },
  ],
];

describe("refunds Iamport refused for good", () => {
  it.each(owedCases)("%s is refunded by the reconciler once the cancel was refused", async (_, setUp) => {
    const { merchantUid, impUid, owed } = await setUp();
    const hint = { imp_uid: impUid, merchant_uid: merchantUid, source: "webhook" as const, hint_status: "paid" };
    // A final refusal is acknowledged, not retried: before the fix nothing ever asked again.
    expect(await deliver(hint, 1, refusingCancels())).toMatchObject({ acked: true, retried: false });
    expect((await inspect(impUid)).cancel_amount).toBe(0);
    const debt = (await owedRow(impUid))!;
    expect(debt).toMatchObject({ amount: owed, resolved_at: null });
    expect(debt.next_check_at).toBe(debt.created_at + HOUR);

    // Not due yet: no lookup, no message.
    const early = await reconcileAt(debt.created_at + HOUR - 1);
    expect(early.sent.filter((m) => m.imp_uid === impUid)).toEqual([]);

    const due = await reconcileAt(debt.created_at + 2 * HOUR);
    expect(due.report.failed).toEqual([]);
    expect(due.sent.filter((m) => m.imp_uid === impUid)).toEqual([{ merchant_uid: merchantUid, imp_uid: impUid, source: "reconciler" }]);
    // The real consumer validates it again, which sends the cancel again; Iamport accepts it this time.
    await waitFor("the owed refund reached the buyer", async () => (await inspect(impUid)).cancel_amount === owed);
    expect((await owedRow(impUid))!.resolved_at).not.toBeNull();
    // Settled: the next sweep does not even look.
    const after = await reconcileAt(debt.created_at + 40 * DAY);
    expect(after.sent.filter((m) => m.imp_uid === impUid)).toEqual([]);
  });

  it("closes a debt Iamport settled some other way (a console cancel) without sending a cancel", async () => {
    const [, setUp] = owedCases[0]!;
    const { merchantUid, impUid, owed } = await setUp();
    await deliver({ imp_uid: impUid, merchant_uid: merchantUid, source: "webhook", hint_status: "paid" }, 1, refusingCancels());
    await consoleCancel({ imp_uid: impUid, reason: "refunded by hand", webhook: false });
    const debt = (await owedRow(impUid))!;

    const calls: CallInfo[] = [];
    observeIamportCalls((c) => calls.push(c));
    const { sent } = await reconcileAt(debt.created_at + 2 * HOUR);
    expect(sent.filter((m) => m.imp_uid === impUid)).toEqual([]);
    expect(calls.filter((c) => c.path === "/payments/cancel")).toEqual([]);
    expect(await owedRow(impUid)).toMatchObject({ amount: owed, checks: 1 });
    expect((await owedRow(impUid))!.resolved_at).toBe(debt.created_at + 2 * HOUR);
  });

  it("keeps asking on the schedule while the refusal lasts, and says so loudly after thirty days", async () => {
    const [, setUp] = owedCases[0]!;
    const { merchantUid, impUid } = await setUp();
    await deliver({ imp_uid: impUid, merchant_uid: merchantUid, source: "webhook", hint_status: "paid" }, 1, refusingCancels());
    const debt = (await owedRow(impUid))!;
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const stillOwedLogs = () => errors.mock.calls.filter(([line]) => String(line).includes("refund_still_owed") && String(line).includes(impUid));

    // Messages are kept, not delivered: the refusal "lasts", so the money stays at Iamport between sweeps.
    const first = await reconcileAt(debt.created_at + 2 * HOUR, false);
    expect(first.sent.filter((m) => m.imp_uid === impUid)).toHaveLength(1);
    expect((await owedRow(impUid))!.next_check_at).toBe(debt.created_at + DAY);
    expect(stillOwedLogs()).toEqual([]);

    const month = await reconcileAt(debt.created_at + 31 * DAY, false);
    expect(month.sent.filter((m) => m.imp_uid === impUid)).toHaveLength(1);
    expect((await owedRow(impUid))!).toMatchObject({ next_check_at: debt.created_at + 61 * DAY, checks: 2, resolved_at: null });
    expect(stillOwedLogs()).toHaveLength(1);
  });

  it("records nothing owed for a payment whose refund went through at once", async () => {
    const [, setUp] = owedCases[0]!;
    const { merchantUid, impUid, owed } = await setUp();
    await deliver({ imp_uid: impUid, merchant_uid: merchantUid, source: "webhook", hint_status: "paid" });
    expect((await inspect(impUid)).cancel_amount).toBe(owed);
    expect((await owedRow(impUid))!.resolved_at).not.toBeNull();
  });
});
