import { describe, expect, it } from "vitest";
import { call, expectError } from "../helpers/http";

// The main pass runs with TEST_CLOCK "false" (vitest.config.ts), as `npm run bench` does: the clock's routes do
// not answer and a request pays nothing for it. The clock pass (test/integration/clock/test-clock.test.ts) turns it on.
describe("the test clock, off", () => {
  it("has no routes", async () => {
    await expectError(await call("GET", "/__test-clock"), 404, "not_found");
    await expectError(await call("POST", "/__test-clock/advance", { body: { seconds: 60 } }), 404, "not_found");
    await expectError(await call("DELETE", "/__test-clock"), 404, "not_found");
  });

  it("costs no D1 round trip: the public catalogue is one, the health check none", async () => {
    expect((await call("GET", "/api/products")).headers.get("x-d1-round-trips")).toBe("1");
    expect((await call("GET", "/healthz")).headers.get("x-d1-round-trips")).toBe("0");
  });
});
