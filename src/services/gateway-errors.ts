import { gatewayError, gatewayUnavailable } from "../domain/errors";
import { GatewayError, GatewayRefusalError } from "../gateway/errors";

/**
 * Maps a failed synchronous gateway call to what the client sees: 503 when the gateway could not answer now
 * (unreachable, timed out, a temporary refusal, credentials it keeps refusing), 502 when it refused for good, with
 * the gateway's own code and message in the details. Anything that is not a gateway error is returned unchanged.
 */
export function gatewayFailure(e: unknown): unknown {
  if (!(e instanceof GatewayError)) return e;
  if (e instanceof GatewayRefusalError && !e.retryable) {
    return gatewayError("The payment gateway refused the request.", { gateway_code: e.code, gateway_message: e.gatewayMessage });
  }
  return gatewayUnavailable();
}
