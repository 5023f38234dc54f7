import { iamportSettings, portoneSettings } from "../config";
import { runBatch, statement } from "../db/batch";
import { sellablePricesQuery } from "../db/catalogue";
import { isUniqueViolation } from "../db/client";
import { isLostRace } from "../db/guard";
import { storeResponse, type KeyRef } from "../db/idempotency";
import { insertOrderStatements } from "../db/payments";
import type { PaymentRow, UserRow } from "../db/schema";
import type { IamportCheckoutParams, PortoneCheckoutParams } from "../domain/checkout-params";
import { IAMPORT_NAME_MAX, priceOrder, type PricedOrder, type RequestedItem, type SellablePrice } from "../domain/catalogue";
import { AppError, conflict } from "../domain/errors";
import { merchantUid } from "../domain/merchant-uid";
import { cutText } from "../domain/text";
import type { Deps } from "./deps";
import { gatewayFailure } from "./gateway-errors";
import { runIdempotently, type StoredResponse } from "./idempotency";
import { presentPayment } from "./present";
import type { LiveSession, SessionLookup } from "./session";

/** What the buyer asks for: prices from the catalogue, or (where the shop allows it) an amount they name. */
export type CreateOrderInput =
  | { kind: "catalogue"; items: RequestedItem[] }
  | { kind: "custom_amount"; name: string; amount: number };

const IAMPORT_BUYER_NAME_UNITS = 16;

/** Where a redirection window (V1 m_redirect_url, V2 redirectUrl) brings the buyer back: GET /payments/return. */
const returnUrl = (origin: string) => `${origin}/payments/return`;

/** The parameters the buyer's browser opens the chosen gateway's payment window with, for a pre-registered order. */
export function checkoutFor(deps: Deps, row: PaymentRow, user: UserRow, origin: string): IamportCheckoutParams | PortoneCheckoutParams {
  return deps.config.GATEWAY === "portone-v2" ? portoneCheckout(deps, row, user, origin) : iamportCheckout(deps, row, user, origin);
}

function iamportCheckout(deps: Deps, row: PaymentRow, user: UserRow, origin: string) {
  const iamport = iamportSettings(deps.config);
  return {
    gateway: "iamport-v1" as const,
    imp_code: iamport.impCode,
    sdk_url: iamport.sdkUrl,
    m_redirect_url: returnUrl(origin),
    params: {
      pg: iamport.pg,
      pay_method: "card",
      merchant_uid: row.merchantUid,
      // Iamport's limits count UTF-16 units (name 40, buyer_name 16): cut there, never inside a character.
      name: cutText(row.name, IAMPORT_NAME_MAX),
      amount: row.amount,
      currency: row.currency,
      buyer_email: user.email,
      buyer_name: cutText(user.name, IAMPORT_BUYER_NAME_UNITS),
    },
  };
}

/**
 * PortOne V2's PortOne.requestPayment(request) (browser-sdk PaymentRequest): paymentId is our merchant_uid, whose
 * amount was pre-registered, so the window cannot charge another. The PGs behind V2 keep V1's limits on the order
 * name and the buyer's name, so they are cut the same way. The page adds redirectUrl and windowType for its mode
 * (domain/portone-window.ts paymentRequest).
 */
function portoneCheckout(deps: Deps, row: PaymentRow, user: UserRow, origin: string): PortoneCheckoutParams {
  const portone = portoneSettings(deps.config);
  return {
    gateway: "portone-v2",
    sdk_url: portone.sdkUrl,
    redirect_url: returnUrl(origin),
    request: {
      storeId: portone.storeId,
      channelKey: portone.channelKey,
      paymentId: row.merchantUid,
      orderName: cutText(row.name, IAMPORT_NAME_MAX),
      totalAmount: row.amount,
      currency: "KRW",
      payMethod: "CARD",
      customer: { customerId: user.id, fullName: cutText(user.name, IAMPORT_BUYER_NAME_UNITS), email: user.email },
    },
  };
}

export const customAmountsDisabled = () =>
  new AppError(
    400,
    "custom_amount_disabled",
    "items: is required. This shop sells from its catalogue: send {items: [{price_id, quantity}]}.",
    { fields: [{ field: "items", code: "required", message: "is required" }] },
  );

/** Who is ordering, and the catalogue's rows for the prices the order names. */
export interface OrderContext {
  session: LiveSession;
  catalogue: ReadonlyMap<string, SellablePrice>;
}

/**
 * The buyer's session and the prices an order names, in one round trip: the session's lookup joins the prices'
 * read (SessionLookup.requireWith), and 401 comes before any price is used.
 */
export async function openOrder(deps: Deps, session: SessionLookup, priceIds: string[]): Promise<OrderContext> {
  if (priceIds.length === 0) return { session: await session.require(), catalogue: new Map() };
  const [live, [rows]] = await session.requireWith([sellablePricesQuery(deps.db, priceIds)] as const);
  return { session: live, catalogue: new Map(rows.map((p) => [p.id, p])) };
}

/**
 * Creates the order and pins its amount at Iamport (prepare) before the row is written, so an unreachable Iamport
 * leaves nothing half-made. A catalogue order's amount comes from the server's prices only (read with the session
 * by openOrder); the order, its line items and (with an Idempotency-Key) the response are written in one atomic
 * batch. A repeat with the same key answers the first response without a second prepare.
 */
export async function createPayment(
  deps: Deps,
  order: OrderContext,
  input: CreateOrderInput,
  origin: string,
  idempotencyKey?: string,
): Promise<StoredResponse> {
  const user = order.session.user;
  const catalogue = order.catalogue;
  if (input.kind === "custom_amount" && !deps.config.ALLOW_CUSTOM_AMOUNTS) throw customAmountsDisabled();
  const key: KeyRef | undefined = idempotencyKey ? { userId: user.id, scope: "POST /api/payments", key: idempotencyKey } : undefined;
  const fingerprint = input.kind === "catalogue" ? ["catalogue", input.items] : [input.name, input.amount];
  // Priced inside the idempotent work: a repeat of a finished request answers as the first did, even if a price
  // has been retired since.
  return await runIdempotently(
    deps,
    key,
    fingerprint,
    () => {
      const priced: PricedOrder =
        input.kind === "catalogue"
          ? priceOrder(input.items, catalogue, deps.config.MAX_PAYMENT_AMOUNT)
          : { lines: [], amount: input.amount, name: input.name };
      return createPrepared(deps, user, input.kind, priced, origin, key);
    },
    { storedByWork: true },
  );
}

async function createPrepared(
  deps: Deps,
  user: UserRow,
  kind: CreateOrderInput["kind"],
  order: PricedOrder,
  origin: string,
  key: KeyRef | undefined,
): Promise<StoredResponse> {
  for (let attempt = 0; ; attempt++) {
    const uid = await merchantUid(user.id, deps.now(), deps.randomBytes);
    try {
      await deps.gateway.preRegister({ merchantUid: uid, amount: order.amount, currency: "KRW" });
    } catch (e) {
      throw gatewayFailure(e);
    }
    const now = deps.now();
    const row: PaymentRow = {
      id: 0,
      merchantUid: uid,
      userId: user.id,
      impUid: null,
      kind,
      name: order.name,
      amount: order.amount,
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
      pendingValidationImpUid: null,
      watchedAt: null,
      nextRecheckAt: null,
      invoiceId: null,
      attempt: null,
    };
    const { id: _id, ...values } = row;
    const response = {
      status: 201,
      body: { ...presentPayment(row, order.lines), checkout: checkoutFor(deps, row, user, origin) },
    };
    const statements = insertOrderStatements(deps.db, values, order.lines);
    if (key) statements.push(statement(deps.db, storeResponse(deps.db, key, response.status, response.body)));
    try {
      if (statements.length === 1) await statements[0]!.run();
      else await runBatch(deps.db, statements);
      return response;
    } catch (e) {
      // 128 random bits make this all but impossible; if it happens, a fresh id is the whole fix.
      if (isUniqueViolation(e, "merchant_uid") && attempt < 3) continue;
      if (isLostRace(e)) {
        throw conflict("catalogue_changed", "A price in this order stopped being sold while the order was made. Nothing was charged; try again.");
      }
      throw e;
    }
  }
}
