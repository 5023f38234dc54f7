import { gatewayError, gatewayUnavailable } from "../domain/errors";
import { IamportError, IamportRefusalError, IamportTransportError } from "../iamport";

/** Maps a failed synchronous Iamport call to what the client sees: 503 when unreachable, 502 when refused. */
export function gatewayFailure(e: unknown): unknown {
  if (e instanceof IamportTransportError) return gatewayUnavailable();
  if (e instanceof IamportRefusalError) {
    return gatewayError("The payment gateway refused the request.", { iamport_code: e.code, iamport_message: e.iamportMessage });
  }
  if (e instanceof IamportError) return gatewayUnavailable();
  return e;
}
