import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { GatewayNotFoundError, GatewayRefusalError } from "../../src/gateway";
import { depsFor } from "../../src/services/deps";
import { newPaymentId, v2, v2IssueKey, v2Pay } from "../helpers/portone-sandbox";

// GATEWAY=portone-v2 as the Worker builds it (src/gateway/index.ts from the config), talking to the sandbox's V2 API
// through the same service binding V1 uses: what the services would do with a PortOne V2 shop.
const v2Deps = () => depsFor(env, { config: parseConfig({ ...env, GATEWAY: "portone-v2" }) });

describe("GATEWAY=portone-v2, against the sandbox's V2 API", () => {
  it("builds the V2 adapter, and Iamport V1 stays the default", () => {
    expect(v2Deps().gateway.name).toBe("portone-v2");
    expect(depsFor(env).gateway.name).toBe("iamport-v1");
  });

  it("pre-registers, finds the payment the buyer made, and refunds it in two parts against the exact balance", async () => {
    const { gateway } = v2Deps();
    const merchantUid = newPaymentId("gw");
    await gateway.preRegister({ merchantUid, amount: 12_000, currency: "KRW" });
    await v2Pay({ payment_id: merchantUid, amount: 12_000, webhook: "none" });

    const paid = await gateway.getPayment({ merchantUid });
    expect(paid).toMatchObject({ status: "paid", merchantUid, amount: 12_000, cancelledAmount: 0, currency: "KRW", payMethod: "card" });
    expect(paid.gatewayId).toEqual(expect.any(String));

    // A balance we no longer hold is refused, and nothing is refunded.
    await expect(
      gateway.cancel({ gatewayId: paid.gatewayId, merchantUid, amount: 2_000, remainingBalance: 11_000, reason: "stale balance" }),
    ).rejects.toBeInstanceOf(GatewayRefusalError);
    expect((await gateway.getPayment({ merchantUid })).cancelledAmount).toBe(0);

    const partly = await gateway.cancel({ gatewayId: paid.gatewayId, merchantUid, amount: 2_000, remainingBalance: 12_000, reason: "one item" });
    expect(partly).toMatchObject({ status: "paid", cancelledAmount: 2_000 });
    expect(partly.cancels).toHaveLength(1);
    const all = await gateway.cancel({ gatewayId: paid.gatewayId, merchantUid, amount: 10_000, remainingBalance: 10_000, reason: "the rest" });
    expect(all).toMatchObject({ status: "cancelled", cancelledAmount: 12_000 });
    expect(new Set(all.cancels.map((c) => c.id)).size).toBe(2);
  });

  it("says a payment it does not have is not found", async () => {
    await expect(v2Deps().gateway.getPayment({ merchantUid: newPaymentId("none") })).rejects.toBeInstanceOf(GatewayNotFoundError);
  });

  it("charges a billing key once per merchantUid, however often the charge is repeated, and deletes the key idempotently", async () => {
    const { gateway } = v2Deps();
    const { billingKey } = await v2IssueKey();
    expect(billingKey).toEqual(expect.any(String));
    expect(await gateway.billing.getBillingKey(billingKey!)).toMatchObject({ billingKey, usable: true });

    const merchantUid = newPaymentId("renewal");
    const charge = { billingKey: billingKey!, merchantUid, amount: 9_900, name: "월간 구독", currency: "KRW" as const };
    const first = await gateway.billing.charge(charge);
    const again = await gateway.billing.charge(charge);
    expect(first).toMatchObject({ status: "paid", amount: 9_900, merchantUid });
    expect(again).toMatchObject({ status: "paid", gatewayId: first.gatewayId });
    const atSandbox = (await v2("GET", `/__control/billing-keys/${encodeURIComponent(billingKey!)}/payments`)).json;
    expect(atSandbox.paid).toBe(1);

    await gateway.billing.deleteBillingKey(billingKey!);
    await gateway.billing.deleteBillingKey(billingKey!);
    const after = await gateway.billing.getBillingKey(billingKey!).catch((e: unknown) => e);
    expect(after instanceof GatewayNotFoundError || (after as { usable?: boolean }).usable === false).toBe(true);
  });
});
