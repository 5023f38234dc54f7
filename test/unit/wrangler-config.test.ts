/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import wrangler from "../../wrangler.toml?raw";

// The rate limits are bindings, configured in wrangler.toml for each environment (the tests run with smaller
// per-address limits, see vitest.config.ts). Both environments must declare every limiter, with the same sizes:
// a limiter missing in production would be `undefined` there and fail every request that uses it.
const LIMITS = {
  AUTH_IP_LIMITER: 20,
  AUTH_EMAIL_LIMITER: 10,
  ORDER_USER_LIMITER: 10,
  PAYMENT_USER_LIMITER: 30,
  REFUND_USER_LIMITER: 60,
  CLIENT_IP_LIMITER: 120,
  WEBHOOK_IP_LIMITER: 300,
};

const [localPart, productionPart] = wrangler.split("\n[env.production]\n") as [string, string];

function ratelimits(section: "local" | "production") {
  const text = section === "local" ? localPart : productionPart;
  const header = section === "local" ? "[[ratelimits]]" : "[[env.production.ratelimits]]";
  const found: Record<string, number> = {};
  for (const block of text.split(header).slice(1)) {
    const name = /name = "([A-Z_]+)"/.exec(block)?.[1];
    const limit = /simple = \{ limit = (\d+), period = 60 \}/.exec(block)?.[1];
    if (name && limit) found[name] = Number(limit);
  }
  return found;
}

describe("wrangler.toml rate limits", () => {
  it.each(["local", "production"] as const)("declares every limiter in %s, one a minute each, with the documented size", (section) => {
    expect(ratelimits(section)).toEqual(LIMITS);
  });

  it("gives no production secret or admin list a place in the config", () => {
    expect(wrangler).not.toMatch(/ADMIN_EMAILS/);
    expect(productionPart).not.toMatch(/IAMPORT_API_(KEY|SECRET)\s*=/);
  });

  it("compiles the test clock in locally and out of production, where TEST_CLOCK is never set", () => {
    expect(localPart).toMatch(/\[define\]\n__TEST_CLOCK__ = "true"/);
    expect(productionPart).toMatch(/\[env\.production\.define\]\n__TEST_CLOCK__ = "false"/);
    expect(productionPart).not.toMatch(/TEST_CLOCK\s*=\s*"true"/);
    expect(productionPart).not.toMatch(/^TEST_CLOCK\s*=/m);
  });
});
