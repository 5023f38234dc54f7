import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { logInfo } from "../log";

// V2 refuses with an HTTP status and `{type, message}` (plus fields some types carry, e.g. PG_PROVIDER's pgCode and
// pgMessage). Types and statuses are PortOne's (server-sdk codegen/openapi.json, x-portone-status-code); the
// messages are the sandbox's own (PortOne publishes none).

export type PortOneErrorType =
  | "INVALID_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "PAYMENT_NOT_FOUND"
  | "ALREADY_PAID"
  | "PAYMENT_NOT_PAID"
  | "PAYMENT_ALREADY_CANCELLED"
  | "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN"
  | "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT"
  | "BILLING_KEY_NOT_FOUND"
  | "BILLING_KEY_ALREADY_DELETED"
  | "PG_PROVIDER"
  | "NOT_FOUND"
  | "INTERNAL_SERVER_ERROR";

const STATUS: Record<PortOneErrorType, ContentfulStatusCode> = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYMENT_NOT_FOUND: 404,
  BILLING_KEY_NOT_FOUND: 404,
  NOT_FOUND: 404,
  ALREADY_PAID: 409,
  PAYMENT_NOT_PAID: 409,
  PAYMENT_ALREADY_CANCELLED: 409,
  CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN: 409,
  CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT: 409,
  BILLING_KEY_ALREADY_DELETED: 409,
  INTERNAL_SERVER_ERROR: 500,
  PG_PROVIDER: 502,
};

export const V2_MSG = {
  unauthorized: "인증 정보가 올바르지 않습니다.",
  forbidden: "요청한 상점에 접근할 권한이 없습니다.",
  paymentNotFound: "결제 건이 존재하지 않습니다.",
  alreadyPaid: "결제가 이미 완료되었습니다.",
  notPaid: "결제가 완료되지 않았습니다.",
  alreadyCancelled: "결제가 이미 취소되었습니다.",
  consistencyBroken: "취소 가능 잔액 검증에 실패하였습니다.",
  exceedsCancellable: "결제 취소 금액이 취소 가능 금액을 초과하였습니다.",
  billingKeyNotFound: "빌링키가 존재하지 않습니다.",
  billingKeyDeleted: "빌링키가 이미 삭제되었습니다.",
  notFoundRoute: "요청한 경로를 찾을 수 없습니다.",
} as const;

export class PortOneError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly type: PortOneErrorType,
    message: string,
    /** Fields the type carries beside type and message (PG_PROVIDER: pgCode, pgMessage). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[type];
  }
}

export function portoneErrorResponse(c: Context, e: PortOneError): Response {
  if (e.type === "UNAUTHORIZED") c.header("WWW-Authenticate", "PortOne");
  return c.json({ type: e.type, message: e.message, ...e.extra }, e.status);
}

/** Validates with zod; a failure is 400 INVALID_REQUEST naming the field (zod's detail goes to the log). */
export function parseV2<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join(".") : "요청 본문";
  logInfo("bad_request", { api: "portone", field, detail: issue?.message ?? "invalid" });
  throw new PortOneError("INVALID_REQUEST", `${field} 값이 올바르지 않습니다.`);
}

/** V2 takes JSON bodies only; an empty body is an empty object (every body field of these routes is optional or checked). */
export async function readJson(c: Context): Promise<unknown> {
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new PortOneError("INVALID_REQUEST", "요청 본문이 올바른 JSON이 아닙니다.");
  }
}
