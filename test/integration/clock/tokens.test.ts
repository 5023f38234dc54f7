import { describe, expect, it } from "vitest";
import { sandboxClient, uniqueOrderId } from "../../helpers/iamport";
import { pay, sandbox } from "../../helpers/sandbox";

// These tests move the sandbox's clock, which every test shares, so they run on their own after the main suite
// (CLOCK_TESTS=1, see vitest.config.ts) and put the clock back when done.
const client = sandboxClient;
const order = uniqueOrderId;

describe("tokens under a controlled clock", () => {
  it("refreshes in the token's last minute, and the sandbox extends the same token by 5 minutes", async () => {
    let now = Date.now();
    const { c, tokens } = client({ now: () => now });
    const first = await c.getToken();
    now += 28 * 60_000;
    expect(await c.getToken()).toBe(first);
    expect(tokens()).toBe(1);
    // Both clocks move into the token's last minute: the client asks again, the sandbox extends the same token.
    now += 90_000;
    await sandbox("POST", "/__control/clock", { advance_seconds: 29 * 60 + 30 });
    try {
      expect(await c.getToken()).toBe(first);
      expect(tokens()).toBe(2);
      // The extension (+5 min) is in the client's cache too: no further call a minute later.
      now += 60_000;
      expect(await c.getToken()).toBe(first);
      expect(tokens()).toBe(2);
    } finally {
      await sandbox("DELETE", "/__control/clock");
    }
  });

  it("recovers when the server expired the token before the client expected", async () => {
    const { c, tokens } = client();
    const merchant_uid = order();
    const paid = await pay({ merchant_uid, amount: 1_000, skip_prepare_check: true, webhook: "none" });
    const first = await c.getToken();
    // Past any expiry the shared sandbox token can have, even extended.
    await sandbox("POST", "/__control/clock", { advance_seconds: 60 * 60 });
    try {
      expect((await c.getPayment(paid.imp_uid!)).imp_uid).toBe(paid.imp_uid);
      expect(tokens()).toBe(2);
      expect(await c.getToken()).not.toBe(first);
    } finally {
      await sandbox("DELETE", "/__control/clock");
    }
  });
});
