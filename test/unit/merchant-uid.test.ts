import { describe, expect, it } from "vitest";
import { MERCHANT_UID_PATTERN, merchantUid } from "../../src/domain/merchant-uid";
import { randomBytes } from "../../src/lib/crypto";

describe("merchantUid", () => {
  it("is pay_ followed by 32 lowercase hex characters: 36 in all, within Iamport's 40", async () => {
    const id = await merchantUid("user-1", 1_700_000_000_000, randomBytes);
    expect(id).toMatch(MERCHANT_UID_PATTERN);
    expect(id).toHaveLength(36);
  });

  it("is the SHA-256 of user id, time and the random bytes, so it changes with each input", async () => {
    const fixed = () => new Uint8Array(16).fill(7);
    const base = await merchantUid("user-1", 1000, fixed);
    expect(await merchantUid("user-1", 1000, fixed)).toBe(base);
    expect(await merchantUid("user-2", 1000, fixed)).not.toBe(base);
    expect(await merchantUid("user-1", 1001, fixed)).not.toBe(base);
    expect(await merchantUid("user-1", 1000, () => new Uint8Array(16).fill(8))).not.toBe(base);
  });

  it("gives the same user at the same millisecond different ids", async () => {
    const a = await merchantUid("user-1", 42, randomBytes);
    const b = await merchantUid("user-1", 42, randomBytes);
    expect(a).not.toBe(b);
  });

  it("does not repeat over 100,000 ids", async () => {
    const seen = new Set<string>();
    const now = 1_700_000_000_000;
    for (let i = 0; i < 100_000; i++) seen.add(await merchantUid("same-user", now + (i % 3), randomBytes));
    expect(seen.size).toBe(100_000);
  });
});
