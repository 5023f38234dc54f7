import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_MAX_ITERATIONS, verifyPassword } from "../../src/domain/password";

const salt = () => crypto.getRandomValues(new Uint8Array(16));

describe("passwords", () => {
  it("never hashes above the 100,000 iterations deployed Workers allow", async () => {
    expect(PBKDF2_MAX_ITERATIONS).toBeLessThanOrEqual(100_000);
    const stored = await hashPassword("a long passphrase", salt());
    expect(stored.iterations).toBeLessThanOrEqual(100_000);
    await expect(hashPassword("a long passphrase", salt(), 100_001)).rejects.toThrow(RangeError);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("a long passphrase", salt());
    expect(await verifyPassword("a long passphrase", stored)).toBe(true);
    expect(await verifyPassword("a long passphrasf", stored)).toBe(false);
  });

  it("salts each hash, so equal passwords give different hashes", async () => {
    const a = await hashPassword("same password", salt());
    const b = await hashPassword("same password", salt());
    expect(a.hash).not.toBe(b.hash);
  });

  it("refuses a stored hash that claims more iterations than Workers allow", async () => {
    const stored = await hashPassword("pw pw pw pw", salt(), 1000);
    await expect(verifyPassword("pw pw pw pw", { ...stored, iterations: 200_000 })).rejects.toThrow(RangeError);
  });
});
