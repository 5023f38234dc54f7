import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config";

const local = {
  IAMPORT_BASE_URL: "http://sandbox.local/sandbox/iamport",
  IAMPORT_SDK_URL: "/sandbox/iamport/v1/iamport.js",
  IAMPORT_IMP_CODE: "imp00000000",
  IAMPORT_API_KEY: "k",
  IAMPORT_API_SECRET: "s",
  ADMIN_EMAILS: "Admin@Example.com, ops@example.com",
};

describe("parseConfig", () => {
  it("parses vars into typed values", () => {
    const config = parseConfig({ ...local, MAX_PAYMENT_AMOUNT: "500000" });
    expect(config.ADMIN_EMAILS).toEqual(["admin@example.com", "ops@example.com"]);
    expect(config.MAX_PAYMENT_AMOUNT).toBe(500_000);
    expect(config.WEBHOOK_ALLOWED_IPS).toEqual([]);
  });

  it("names every missing secret, as a production deploy without them would", () => {
    const { IAMPORT_API_KEY: _k, IAMPORT_API_SECRET: _s, ...rest } = local;
    try {
      parseConfig(rest);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).settings).toEqual(expect.arrayContaining(["IAMPORT_API_KEY", "IAMPORT_API_SECRET"]));
      expect((e as Error).message).toContain("IAMPORT_API_KEY: missing");
      expect((e as Error).message).not.toContain(local.IAMPORT_API_KEY + "x");
    }
  });

  it("names a malformed setting", () => {
    expect(() => parseConfig({ ...local, IAMPORT_IMP_CODE: "12345" })).toThrow(/IAMPORT_IMP_CODE/);
    expect(() => parseConfig({ ...local, MAX_PAYMENT_AMOUNT: "lots" })).toThrow(/MAX_PAYMENT_AMOUNT/);
  });
});
