import { env } from "cloudflare:workers";
import type { GatewayName } from "../../src/gateway";

/**
 * The gateway this vitest pass runs the app against (vitest.config.ts: GATEWAY_UNDER_TEST, iamport-v1 unless set).
 * A suite in V2_SUITES runs once per gateway: its steps go through gateway-neutral helpers, and the few rules that
 * exist on one gateway only say so with `it.runIf(onV1)` / `it.runIf(onV2)`.
 */
export const gatewayUnderTest = env.GATEWAY as GatewayName;
export const onV1 = gatewayUnderTest === "iamport-v1";
export const onV2 = gatewayUnderTest === "portone-v2";
