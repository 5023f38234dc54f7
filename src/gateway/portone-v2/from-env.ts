// The PortOne V2 adapter as the Worker builds it from its bindings and config, counting every call.

import { portoneSettings, type Config } from "../../config";
import type { Env } from "../../env";
import type { Usage } from "../../lib/metrics";
import type { Gateway } from "../types";
import { createPortOneV2Gateway } from "./gateway";
import type { PortOneV2CallInfo } from "./transport";

export function portoneGatewayFor(
  env: Env,
  config: Config,
  usage: Usage | null,
  now: () => number,
  observe?: (info: PortOneV2CallInfo) => void,
): Gateway {
  const s = portoneSettings(config);
  const sandbox = env.IAMPORT_SANDBOX;
  return createPortOneV2Gateway({
    // Locally the sandbox Worker answers V2 too (under /sandbox/portone) through the same service binding.
    fetch: sandbox ? (input, init) => sandbox.fetch(input, init) : (input, init) => fetch(input, init),
    baseUrl: s.baseUrl,
    apiSecret: s.apiSecret,
    storeId: s.storeId,
    timeoutMs: s.timeoutMs,
    now,
    // V2 has no token call: every call is an API call (the bench's budgets count them the same way).
    onCall: (info) => {
      if (usage) usage.iamportApi++;
      observe?.(info);
    },
  });
}
