// How PortOne V2's refusals become the gateway's error families (src/gateway/errors.ts).
//
// V2 answers a refusal with a 4xx (or, for the PG's own failures, a 502) and a body `{ type, message }`. The kind is
// decided from the error's type, the HTTP status and the method, never from the message text:
//
//   type / status                                          | lookup (GET) | write (POST, DELETE)
//   -------------------------------------------------------+--------------+---------------------
//   PAYMENT_NOT_FOUND, BILLING_KEY_NOT_FOUND,              | not_found    | not_found
//     BILLING_KEY_NOT_ISSUED                               |              |
//   UNAUTHORIZED, FORBIDDEN, or HTTP 401 / 403             | unauthorized | unauthorized
//   PG_PROVIDER, CHANNEL_SPECIFIC (HTTP 502 with that body)| temporary    | temporary
//   anything else (INVALID_REQUEST, ALREADY_PAID,          | temporary    | rejected
//     CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN, ...)          |              |
//
// A lookup has no business rule to refuse with, so it is never "rejected": an odd answer to a GET is retried
// later, never read as an answer about the payment. A PG failure on a write is temporary, like V1's code -1:
// retrying a cancel is safe (currentCancellableAmount refuses a second refund), and a billing-key charge never
// gets here for a decline (the adapter turns PG_PROVIDER into a failed payment).
//
// What is not a refusal at all (src/gateway/portone-v2/transport.ts): no response, our timeout, 408/429, any other
// 5xx, or a non-2xx whose body is not a V2 error (a proxy's 404 page is not "payment not found").

import type { GatewayRefusalKind } from "../errors";

const NOT_FOUND_TYPES = new Set(["PAYMENT_NOT_FOUND", "BILLING_KEY_NOT_FOUND", "BILLING_KEY_NOT_ISSUED"]);
const CREDENTIAL_TYPES = new Set(["UNAUTHORIZED", "FORBIDDEN"]);
/** The PG (or every channel of a multi-channel request) failed: V2 reports these on HTTP 502 with a body. */
export const PG_FAILURE_TYPES = new Set(["PG_PROVIDER", "CHANNEL_SPECIFIC"]);

export function classifyV2Refusal(httpStatus: number, method: string, type: string): GatewayRefusalKind {
  if (NOT_FOUND_TYPES.has(type)) return "not_found";
  if (CREDENTIAL_TYPES.has(type) || httpStatus === 401 || httpStatus === 403) return "unauthorized";
  if (method === "GET" || PG_FAILURE_TYPES.has(type)) return "temporary";
  return "rejected";
}
