import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A refusal shaped like Iamport's: HTTP status plus `{code, message, response: null}`. */
export class IamportError extends Error {
  constructor(
    readonly httpStatus: ContentfulStatusCode,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

// Real successes carry `message: null` (not "success" as some fakes do).
export function ok(c: Context, response: unknown, status: ContentfulStatusCode = 200): Response {
  return c.json({ code: 0, message: null, response }, status);
}

export function envelopeError(c: Context, status: ContentfulStatusCode, code: number, message: string): Response {
  return c.json({ code, message, response: null }, status);
}

// Iamport's own texts where a source records them (see sandbox/README.md for each one's source).
export const MSG = {
  unauthorized: "Unauthorized",
  paymentNotFound: "존재하지 않는 결제정보입니다.",
  paymentsNotFound: "해당되는 결제건을 찾지 못하였습니다.",
  customersNotFound: "유효하지 않은 customer_uid",
  badStatus: "지원되지 않는 상태값입니다.",
  prepareNotFound: "사전등록된 결제정보가 존재하지 않습니다.",
  prepareDuplicate: "이미 등록된 merchant_uid입니다.",
  badKey: "인증에 실패하였습니다. API키와 secret을 확인하세요.",
  missingKey: "imp_key, imp_secret 파라메터가 누락되었습니다.",
  cancelNotFound: "취소할 결제건이 존재하지 않습니다.",
  cancelNoUid: "imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.",
  alreadyCancelled: "이미 전액취소된 주문입니다.",
  notPaid: "결제완료(paid) 상태가 아닌 결제건은 취소할 수 없습니다.",
  checksumMismatch: "checksum이 일치하지 않습니다.",
  vbankRefundAccount: "가상계좌 환불은 환불계좌 정보(refund_holder, refund_bank, refund_account)가 필요합니다.",
  overBalance: "결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)",
  unknownBuyer: "등록되지 않은 구매자입니다.",
  noCustomerForSchedule: "등록된 고객정보가 없습니다.",
  nothingToUnschedule: "취소할 예약결제 기록이 존재하지 않습니다.",
  inicisNameRequired: "이니시스 빌링결제는 상품명이 필수입니다.",
  alreadyPaid: "이미 결제가 이루어진 거래건입니다.",
  cardAuthFailed: "카드정보 인증에 실패하였습니다.",
  invalidCardNumber: "유효하지않은 카드번호를 입력하셨습니다.",
  notFoundRoute: "Not Found",
} as const;
