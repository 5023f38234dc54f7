import { isUniqueViolation } from "../db/client";
import { storeResponse, type KeyRef } from "../db/idempotency";
import { payments, type PaymentRow, type UserRow } from "../db/schema";
import { merchantUid } from "../domain/merchant-uid";
import { cutText } from "../domain/text";
import { presentPayment } from "./present";
import type { Deps } from "./deps";
import { gatewayFailure } from "./gateway-errors";
import { runIdempotently, type StoredResponse } from "./idempotency";

export interface CreatePaymentInput {
  name: string;
  amount: number;
}

const IAMPORT_NAME_UNITS = 40;
const IAMPORT_BUYER_NAME_UNITS = 16;

export function checkoutFor(deps: Deps, row: PaymentRow, user: UserRow, origin: string) {
  return {
    imp_code: deps.config.IAMPORT_IMP_CODE,
    sdk_url: deps.config.IAMPORT_SDK_URL,
    m_redirect_url: `${origin}/payments/return`,
    params: {
      pg: deps.config.IAMPORT_PG,
      pay_method: "card",
      merchant_uid: row.merchantUid,
      // Iamport's limits count UTF-16 units (name 40, buyer_name 16): cut there, never inside a character.
      name: cutText(row.name, IAMPORT_NAME_UNITS),
      amount: row.amount,
      currency: row.currency,
      buyer_email: user.email,
      buyer_name: cutText(user.name, IAMPORT_BUYER_NAME_UNITS),
    },
  };
}

/**
 * Creates the order and pins its amount at Iamport (prepare) before the row is written, so an unreachable Iamport
 * leaves nothing half-made. With an idempotency key, a repeat answers the first response without a second prepare.
 */
export async function createPayment(
  deps: Deps,
  user: UserRow,
  input: CreatePaymentInput,
  origin: string,
  idempotencyKey?: string,
): Promise<StoredResponse> {
  const key: KeyRef | undefined = idempotencyKey
    ? { userId: user.id, scope: "POST /api/payments", key: idempotencyKey }
    : undefined;
  // The response is stored in the same batch as the order row (see createPrepared).
  return runIdempotently(deps, key, [input.name, input.amount], () => createPrepared(deps, user, input, origin, key), {
    storedByWork: true,
  });
}

async function createPrepared(
  deps: Deps,
  user: UserRow,
  input: CreatePaymentInput,
  origin: string,
  key: KeyRef | undefined,
): Promise<StoredResponse> {
  for (let attempt = 0; ; attempt++) {
    const uid = await merchantUid(user.id, deps.now(), deps.randomBytes);
    try {
      await deps.iamport.prepare({ merchant_uid: uid, amount: input.amount, currency: "KRW" });
    } catch (e) {
      throw gatewayFailure(e);
    }
    const now = deps.now();
    const row: PaymentRow = {
      id: 0,
      merchantUid: uid,
      userId: user.id,
      impUid: null,
      name: input.name,
      amount: input.amount,
      currency: "KRW",
      method: null,
      status: "ready",
      cancelledAmount: 0,
      reservedAmount: 0,
      failReason: null,
      createdAt: now,
      updatedAt: now,
      paidAt: null,
      cancelledAt: null,
      validationQueuedAt: null,
      nextRecheckAt: null,
    };
    const { id: _id, ...values } = row;
    const response = { status: 201, body: { ...presentPayment(row), checkout: checkoutFor(deps, row, user, origin) } };
    try {
      const insert = deps.db.insert(payments).values(values);
      if (key) await deps.db.batch([insert, storeResponse(deps.db, key, response.status, response.body)]);
      else await insert.run();
      return response;
    } catch (e) {
      // 128 random bits make this all but impossible; if it happens, a fresh id is the whole fix.
      if (isUniqueViolation(e, "merchant_uid") && attempt < 3) continue;
      throw e;
    }
  }
}

