// One family of typed errors with stable codes; app.onError maps them to the JSON error body.

/**
 * Every `error.code` the API answers. The body's `message` is English, for developers; the pages show each
 * code's text from the buyer's catalogue (src/i18n: `error.<code>`), which must have one for every code here.
 */
export const ERROR_CODES = [
  "invalid_request",
  "malformed_json",
  "bad_request",
  "invalid_idempotency_key",
  "invalid_webhook",
  "invalid_signature",
  "unauthorized",
  "invalid_credentials",
  "forbidden",
  "not_found",
  "email_taken",
  "custom_amount_disabled",
  "price_unavailable",
  "amount_out_of_range",
  "catalogue_changed",
  "slug_taken",
  "price_not_replaceable",
  "price_immutable",
  "invalid_state",
  "concurrent_change",
  "cannot_revoke_self",
  "payment_exists",
  "subscription_exists",
  "card_not_registered",
  "billing_key_deleted",
  "plan_not_allowed",
  "imp_uid_in_use",
  "imp_uid_mismatch",
  "request_in_progress",
  "refund_in_progress",
  "amount_exceeds_refundable",
  "balance_changed",
  "payload_too_large",
  "unsupported_media_type",
  "idempotency_key_reused",
  "rate_limited",
  "internal_error",
  "config_error",
  "gateway_error",
  "gateway_unavailable",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

export class AppError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (message = "Sign in to continue.") =>
  new AppError(401, "unauthorized", message);
export const forbidden = (message = "You are not allowed to do this.") =>
  new AppError(403, "forbidden", message);
export const notFound = (what = "resource") =>
  new AppError(404, "not_found", `No such ${what}.`);
export const conflict = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, "rate_limited", "Too many attempts. Try again later.", undefined, {
    "Retry-After": String(retryAfterSeconds),
  });
export const gatewayUnavailable = (message = "The payment gateway is unreachable. Try again.") =>
  new AppError(503, "gateway_unavailable", message);
export const gatewayError = (message: string, details?: unknown) =>
  new AppError(502, "gateway_error", message, details);
/** A status change the state machine does not list: refused, never applied (a bug or a stale read, never a 500). */
export const invalidTransition = (from: string, to: string) =>
  new AppError(409, "invalid_state", `A ${from} payment cannot become ${to}.`, { from, to });
/** The payment kept changing under this request (webhooks, the reconciler); a retry will see where it settled. */
export const concurrentChange = () =>
  new AppError(409, "concurrent_change", "The payment changed while this request was being handled. Try again.");
/** The service is misconfigured; which settings is for the operator's logs, never for the client. */
export const serviceMisconfigured = () =>
  new AppError(503, "config_error", "pocketpay is not configured correctly. The operator has the details in the logs.");
