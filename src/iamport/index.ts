// Public surface of the Iamport client; import from "src/iamport" only.

export { createIamportClient, type IamportClient, type IamportClientOptions } from "./client";
export {
  classifyRefusal,
  IamportError,
  IamportNotFoundError,
  IamportRefusalError,
  IamportTransportError,
  isRetryable,
  type IamportRefusalKind,
  type IamportTransportKind,
} from "./errors";
export {
  CustomerSchema,
  EnvelopeSchema,
  PAYMENT_STATUSES,
  PaymentCancelSchema,
  PaymentSchema,
  PreparedSchema,
  ScheduleResultSchema,
  TokenResponseSchema,
  isKnownPaymentStatus,
  type IamportCustomer,
  type IamportEnvelope,
  type IamportPayment,
  type IamportPaymentCancel,
  type IamportPaymentStatus,
  type IamportPrepared,
  type IamportScheduleResult,
  type IamportScheduleStatus,
  type IamportTokenResponse,
} from "./schemas";
export { TOKEN_REFRESH_MARGIN_MS, createTokenCache, type TokenCache } from "./token";
export type { CallInfo, CallKind } from "./transport";
export type {
  CancelPaymentInput,
  CreateCustomerInput,
  PayAgainInput,
  PrepareInput,
  ScheduleInput,
  ScheduleItem,
  UnscheduleInput,
} from "./types";
