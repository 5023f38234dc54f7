// Error families shared by every gateway adapter (stripe-node's habit: callers branch on the class, never on text).
//
// The split matters: a transport failure says nothing about what the gateway decided (the payment or cancel may
// or may not have happened), so it is worth retrying; a refusal is the gateway's answer. Messages never contain a
// secret or token: only the method, the path and the gateway's own message.

export type GatewayTransportKind = "network" | "timeout" | "http_status" | "malformed";

/**
 * What a refusal means to the caller:
 *  - not_found: the payment, pre-registration or billing key does not exist.
 *  - unauthorized: credentials refused even after a retry; never an answer about the payment.
 *  - temporary: the gateway could not decide now (its own or the PG's failure); retrying is safe.
 *  - rejected: a business rule refused the write (already cancelled, balance mismatch, ...); repeating gets the same.
 */
export type GatewayRefusalKind = "not_found" | "unauthorized" | "temporary" | "rejected";

export interface GatewayErrorInit {
  method: string;
  path: string;
  cause?: unknown;
}

export abstract class GatewayError extends Error {
  abstract readonly retryable: boolean;
  /** HTTP method and path (no query, no host) of the call that failed; safe to log. */
  readonly method: string;
  readonly path: string;

  constructor(message: string, init: GatewayErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
  }
}

/** No trustworthy answer: network failure, our timeout, 5xx/unexpected status, or a body we cannot parse. */
export class GatewayTransportError extends GatewayError {
  override readonly name: string = "GatewayTransportError";
  readonly retryable = true;
  readonly kind: GatewayTransportKind;
  /** HTTP status when a response arrived (absent for network/timeout). */
  readonly status?: number;

  constructor(kind: GatewayTransportKind, message: string, init: GatewayErrorInit & { status?: number }) {
    super(message, init);
    this.kind = kind;
    if (init.status !== undefined) this.status = init.status;
  }
}

/** The gateway answered and refused. */
export class GatewayRefusalError extends GatewayError {
  override readonly name: string = "GatewayRefusalError";
  readonly kind: GatewayRefusalKind;
  /** Only temporary and unauthorized refusals may be answered differently later. */
  readonly retryable: boolean;
  /** The gateway's code as text (V1's envelope code, V2's error `type`). Logged and shown, branched on only by adapters. */
  readonly code: string;
  /** The gateway's own message, verbatim (often Korean); null when none. Shown, never branched on. */
  readonly gatewayMessage: string | null;
  readonly httpStatus: number;

  constructor(
    message: string,
    init: GatewayErrorInit & { kind: GatewayRefusalKind; code: string; gatewayMessage: string | null; httpStatus: number },
  ) {
    super(message, init);
    this.kind = init.kind;
    this.code = init.code;
    this.gatewayMessage = init.gatewayMessage;
    this.httpStatus = init.httpStatus;
    this.retryable = init.kind === "temporary" || init.kind === "unauthorized";
  }
}

/** The payment, pre-registration or billing key does not exist. */
export class GatewayNotFoundError extends GatewayRefusalError {
  override readonly name: string = "GatewayNotFoundError";
}

/** True only for errors where sending the same request again may succeed. */
export function isRetryable(e: unknown): boolean {
  return e instanceof GatewayError && e.retryable;
}
