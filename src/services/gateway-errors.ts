import { gatewayError, gatewayUnavailable } from "../domain/errors";
import { IamportError, IamportRefusalError } from "../iamport";

/**
 * Maps a failed synchronous Iamport call to what the client sees: 503 when Iamport could not answer now
 * (unreachable, timed out, a temporary refusal, a token it keeps refusing), 502 when it refused for good.
 * Anything that is not an Iamport error is returned unchanged.
 */
export function gatewayFailure(e: unknown): unknown {
  if (!(e instanceof IamportError)) return e;
  if (e instanceof IamportRefusalError && !e.retryable) {
    return gatewayError("The payment gateway refused the request.", { iamport_code: e.code, iamport_message: e.iamportMessage });
  }
  return gatewayUnavailable();
}
