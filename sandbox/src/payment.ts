import { newApplyNum, newPgTid } from "./ids";

export type PaymentStatus = "ready" | "paid" | "failed" | "cancelled";

export interface PaymentCancel {
  pg_tid: string;
  amount: number;
  cancelled_at: number;
  reason: string | null;
  cancellation_id: string;
  receipt_url: string | null;
}

/** PaymentAnnotation: every key always present, null for absent strings, 0 for absent times, [] for lists. */
export interface Payment {
  imp_uid: string;
  merchant_uid: string;
  pay_method: string;
  channel: "pc" | "mobile" | "api";
  pg_provider: string;
  emb_pg_provider: string | null;
  pg_tid: string | null;
  pg_id: string | null;
  sandbox: boolean;
  escrow: boolean;
  apply_num: string | null;
  bank_code: string | null;
  bank_name: string | null;
  card_code: string | null;
  card_name: string | null;
  card_issuer_code: string | null;
  card_issuer_name: string | null;
  card_publisher_code: string | null;
  card_publisher_name: string | null;
  card_quota: number;
  card_number: string | null;
  card_type: number | null;
  vbank_code: string | null;
  vbank_name: string | null;
  vbank_num: string | null;
  vbank_holder: string | null;
  vbank_date: number;
  vbank_issued_at: number;
  name: string | null;
  amount: number;
  cancel_amount: number;
  currency: string;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  user_agent: string | null;
  status: PaymentStatus;
  started_at: number;
  paid_at: number;
  failed_at: number;
  cancelled_at: number;
  fail_reason: string | null;
  cancel_reason: string | null;
  receipt_url: string | null;
  cancel_history: PaymentCancel[];
  deposit_history: unknown[];
  cancel_receipt_urls: string[];
  cash_receipt_issued: boolean;
  customer_uid: string | null;
  customer_uid_usage: "issue" | "payment" | "payment.scheduled" | null;
  promotion: { id: string; discount: number } | null;
}

export interface CardInfo {
  card_code: string;
  card_name: string;
  card_number: string;
  card_type: number;
}

// A BC test card, what KG Inicis test MIDs typically report.
export const DEFAULT_CARD: CardInfo = {
  card_code: "361",
  card_name: "BC카드",
  card_number: "910020*********5",
  card_type: 0,
};

/** What a declining test card's charges fail with (a KG Inicis limit refusal). */
export const DECLINE_REASON = "[3011] 카드 한도 초과";

export function receiptUrl(pgTid: string): string {
  return `https://iniweb.inicis.com/DefaultWebApp/mall/cr/cm/mCmReceipt_head.jsp?noTid=${pgTid}&noMethod=1`;
}

/** A virtual account issued for a `vbank` payment (the Payment's vbank_* fields). */
export interface VbankAccount {
  code: string;
  name: string;
  num: string;
  holder: string;
  /** Deposit deadline, unix seconds. */
  date: number;
  issuedAt: number;
}

export interface NewPayment {
  impUid: string;
  merchantUid: string;
  amount: number;
  currency: string;
  status: "ready" | "paid" | "failed";
  nowMs: number;
  name?: string | null;
  payMethod?: string;
  channel?: Payment["channel"];
  buyer?: Partial<Record<"buyer_name" | "buyer_email" | "buyer_tel" | "buyer_addr" | "buyer_postcode", string | null>>;
  customData?: string | null;
  userAgent?: string | null;
  failReason?: string | null;
  card?: CardInfo;
  customerUid?: string | null;
  /** Why the key was used (Payment.customer_uid_usage): `payment` unless said otherwise. */
  usage?: "issue" | "payment" | "payment.scheduled";
  /** The MID that took the payment; billing keys report their own (INIBillTst), the window INIpayTest. */
  pgId?: string;
  /** Set for `pay_method: "vbank"`: the payment is `ready` until the deposit arrives. */
  vbank?: VbankAccount;
}

/** The time GET /payments/status/{status} searches a payment by: that of its current status. */
export function statusAt(p: Payment): number {
  switch (p.status) {
    case "paid":
      return p.paid_at;
    case "failed":
      return p.failed_at;
    case "cancelled":
      return p.cancelled_at;
    default:
      return p.started_at;
  }
}

export function newPayment(p: NewPayment): Payment {
  const now = Math.floor(p.nowMs / 1000);
  const paid = p.status === "paid";
  const failed = p.status === "failed";
  // A ready card payment has not reached the PG yet, so it has no transaction id; an issued account has one.
  const pgTid = p.vbank ? newPgTid(p.nowMs, "VBNK") : p.status === "ready" ? null : newPgTid(p.nowMs);
  const card = paid ? (p.card ?? DEFAULT_CARD) : null;
  return {
    imp_uid: p.impUid,
    merchant_uid: p.merchantUid,
    pay_method: p.payMethod ?? "card",
    channel: p.channel ?? "pc",
    pg_provider: "html5_inicis",
    emb_pg_provider: null,
    pg_tid: pgTid,
    pg_id: p.pgId ?? "INIpayTest",
    // false on purpose: pocketpay's verification rejects sandbox:true in production mode, and the local
    // config runs the production code path against this emulator; it has no "test channel" to flag.
    sandbox: false,
    escrow: false,
    apply_num: paid ? newApplyNum() : null,
    bank_code: null,
    bank_name: null,
    card_code: card?.card_code ?? null,
    card_name: card?.card_name ?? null,
    card_issuer_code: null,
    card_issuer_name: null,
    card_publisher_code: null,
    card_publisher_name: null,
    card_quota: 0,
    card_number: card?.card_number ?? null,
    card_type: card?.card_type ?? null,
    vbank_code: p.vbank?.code ?? null,
    vbank_name: p.vbank?.name ?? null,
    vbank_num: p.vbank?.num ?? null,
    vbank_holder: p.vbank?.holder ?? null,
    vbank_date: p.vbank?.date ?? 0,
    vbank_issued_at: p.vbank?.issuedAt ?? 0,
    name: p.name ?? null,
    amount: p.amount,
    cancel_amount: 0,
    currency: p.currency,
    buyer_name: p.buyer?.buyer_name ?? null,
    buyer_email: p.buyer?.buyer_email ?? null,
    buyer_tel: p.buyer?.buyer_tel ?? null,
    buyer_addr: p.buyer?.buyer_addr ?? null,
    buyer_postcode: p.buyer?.buyer_postcode ?? null,
    custom_data: p.customData ?? null,
    user_agent: p.userAgent ?? null,
    status: p.status,
    started_at: now,
    paid_at: paid ? now : 0,
    failed_at: failed ? now : 0,
    cancelled_at: 0,
    fail_reason: failed ? (p.failReason ?? DECLINE_REASON) : null,
    cancel_reason: null,
    receipt_url: paid && pgTid ? receiptUrl(pgTid) : null,
    cancel_history: [],
    deposit_history: [],
    cancel_receipt_urls: [],
    cash_receipt_issued: false,
    customer_uid: p.customerUid ?? null,
    customer_uid_usage: p.customerUid ? (p.usage ?? "payment") : null,
    promotion: null,
  };
}

/** Real servers emit keys sorted alphabetically; cosmetic, but it makes captures diff cleanly. */
export function publicPayment(p: Payment): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The payload IMP.request_pay hands its callback (and the control pay route returns). */
export interface CallbackPayload {
  success: boolean;
  imp_uid: string | null;
  merchant_uid: string;
  error_code: string | null;
  error_msg: string | null;
  paid_amount: number | null;
  status: PaymentStatus | null;
  pay_method?: string;
  pg_provider?: string;
  pg_tid?: string | null;
  pg_type?: string;
  name?: string | null;
  currency?: string;
  buyer_name?: string | null;
  buyer_email?: string | null;
  buyer_tel?: string | null;
  buyer_addr?: string | null;
  buyer_postcode?: string | null;
  custom_data?: unknown;
  paid_at?: number;
  receipt_url?: string | null;
  apply_num?: string | null;
  card_name?: string | null;
  card_number?: string | null;
  card_quota?: number;
  emb_pg_provider?: string | null;
  vbank_num?: string | null;
  vbank_name?: string | null;
  vbank_holder?: string | null;
  vbank_date?: number;
}

export function callbackFromPayment(p: Payment, error?: { code: string; msg: string }): CallbackPayload {
  let customData: unknown = null;
  if (p.custom_data !== null) {
    try {
      customData = JSON.parse(p.custom_data);
    } catch {
      customData = p.custom_data;
    }
  }
  return {
    success: !error,
    imp_uid: p.imp_uid,
    merchant_uid: p.merchant_uid,
    error_code: error?.code ?? null,
    error_msg: error?.msg ?? null,
    // An issued account reports the amount to deposit (sandbox choice; see README).
    paid_amount: p.status === "paid" || p.vbank_num !== null ? p.amount : 0,
    status: p.status,
    pay_method: p.pay_method,
    pg_provider: p.pg_provider,
    pg_tid: p.pg_tid,
    pg_type: "payment",
    name: p.name,
    currency: p.currency,
    buyer_name: p.buyer_name,
    buyer_email: p.buyer_email,
    buyer_tel: p.buyer_tel,
    buyer_addr: p.buyer_addr,
    buyer_postcode: p.buyer_postcode,
    custom_data: customData,
    paid_at: p.paid_at,
    receipt_url: p.receipt_url,
    apply_num: p.apply_num,
    card_name: p.card_name,
    card_number: p.card_number,
    card_quota: p.card_quota,
    emb_pg_provider: p.emb_pg_provider,
    ...(p.pay_method === "vbank"
      ? { vbank_num: p.vbank_num, vbank_name: p.vbank_name, vbank_holder: p.vbank_holder, vbank_date: p.vbank_date }
      : {}),
  };
}

/** A failure before any payment exists (pre-validation, closed window): no imp_uid, no status. */
export function preFailure(merchantUid: string, code: string, msg: string): CallbackPayload {
  return {
    success: false,
    imp_uid: null,
    merchant_uid: merchantUid,
    error_code: code,
    error_msg: msg,
    paid_amount: null,
    status: null,
  };
}

/** SDK error codes the sandbox uses (real codes are undocumented; these are ours, stable for tests). */
export const SDK_ERRORS = {
  /** The card company refused the card entered in a billing-key window (sandbox's code, Iamport's message). */
  billingKeyRefused: { code: "F0007" },
  amountMismatch: { code: "F0001", msg: "사전 등록된 금액과 결제 요청 금액이 일치하지 않습니다." },
  badParams: { code: "F0002", msg: "결제 요청 파라메터가 올바르지 않습니다." },
  badImpCode: { code: "F0003", msg: "가맹점 식별코드가 올바르지 않습니다. IMP.init()의 값을 확인하세요." },
  declined: { code: "F0004" },
  userClosed: { code: "F0005", msg: "사용자가 결제를 취소하셨습니다" },
  popupBlocked: { code: "F0006", msg: "결제창 팝업이 차단되었습니다." },
  alreadyPaid: { code: "F1002", msg: "이미 결제가 이루어진 거래건입니다." },
} as const;
