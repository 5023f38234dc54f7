// The gateway the Worker talks to, chosen by the GATEWAY setting. Services receive it as deps.gateway and never
// know which one it is.

import type { Config } from "../config";
import type { Env } from "../env";
import type { Usage } from "../lib/metrics";
import { createIamportV1Gateway } from "./iamport-v1";
import { iamportClientFor } from "./iamport-v1/from-env";
import { portoneGatewayFor } from "./portone-v2/from-env";
import type { Gateway } from "./types";

export function gatewayFor(env: Env, config: Config, usage: Usage | null = null, now: () => number = Date.now): Gateway {
  switch (config.GATEWAY) {
    case "iamport-v1":
      return createIamportV1Gateway(iamportClientFor(env, config, usage, now));
    case "portone-v2":
      return portoneGatewayFor(env, config, usage, now);
  }
}

export { observeIamportCalls } from "./iamport-v1/from-env";
export type * from "./types";
export * from "./errors";
