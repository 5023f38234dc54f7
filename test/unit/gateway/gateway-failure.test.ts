import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/domain/errors";
import { GatewayNotFoundError, GatewayRefusalError, GatewayTransportError } from "../../../src/gateway/errors";
import { gatewayFailure } from "../../../src/services/gateway-errors";

// What a client is told when a synchronous gateway call fails: 503 for "not now", 502 with the gateway's own code
// and message for a final refusal, whichever gateway answered.

const at = { method: "POST", path: "/payments/cancel" };
const refusal = (kind: "rejected" | "temporary" | "unauthorized") =>
  new GatewayRefusalError("refused", { ...at, kind, code: "1", gatewayMessage: "이미 전액취소된 주문입니다.", httpStatus: 200 });

describe("gatewayFailure", () => {
  it("a final refusal is a 502 carrying the gateway's code and message", () => {
    const e = gatewayFailure(refusal("rejected"));
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ status: 502, code: "gateway_error", details: { gateway_code: "1", gateway_message: "이미 전액취소된 주문입니다." } });
  });

  it("a temporary or unauthorized refusal and any transport failure are a 503 that names nothing", () => {
    for (const cause of [refusal("temporary"), refusal("unauthorized"), new GatewayTransportError("timeout", "timed out", at)]) {
      const e = gatewayFailure(cause);
      expect(e).toMatchObject({ status: 503, code: "gateway_unavailable" });
      expect((e as AppError).details).toBeUndefined();
    }
  });

  it("not found is a final refusal too; anything else passes through unchanged", () => {
    const missing = new GatewayNotFoundError("missing", { ...at, kind: "not_found", code: "-1", gatewayMessage: null, httpStatus: 404 });
    expect(gatewayFailure(missing)).toMatchObject({ status: 502, details: { gateway_code: "-1", gateway_message: null } });
    const bug = new TypeError("bug");
    expect(gatewayFailure(bug)).toBe(bug);
  });
});
