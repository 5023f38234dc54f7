import { describe, expect, it } from "vitest";
import { ConfigError, iamportSettings, parseConfig, portoneSettings, sdkUrlFor } from "../../src/config";

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
    // An ADMIN_EMAILS left from an older deployment is ignored: administrators are a stored role now.
    expect(config).not.toHaveProperty("ADMIN_EMAILS");
    expect(config.MAX_PAYMENT_AMOUNT).toBe(500_000);
    expect(config.WEBHOOK_ALLOWED_IPS).toEqual([]);
  });

  it("names every missing secret, as a production deploy without them would, and never echoes a value", async () => {
    const { IAMPORT_API_KEY: _k, IAMPORT_API_SECRET: _s, ...rest } = local;
    const leaky = "imp-live-7f3a9c2e-not-for-logs";
    let error: unknown;
    try {
      parseConfig({ ...rest, IAMPORT_IMP_CODE: leaky });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).settings).toEqual(expect.arrayContaining(["IAMPORT_API_KEY", "IAMPORT_API_SECRET", "IAMPORT_IMP_CODE"]));
    expect((error as Error).message).toContain("IAMPORT_API_KEY: missing");
    expect((error as Error).message).toContain("IAMPORT_IMP_CODE: must look like imp12345678");
    // A malformed value may be a real secret pasted in the wrong place: it is named, never shown.
    expect((error as Error).message).not.toContain(leaky);
  });

  it("has the test clock off unless TEST_CLOCK is \"true\", and refuses it in production", () => {
    expect(parseConfig(local).TEST_CLOCK).toBe(false);
    expect(parseConfig({ ...local, TEST_CLOCK: "true" }).TEST_CLOCK).toBe(true);
    expect(() => parseConfig({ ...local, TEST_CLOCK: "on" })).toThrow(/TEST_CLOCK/);
    expect(() => parseConfig({ ...local, APP_ENV: "production", TEST_CLOCK: "true" })).toThrow(/TEST_CLOCK: the test clock does not exist in production/);
    expect(parseConfig({ ...local, APP_ENV: "production" }).TEST_CLOCK).toBe(false);
  });

  it("talks to Iamport V1 unless GATEWAY names another gateway, and refuses one it does not know", () => {
    expect(parseConfig(local).GATEWAY).toBe("iamport-v1");
    expect(parseConfig({ ...local, GATEWAY: "iamport-v1" }).GATEWAY).toBe("iamport-v1");
    expect(() => parseConfig({ ...local, GATEWAY: "stripe" })).toThrow(/GATEWAY: must be one of: "iamport-v1", "portone-v2"/);
  });

  it("names a malformed setting", () => {
    expect(() => parseConfig({ ...local, IAMPORT_IMP_CODE: "12345" })).toThrow(/IAMPORT_IMP_CODE/);
    expect(() => parseConfig({ ...local, MAX_PAYMENT_AMOUNT: "lots" })).toThrow(/MAX_PAYMENT_AMOUNT/);
  });

  describe("GATEWAY=portone-v2", () => {
    const portone = {
      GATEWAY: "portone-v2",
      PORTONE_BASE_URL: "http://sandbox.local/sandbox/portone",
      PORTONE_API_SECRET: "secret",
      PORTONE_STORE_ID: "store-00000000-0000-4000-8000-000000000000",
      PORTONE_CHANNEL_KEY: "channel-key-00000000-0000-4000-8000-000000000000",
      PORTONE_SDK_URL: "https://cdn.portone.io/v2/browser-sdk.js",
    };

    it("needs only PortOne's settings, and gives the pages PortOne's SDK", () => {
      const config = parseConfig(portone);
      expect(config.GATEWAY).toBe("portone-v2");
      expect(portoneSettings(config)).toMatchObject({ apiSecret: "secret", sdkUrl: portone.PORTONE_SDK_URL, billingChannelKey: undefined });
      expect(sdkUrlFor(config)).toBe(portone.PORTONE_SDK_URL);
      expect(() => iamportSettings(config)).toThrow(ConfigError);
      expect(sdkUrlFor(parseConfig(local))).toBe(local.IAMPORT_SDK_URL);
    });

    it("names each missing or malformed PortOne setting, and no longer needs Iamport's", () => {
      const { PORTONE_API_SECRET: _s, PORTONE_SDK_URL: _u, ...rest } = portone;
      let error: unknown;
      try {
        parseConfig({ ...rest, PORTONE_STORE_ID: "my-store" });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).settings.sort()).toEqual(["PORTONE_API_SECRET", "PORTONE_SDK_URL", "PORTONE_STORE_ID"]);
      expect((error as Error).message).toContain('PORTONE_API_SECRET: missing (required when GATEWAY is "portone-v2")');
      // Iamport's settings are required only when Iamport is the gateway, and PortOne's only when PortOne is.
      const { IAMPORT_API_KEY: _k, ...noIamportKey } = local;
      expect(() => parseConfig(noIamportKey)).toThrow(/IAMPORT_API_KEY: missing/);
      expect(() => parseConfig({ ...portone, IAMPORT_IMP_CODE: undefined })).not.toThrow();
    });
  });
});
