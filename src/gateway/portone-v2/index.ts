// Public surface of the PortOne V2 adapter; import from "src/gateway/portone-v2" only.

export { createPortOneV2Gateway, GET_PAYMENTS_CONCURRENCY, GET_PAYMENTS_MAX, type PortOneV2GatewayOptions } from "./gateway";
export { classifyV2Refusal } from "./errors";
export { methodInV1Words, statusOf } from "./map";
export type { PortOneV2CallInfo } from "./transport";
