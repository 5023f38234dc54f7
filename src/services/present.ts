// The JSON shapes of the public API, in one place, so stored idempotent responses match live ones. Each presenter
// is typed by the zod schema beside it, and those schemas are what the OpenAPI document shows (src/openapi): the
// compiler holds the documented shape to the produced one, and the contract tests hold the answers to both.
import * as z from "zod";
import type { PaymentEventRow, PaymentRow, PriceRow, ProductRow, RefundRow, RoleChangeRow, UserRow } from "../db/schema";
import { payments as paymentsTable } from "../db/schema";
import { INTERVALS, type OrderLine } from "../domain/catalogue";
import { ERROR_CODES, type ErrorCode } from "../domain/errors";
import { EVENT_SOURCES, holdsMoney, PAYMENT_STATUSES } from "../domain/payment-state";
import { iso } from "../lib/time";

// A time as toISOString() writes it; the format (not a long pattern) is what the document shows and tests check.
const time = () => z.string().meta({ format: "date-time", description: "ISO 8601, UTC" });
const won = (description: string) => z.number().int().meta({ description: `${description} (integer KRW)` });
const ROLES = ["user", "admin"] as const;
const REFUND_SOURCES = ["iamport", ...EVENT_SOURCES] as const;

export const ErrorJson = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: "Stable snake_case code; each operation lists the codes it may answer." }),
      message: z.string().meta({ description: "For people; may change." }),
      details: z.unknown().optional().meta({ description: "Structured detail, e.g. `fields` for invalid_request." }),
    }),
  })
  .meta({ id: "Error", description: "Every error pocketpay answers." });

export const presentError = (code: ErrorCode, message: string, details?: unknown): z.output<typeof ErrorJson> => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

export const UserJson = z
  .object({
    id: z.string(),
    email: z.email(),
    name: z.string(),
    is_admin: z.boolean(),
    created_at: time(),
  })
  .meta({ id: "User" });

export const presentUser = (user: UserRow): z.output<typeof UserJson> => ({
  id: user.id,
  email: user.email,
  name: user.name,
  is_admin: user.role === "admin",
  created_at: iso(user.createdAt)!,
});

export const LineItemJson = z
  .object({
    price_id: z.string(),
    product_id: z.string(),
    name: z.string().meta({ description: "The product's name when the order was made." }),
    label: z.string().nullable().meta({ description: "The price's label when the order was made (e.g. a size)." }),
    unit_amount: won("The price's amount"),
    quantity: z.number().int().min(1),
    amount: won("unit_amount × quantity"),
  })
  .meta({ id: "LineItem", description: "One line of a catalogue order, as it was priced then (never re-read from the catalogue)." });

export const presentLineItem = (l: OrderLine): z.output<typeof LineItemJson> => ({
  price_id: l.priceId,
  product_id: l.productId,
  name: l.productName,
  label: l.priceLabel,
  unit_amount: l.unitAmount,
  quantity: l.quantity,
  amount: l.amount,
});

export const QuoteJson = z
  .object({
    amount: won("What the order will cost"),
    currency: z.literal("KRW"),
    name: z.string().meta({ description: "The order's name as Iamport's payment window will show it (e.g. `Americano 외 2건`)." }),
    line_items: z.array(LineItemJson),
  })
  .meta({ id: "Quote" });

/** The kinds the payments table holds (a CHECK trigger refuses others), so the document follows the schema. */
const PAYMENT_KINDS = paymentsTable.kind.enumValues;

export const PaymentJson = z
  .object({
    merchant_uid: z.string().meta({ description: "pocketpay's order id: `pay_` and 32 hex characters." }),
    imp_uid: z.string().nullable().meta({ description: "Iamport's payment id, once the buyer has paid." }),
    kind: z.enum(PAYMENT_KINDS).meta({
      description: "`catalogue`: priced by the server from the catalogue's prices; `custom_amount`: an amount the buyer named (where the shop takes them).",
    }),
    name: z.string(),
    amount: won("The order's amount"),
    currency: z.literal("KRW"),
    method: z.string().nullable().meta({ description: "Iamport's pay_method, once known (card, trans, vbank, …)." }),
    status: z.enum(PAYMENT_STATUSES),
    cancelled_amount: won("Refunded so far"),
    refundable_amount: won("What may still be refunded: 0 unless paid or partially cancelled, less pending refunds"),
    fail_reason: z.string().nullable(),
    created_at: time(),
    updated_at: time(),
    paid_at: time().nullable(),
    cancelled_at: time().nullable(),
    line_items: z.array(LineItemJson).optional().meta({
      description: "What a catalogue order was made of, as it was then: in the order's creation, the list and the detail; none for a custom amount.",
    }),
  })
  .meta({ id: "Payment" });

/**
 * A payment. `line_items` (what a catalogue order was made of, as it was then) is there wherever the items were
 * read with the row: order creation, the list and the detail; a custom amount has none.
 */
export const presentPayment = (p: PaymentRow, items?: readonly OrderLine[]): z.output<typeof PaymentJson> => ({
  merchant_uid: p.merchantUid,
  imp_uid: p.impUid,
  kind: p.kind,
  name: p.name,
  amount: p.amount,
  currency: p.currency as "KRW",
  method: p.method,
  status: p.status,
  cancelled_amount: p.cancelledAmount,
  refundable_amount: holdsMoney(p.status) ? p.amount - p.cancelledAmount - p.reservedAmount : 0,
  fail_reason: p.failReason,
  created_at: iso(p.createdAt)!,
  updated_at: iso(p.updatedAt)!,
  paid_at: iso(p.paidAt),
  cancelled_at: iso(p.cancelledAt),
  ...(items ? { line_items: items.map(presentLineItem) } : {}),
});

export const PriceJson = z
  .object({
    id: z.string(),
    product_id: z.string(),
    label: z.string().nullable(),
    amount: won("The price"),
    currency: z.literal("KRW"),
    type: z.enum(["one_time", "recurring"]),
    recurring: z
      .object({
        interval: z.enum(INTERVALS),
        interval_count: z.number().int().min(1),
        trial_days: z.number().int().min(0),
      })
      .nullable()
      .meta({ description: "For a recurring price: billed every `interval_count` months or years, after `trial_days` free days." }),
    active: z.boolean().meta({ description: "Orders may name only active prices of active products." }),
    replaces_price_id: z.string().nullable().meta({ description: "The price this one replaced (a price's terms never change)." }),
    created_at: time(),
    updated_at: time(),
  })
  .meta({ id: "Price" });

export const presentPrice = (p: PriceRow): z.output<typeof PriceJson> => ({
  id: p.id,
  product_id: p.productId,
  label: p.label,
  amount: p.amount,
  currency: p.currency as "KRW",
  type: p.interval === null ? ("one_time" as const) : ("recurring" as const),
  recurring:
    p.interval === null ? null : { interval: p.interval, interval_count: p.intervalCount!, trial_days: p.trialDays ?? 0 },
  active: p.active,
  replaces_price_id: p.replacesPriceId,
  created_at: iso(p.createdAt)!,
  updated_at: iso(p.updatedAt)!,
});

export const ProductJson = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    active: z.boolean(),
    prices: z.array(PriceJson),
    created_at: time(),
    updated_at: time(),
  })
  .meta({ id: "Product" });

export const presentProduct = (p: ProductRow, prices: readonly PriceRow[]): z.output<typeof ProductJson> => ({
  id: p.id,
  slug: p.slug,
  name: p.name,
  description: p.description,
  active: p.active,
  prices: prices.map(presentPrice),
  created_at: iso(p.createdAt)!,
  updated_at: iso(p.updatedAt)!,
});

export const ProductListJson = z.object({ items: z.array(ProductJson) }).meta({ id: "ProductList" });

export const NewPriceResultJson = z
  .object({
    price: PriceJson,
    replaced: PriceJson.nullable().meta({ description: "The price named in `replaces`, now retired (inactive)." }),
  })
  .meta({ id: "NewPriceResult" });

const IamportCheckoutJson = z
  .object({
    gateway: z.literal("iamport-v1").meta({ description: "This deployment's gateway (GATEWAY): Iamport V1." }),
    imp_code: z.string().meta({ description: "For `IMP.init(imp_code)`." }),
    sdk_url: z.string().meta({ description: "Where the Iamport browser SDK is loaded from." }),
    m_redirect_url: z.url().meta({ description: "Where Iamport sends a mobile buyer back (GET /payments/return)." }),
    params: z
      .object({
        pg: z.string(),
        pay_method: z.literal("card"),
        merchant_uid: z.string(),
        name: z.string(),
        amount: z.number().int(),
        currency: z.literal("KRW"),
        buyer_email: z.string(),
        buyer_name: z.string(),
      })
      .meta({ description: "Exactly what to pass to `IMP.request_pay(params, callback)`." }),
  })
  .meta({ id: "IamportCheckout", title: "Iamport V1 checkout" });

const PortoneCheckoutJson = z
  .object({
    gateway: z.literal("portone-v2").meta({ description: "This deployment's gateway (GATEWAY): PortOne V2." }),
    sdk_url: z.string().meta({ description: "Where PortOne's V2 browser SDK is loaded from." }),
    redirect_url: z.url().meta({
      description: "Pass as `request.redirectUrl` where the window redirects (phones): the buyer comes back to GET /payments/return.",
    }),
    request: z
      .object({
        storeId: z.string(),
        channelKey: z.string(),
        paymentId: z.string().meta({ description: "The order's merchant_uid, whose amount is pre-registered at PortOne." }),
        orderName: z.string(),
        totalAmount: z.number().int(),
        currency: z.literal("KRW"),
        payMethod: z.literal("CARD"),
        customer: z.object({ customerId: z.string(), fullName: z.string(), email: z.string() }),
      })
      .meta({
        description:
          "What to pass to `PortOne.requestPayment(request)` (add `redirectUrl` and `windowType` for the page's mode); " +
          "then send what it resolves to, `{payment_id, tx_id}`, to `complete`.",
      }),
  })
  .meta({ id: "PortoneCheckout", title: "PortOne V2 checkout" });

export const CheckoutJson = z
  .discriminatedUnion("gateway", [IamportCheckoutJson, PortoneCheckoutJson])
  .meta({ id: "Checkout", description: "How the buyer's browser opens the payment window of the deployment's gateway." });

export const CreatedPaymentJson = PaymentJson.extend({ checkout: CheckoutJson }).meta({ id: "CreatedPayment" });

export const PaymentEventJson = z
  .object({
    from: z.enum(PAYMENT_STATUSES).nullable(),
    to: z.enum(PAYMENT_STATUSES),
    source: z.enum(EVENT_SOURCES),
    reason: z.string().nullable(),
    at: time(),
  })
  .meta({ id: "PaymentEvent" });

export const presentEvent = (e: PaymentEventRow): z.output<typeof PaymentEventJson> => ({
  from: e.fromStatus as z.output<typeof PaymentEventJson>["from"],
  to: e.toStatus as z.output<typeof PaymentEventJson>["to"],
  source: e.source,
  reason: e.reason,
  at: iso(e.createdAt)!,
});

export const RefundJson = z
  .object({
    id: z.number().int(),
    amount: won("Refunded amount"),
    reason: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    source: z.enum(REFUND_SOURCES).meta({
      description:
        "`admin`: asked through pocketpay; `iamport`: found in Iamport's cancel_history (a cancel made in its console); " +
        "otherwise what found the rejected payment that was refunded automatically.",
    }),
    cancellation_id: z.string().nullable(),
    fail_reason: z.string().nullable(),
    created_at: time(),
    updated_at: time(),
  })
  .meta({ id: "Refund" });

export const presentRefund = (r: RefundRow): z.output<typeof RefundJson> => ({
  id: r.id,
  amount: r.amount,
  reason: r.reason,
  status: r.status,
  source: r.source as z.output<typeof RefundJson>["source"],
  cancellation_id: r.cancellationId,
  fail_reason: r.failReason,
  created_at: iso(r.createdAt)!,
  updated_at: iso(r.updatedAt)!,
});

export const PaymentDetailJson = PaymentJson.extend({
  events: z.array(PaymentEventJson).meta({ description: "The timeline, oldest first." }),
  refunds: z.array(RefundJson),
}).meta({ id: "PaymentDetail" });

export const RefundResultJson = z.object({ refund: RefundJson, payment: PaymentJson }).meta({ id: "RefundResult" });

export const AdminJson = z
  .object({ email: z.string(), name: z.string(), since: time().nullable(), granted_by: z.string().nullable() })
  .meta({ id: "Admin" });

export const presentAdmin = (a: { email: string; name: string; since: number | null; by: string | null }): z.output<typeof AdminJson> => ({
  email: a.email,
  name: a.name,
  since: iso(a.since),
  granted_by: a.by,
});

export const RoleChangeJson = z
  .object({ email: z.string(), from: z.enum(ROLES).nullable(), to: z.enum(ROLES), by: z.string(), at: time() })
  .meta({ id: "RoleChange" });

export const presentRoleChange = (c: RoleChangeRow): z.output<typeof RoleChangeJson> => ({
  email: c.email,
  from: c.fromRole as z.output<typeof RoleChangeJson>["from"],
  to: c.toRole as z.output<typeof RoleChangeJson>["to"],
  by: c.changedBy,
  at: iso(c.createdAt)!,
});
