import { serviceMisconfigured } from "../domain/errors";
import type { Deps } from "./deps";

/**
 * The browser's payment window exists for Iamport V1 only (card registration has both gateways' windows: see
 * services/subscribe.ts). With GATEWAY=portone-v2 the server side works (pre-registration, lookups, signed
 * webhooks, cancels, billing-key charges), but the pages' PortOne V2 checkout is not built yet, so starting a
 * checkout is refused before anything is written or sent, instead of opening Iamport's window for a payment
 * PortOne was told about.
 */
export function requireBrowserCheckout(deps: Deps): void {
  if (deps.config.GATEWAY === "iamport-v1") return;
  console.error(
    JSON.stringify({
      level: "error",
      event: "config_error",
      settings: ["GATEWAY"],
      error: `the browser checkout for ${deps.config.GATEWAY} is not built yet; only iamport-v1 offers it`,
    }),
  );
  throw serviceMisconfigured();
}
