import { describe, expect, it } from "vitest";
import { newPaymentId, v2, V2, v2Pay, v2Webhooks } from "../../helpers/portone-sandbox";
import { sandbox } from "../../helpers/sandbox";
import { signaturesValid } from "../../helpers/standard-webhooks";
import { waitFor } from "../../helpers/wait";

// The V2 sandbox's webhooks under shared state: the sandbox clock (moving it sends the retries that fall due) and the
// signing secret (a rotation signs with two). They run in the clock pass (CLOCK_TESTS=1), one file at a time, and
// put the clock and the secret back when done.

const UNREACHABLE = "http://pocketpay/__sandbox-test/no-webhook-receiver-here";

const settled = (paymentId: string, attempts: number) =>
  waitFor(`attempt ${attempts} to finish`, async () => {
    const [w] = await v2Webhooks({ payment_id: paymentId });
    return w && w.attempts === attempts && w.status !== "sending" ? w : undefined;
  });

describe("PortOne V2 sandbox: the shared clock sends due retries", () => {
  it("sends nothing before a retry is due and sends it once the clock (V1's or V2's route) passes its time", async () => {
    const id = newPaymentId("clock");
    await v2Pay({ payment_id: id, amount: 1500, notice_url: UNREACHABLE } as never);
    const first = await settled(id, 1);
    expect(first.status).toBe("pending");
    try {
      await v2("POST", "/__control/clock", { advance_seconds: 30 });
      // Half a minute: not due yet (the retry waits a minute).
      expect((await v2Webhooks({ payment_id: id }))[0]!.attempts).toBe(1);
      // Through V1's clock route (the one the app's test clock moves): due now.
      await sandbox("POST", "/__control/clock", { advance_seconds: 31 });
      const second = await settled(id, 2);
      const d = second.deliveries.find((x) => x.attempt === 2)!;
      // The attempt is stamped with the sandbox's moved clock, and signed for that timestamp.
      expect(Number(d.webhook_timestamp) - Number(first.deliveries[0]!.webhook_timestamp)).toBeGreaterThanOrEqual(61);
      expect(await signaturesValid(V2.webhookSecret, second.webhook_id, d.webhook_timestamp, second.body, d.webhook_signature)).toEqual([true]);
      expect(second.next_attempt_at! - (Date.now() + 61_000)).toBeGreaterThan(60_000);
    } finally {
      await v2("DELETE", "/__control/clock");
    }
  });
});

describe("PortOne V2 sandbox: rotating the webhook secret", () => {
  it("signs with the new and the previous secret during a rotation, with the new one alone after retire", async () => {
    try {
      const rotated = (await v2("POST", "/__control/webhook-secrets/rotate")).json.secrets as string[];
      expect(rotated).toHaveLength(2);
      expect(rotated[1]).toBe(V2.webhookSecret);
      expect(rotated[0]).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
      const during = newPaymentId("rotate");
      await v2Pay({ payment_id: during, amount: 1000 });
      const w = await settled(during, 1);
      const d = w.deliveries[0]!;
      expect(d.webhook_signature.split(" ")).toHaveLength(2);
      expect(await signaturesValid(rotated[0]!, w.webhook_id, d.webhook_timestamp, w.body, d.webhook_signature)).toEqual([true, false]);
      expect(await signaturesValid(V2.webhookSecret, w.webhook_id, d.webhook_timestamp, w.body, d.webhook_signature)).toEqual([false, true]);

      const retired = (await v2("POST", "/__control/webhook-secrets/retire")).json.secrets;
      expect(retired).toEqual([rotated[0]]);
      const after = newPaymentId("rotated");
      await v2Pay({ payment_id: after, amount: 1000 });
      const w2 = await settled(after, 1);
      const d2 = w2.deliveries[0]!;
      expect(await signaturesValid(rotated[0]!, w2.webhook_id, d2.webhook_timestamp, w2.body, d2.webhook_signature)).toEqual([true]);
      expect(await signaturesValid(V2.webhookSecret, w2.webhook_id, d2.webhook_timestamp, w2.body, d2.webhook_signature)).toEqual([false]);
    } finally {
      expect((await v2("DELETE", "/__control/webhook-secrets")).json.secrets).toEqual([V2.webhookSecret]);
    }
  });
});
