// Error families for the Iamport client.
//
// The split matters to callers: a transport failure says nothing about what Iamport decided (the
// payment/cancel may or may not have happened), so it is worth retrying; a refusal is Iamport's
// answer and retrying the same request will get the same answer. Messages never contain the API
// secret or an access token: only the method, the path and Iamport's own message.

export type IamportTransportKind = "network" | "timeout" | "http_status" | "malformed";

interface IamportErrorInit {
  method: string;
  path: string;
  cause?: unknown;
}

export abstract class IamportError extends Error {
  abstract readonly retryable: boolean;
  /** HTTP method and path (no query, no host) of the call that failed; safe to log. */
  readonly method: string;
  readonly path: string;

  constructor(message: string, init: IamportErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
  }
}

/** We could not get a trustworthy answer: network failure, our timeout, 5xx/unexpected status, or a body we cannot parse. */
export class IamportTransportError extends IamportError {
  override readonly name: string = "IamportTransportError";
  readonly retryable = true;
  readonly kind: IamportTransportKind;
  /** HTTP status when a response arrived (absent for network/timeout). */
  readonly status?: number;

  constructor(kind: IamportTransportKind, message: string, init: IamportErrorInit & { status?: number }) {
    super(message, init);
    this.kind = kind;
    if (init.status !== undefined) this.status = init.status;
  }
}

/**
 * What a refusal means to the caller. Decided from the HTTP status, the method and Iamport's code, never from the
 * message text (Iamport rewords its messages):
 *  - not_found: HTTP 404 with an envelope; the payment, prepare or customer does not exist.
 *  - unauthorized: HTTP 401 that survived the client's one retry with a fresh token (a token race, a clock jump,
 *    or a wrong key): worth another try later, never an answer about the payment.
 *  - temporary: Iamport could not decide now. A lookup (GET) has no business rule to refuse with, so any
 *    refusal of one is temporary; a write refused with a negative code (Iamport's "-1": its own or the PG's
 *    failure, e.g. "일시적인 오류") is too. Retrying a cancel is safe: the checksum refuses a second refund.
 *  - rejected: a business-rule refusal of a write (a positive code on HTTP 200, e.g. "already fully cancelled")
 *    or a 4xx for a request Iamport will never accept as sent. Repeating it gets the same answer.
 */
export type IamportRefusalKind = "not_found" | "unauthorized" | "temporary" | "rejected";

export function classifyRefusal(httpStatus: number, method: string, code: number): IamportRefusalKind {
  if (httpStatus === 404) return "not_found";
  if (httpStatus === 401) return "unauthorized";
  if (httpStatus >= 400) return "rejected";
  if (method === "GET" || code < 0) return "temporary";
  return "rejected";
}

/** Iamport answered with an envelope whose code != 0 (even on HTTP 200), or kept saying 401 after a token refresh. */
export class IamportRefusalError extends IamportError {
  override readonly name: string = "IamportRefusalError";
  readonly kind: IamportRefusalKind;
  /** Only temporary and unauthorized refusals may be answered differently later. */
  readonly retryable: boolean;
  /** Iamport's envelope code (-1 / 1 in practice; see IamportRefusalKind for how it is used). */
  readonly code: number;
  /** Iamport's own message, verbatim (often Korean); null when the body had none. Shown, never branched on. */
  readonly iamportMessage: string | null;
  readonly httpStatus: number;

  constructor(
    init: IamportErrorInit & { code: number; iamportMessage: string | null; httpStatus: number },
  ) {
    super(
      `Iamport refused ${init.method} ${init.path} (HTTP ${init.httpStatus}, code ${init.code}): ${init.iamportMessage ?? "no message"}`,
      init,
    );
    this.code = init.code;
    this.iamportMessage = init.iamportMessage;
    this.httpStatus = init.httpStatus;
    this.kind = classifyRefusal(init.httpStatus, init.method, init.code);
    this.retryable = this.kind === "temporary" || this.kind === "unauthorized";
  }
}

/** HTTP 404 with an Iamport envelope: the payment/prepare/customer/schedule does not exist. */
export class IamportNotFoundError extends IamportRefusalError {
  override readonly name: string = "IamportNotFoundError";
}

/** True only for errors where sending the same request again may succeed. */
export function isRetryable(e: unknown): boolean {
  return e instanceof IamportError && e.retryable;
}
