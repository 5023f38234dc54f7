import type { FieldIssue } from "../lib/field-issues";
import { AppError, type ErrorCode } from "./errors";
import { cutText } from "./text";

// The catalogue's rules, pure: how an order's lines are priced from the server's own prices, and what Iamport is
// told the order is called. The request names prices and quantities only; every amount comes from here.

export const PRODUCT_ID_PATTERN = /^prod_[A-Za-z0-9_]{1,40}$/;
export const PRICE_ID_PATTERN = /^price_[A-Za-z0-9_]{1,40}$/;
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const MAX_QUANTITY = 99;
export const MAX_ORDER_LINES = 20;
/** The smallest card payment Iamport's PGs take (KG Inicis, KakaoPay, KCP test: 100 KRW). */
export const MIN_ORDER_AMOUNT = 100;
/** Iamport's `name` is at most 40 characters (UTF-16 units, as its own limits count). */
export const IAMPORT_NAME_MAX = 40;

export const INTERVALS = ["month", "year"] as const;
export type Interval = (typeof INTERVALS)[number];
/** At most three years between two charges (as Stripe allows), and at most two years of trial. */
export const MAX_INTERVAL_COUNT: Record<Interval, number> = { month: 36, year: 3 };
export const MAX_TRIAL_DAYS = 730;

/** A price as an order sees it: its terms, and whether it and its product are still sold. */
export interface SellablePrice {
  id: string;
  productId: string;
  productName: string;
  productActive: boolean;
  label: string | null;
  amount: number;
  interval: Interval | null;
  active: boolean;
}

export interface RequestedItem {
  price_id: string;
  quantity: number;
}

/** One line of an order, as it is stored and shown: a snapshot, never re-read from the catalogue. */
export interface OrderLine {
  priceId: string;
  productId: string;
  productName: string;
  priceLabel: string | null;
  unitAmount: number;
  quantity: number;
  amount: number;
}

export interface PricedOrder {
  lines: OrderLine[];
  amount: number;
  /** What Iamport's payment window shows, e.g. "Americano 외 2건". */
  name: string;
}

const refuse = (code: ErrorCode, problems: FieldIssue[], extra: Record<string, unknown> = {}) =>
  new AppError(400, code, problems.map((p) => `${p.field}: ${p.message}`).join("; "), { fields: problems, ...extra });

/**
 * Prices the requested items from the catalogue's rows. Unknown, inactive and recurring prices are refused by
 * field (items.N.price_id); so is a total outside [MIN_ORDER_AMOUNT, maxAmount], before anyone calls Iamport.
 */
export function priceOrder(items: RequestedItem[], found: ReadonlyMap<string, SellablePrice>, maxAmount: number): PricedOrder {
  const unavailable: FieldIssue[] = [];
  const lines: OrderLine[] = [];
  items.forEach((item, i) => {
    const field = `items.${i}.price_id`;
    const price = found.get(item.price_id);
    if (!price) unavailable.push({ field, code: "not_in_catalogue", message: "is not a price in this shop's catalogue" });
    else if (!price.active || !price.productActive) unavailable.push({ field, code: "not_on_sale", message: "is no longer on sale" });
    else if (price.interval !== null) {
      unavailable.push({ field, code: "recurring_price", message: "is a recurring price; subscribe to it instead of ordering it" });
    }
    else {
      lines.push({
        priceId: price.id,
        productId: price.productId,
        productName: price.productName,
        priceLabel: price.label,
        unitAmount: price.amount,
        quantity: item.quantity,
        amount: price.amount * item.quantity,
      });
    }
  });
  if (unavailable.length > 0) throw refuse("price_unavailable", unavailable);
  const amount = lines.reduce((sum, l) => sum + l.amount, 0);
  // The range travels with the refusal so a page can say it in the buyer's words and currency format.
  const range = { amount, min_amount: MIN_ORDER_AMOUNT, max_amount: maxAmount };
  if (amount < MIN_ORDER_AMOUNT) {
    const message = `the total ₩${amount} is below the minimum of ₩${MIN_ORDER_AMOUNT}`;
    throw refuse("amount_out_of_range", [{ field: "items", code: "too_small", min: MIN_ORDER_AMOUNT, message }], range);
  }
  if (amount > maxAmount) {
    const message = `the total ₩${amount} is over the limit of ₩${maxAmount}`;
    throw refuse("amount_out_of_range", [{ field: "items", code: "too_large", max: maxAmount, message }], range);
  }
  return { lines, amount, name: orderName(lines) };
}

/** A line's display name: the product's, with the price's label when it has one ("Café latte (Large)"). */
export const lineName = (l: Pick<OrderLine, "productName" | "priceLabel">) =>
  l.priceLabel ? `${l.productName} (${l.priceLabel})` : l.productName;

/**
 * The order's name for Iamport: the first line, and "외 N건" for the N other lines (Korean shops' convention),
 * within Iamport's 40 units, the first name cut at a character boundary so the count always shows.
 */
export function orderName(lines: Pick<OrderLine, "productName" | "priceLabel">[]): string {
  const first = lineName(lines[0]!);
  const suffix = lines.length > 1 ? ` 외 ${lines.length - 1}건` : "";
  return cutText(first, IAMPORT_NAME_MAX - suffix.length, "…") + suffix;
}
