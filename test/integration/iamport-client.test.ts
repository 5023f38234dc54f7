import { describe, expect, it } from "vitest";
import { sandboxClient, uniqueOrderId } from "../helpers/iamport";
import { IamportNotFoundError, IamportRefusalError, IamportTransportError } from "../../src/iamport";
import { fault, pay } from "../helpers/sandbox";

const client = sandboxClient;
const order = uniqueOrderId;

describe("the Iamport client against the sandbox", () => {
  it("reuses one token, prepares, finds the payment, cancels in part then in full with checksums", async () => {
    const { c, tokens } = client();
    const merchant_uid = order();
    expect(await c.prepare({ merchant_uid, amount: 10_000 })).toMatchObject({ merchant_uid, amount: 10_000 });
    expect((await c.getPrepared(merchant_uid)).amount).toBe(10_000);
    const paid = await pay({ merchant_uid, amount: 10_000, webhook: "none" });

    const byImp = await c.getPayment(paid.imp_uid!);
    expect(byImp).toMatchObject({ merchant_uid, amount: 10_000, cancel_amount: 0, status: "paid", currency: "KRW" });
    expect((await c.findPayment(merchant_uid)).imp_uid).toBe(paid.imp_uid);
    expect((await c.getPayments({ imp_uids: [paid.imp_uid!, "imp_000000000000"] })).map((p) => p.imp_uid)).toEqual([paid.imp_uid]);

    const partial = await c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 4_000, checksum: 10_000, reason: "part" });
    expect(partial).toMatchObject({ status: "paid", cancel_amount: 4_000 });
    const full = await c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 6_000, checksum: 6_000, reason: "rest" });
    expect(full).toMatchObject({ status: "cancelled", cancel_amount: 10_000 });
    expect(full.cancel_history.map((h) => h.amount)).toEqual([4_000, 6_000]);
    expect(tokens()).toBe(1);
  });

  it("surfaces refused cancels (HTTP 200, code != 0) as refusals and never as success", async () => {
    const { c } = client();
    const merchant_uid = order();
    await c.prepare({ merchant_uid, amount: 5_000 });
    const paid = await pay({ merchant_uid, amount: 5_000, webhook: "none" });
    const wrongChecksum = c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 1_000, checksum: 4_000 });
    await expect(wrongChecksum).rejects.toBeInstanceOf(IamportRefusalError);
    const overBalance = c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 5_001, checksum: 5_001 });
    await expect(overBalance).rejects.toMatchObject({ code: 1, httpStatus: 200 });
    await c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 5_000, checksum: 5_000 });
    await expect(c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 1, checksum: 0 })).rejects.toBeInstanceOf(RangeError);
    const again = c.cancelPayment({ imp_uid: paid.imp_uid!, amount: 1, checksum: 1 });
    await expect(again).rejects.toBeInstanceOf(IamportRefusalError);
    expect((await c.getPayment(paid.imp_uid!)).cancel_amount).toBe(5_000);
  });

  it("answers unknown payments with IamportNotFoundError", async () => {
    const { c } = client();
    await expect(c.getPayment("imp_000000000000")).rejects.toBeInstanceOf(IamportNotFoundError);
    await expect(c.findPayment(order())).rejects.toBeInstanceOf(IamportNotFoundError);
    await expect(c.getPrepared(order())).rejects.toBeInstanceOf(IamportNotFoundError);
  });
});

describe("each sandbox fault surfaces as the right error family", () => {
  async function paidImp() {
    const merchant_uid = order();
    return (await pay({ merchant_uid, amount: 1_000, skip_prepare_check: true, webhook: "none" })).imp_uid!;
  }

  it.each([
    ["http_500", IamportTransportError, { kind: "http_status", retryable: true }],
    ["malformed", IamportTransportError, { kind: "malformed", retryable: true }],
    // HTTP 200 with code -1 on a lookup: Iamport's temporary error, retried later, never taken as an answer.
    ["code_error", IamportRefusalError, { kind: "temporary", retryable: true, code: -1 }],
  ] as const)("%s", async (kind, ErrorType, shape) => {
    const imp = await paidImp();
    const { c } = client();
    await fault({ path: `/payments/${imp}`, method: "GET", kind, times: 1 });
    const failed = c.getPayment(imp);
    await expect(failed).rejects.toBeInstanceOf(ErrorType);
    await expect(failed).rejects.toMatchObject(shape);
    // The fault was used up: the next call succeeds.
    expect((await c.getPayment(imp)).status).toBe("paid");
  });

  it("timeout: the client's own timer fires first", async () => {
    const imp = await paidImp();
    const { c } = client({ timeoutMs: 200 });
    await fault({ path: `/payments/${imp}`, method: "GET", kind: "timeout", latency_ms: 1_000 });
    await expect(c.getPayment(imp)).rejects.toMatchObject({ kind: "timeout", retryable: true });
  });

  it("latency: slow, but still an answer", async () => {
    const imp = await paidImp();
    const { c } = client();
    await fault({ path: `/payments/${imp}`, method: "GET", kind: "latency", latency_ms: 150 });
    expect((await c.getPayment(imp)).imp_uid).toBe(imp);
  });

  it("unauthorized once: a fresh token and one retry; twice: a refusal", async () => {
    const imp = await paidImp();
    const { c, tokens } = client();
    await c.getToken();
    await fault({ path: `/payments/${imp}`, method: "GET", kind: "unauthorized", times: 1 });
    expect((await c.getPayment(imp)).imp_uid).toBe(imp);
    expect(tokens()).toBe(2);
    await fault({ path: `/payments/${imp}`, method: "GET", kind: "unauthorized", times: 2 });
    await expect(c.getPayment(imp)).rejects.toMatchObject({ httpStatus: 401, kind: "unauthorized", retryable: true });
  });
});
