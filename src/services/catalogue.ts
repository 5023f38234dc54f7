import { assertPreviousChanged, clearGuard, isLostRace } from "../db/guard";
import { runBatch, statement } from "../db/batch";
import {
  deactivatePriceOf,
  findPrice,
  findProduct,
  insertPrice,
  insertProduct,
  listCatalogue,
  sellablePricesQuery,
  updatePrice as writePriceUpdate,
  updateProduct as writeProductUpdate,
  type NewPrice,
} from "../db/catalogue";
import { isUniqueViolation } from "../db/client";
import type { PriceRow, ProductRow } from "../db/schema";
import { priceOrder, type Interval, type PricedOrder, type RequestedItem } from "../domain/catalogue";
import { AppError, conflict, notFound } from "../domain/errors";
import { toHex } from "../lib/crypto";
import type { Deps } from "./deps";

// The catalogue's use cases: the shop's public view, the admin's writes, and pricing a cart without ordering it.

export interface PriceInput {
  amount: number;
  label?: string | null;
  recurring?: { interval: Interval; interval_count: number; trial_days: number } | null;
}

export interface ProductInput {
  slug: string;
  name: string;
  description: string;
  active: boolean;
  prices: PriceInput[];
}

const newId = (deps: Deps, prefix: "prod" | "price") => `${prefix}_${toHex(deps.randomBytes(12))}`;

const slugTaken = () =>
  conflict("slug_taken", "slug: another product already uses this slug.", {
    fields: [{ field: "slug", code: "taken", message: "is taken" }],
  });

function refuseOverLimit(deps: Deps, amount: number, field: string) {
  const max = deps.config.MAX_PAYMENT_AMOUNT;
  if (amount > max) {
    throw new AppError(400, "invalid_request", `${field}: must be at most ${max} (MAX_PAYMENT_AMOUNT)`, {
      fields: [{ field, code: "too_large", max, message: `must be at most ${max}` }],
    });
  }
}

function priceRow(deps: Deps, productId: string, p: PriceInput, now: number, replaces: string | null = null): NewPrice {
  return {
    id: newId(deps, "price"),
    productId,
    label: p.label ?? null,
    amount: p.amount,
    currency: "KRW",
    interval: p.recurring?.interval ?? null,
    intervalCount: p.recurring?.interval_count ?? null,
    trialDays: p.recurring ? p.recurring.trial_days : null,
    active: true,
    replacesPriceId: replaces,
    createdAt: now,
    updatedAt: now,
  };
}

/** What the shop sells now: active products with their active prices. One round trip. */
export const listShopCatalogue = (deps: Pick<Deps, "db">) => listCatalogue(deps.db, { activeOnly: true });

/** Everything, sold or not, for the admin. */
export const listAdminCatalogue = (deps: Pick<Deps, "db">) => listCatalogue(deps.db, { activeOnly: false });

export async function getProduct(deps: Pick<Deps, "db">, productId: string) {
  const [found] = await listCatalogue(deps.db, { activeOnly: false, productId });
  if (!found) throw notFound("product");
  return found;
}

/** A product and its first prices, written together or not at all. */
export async function createProduct(deps: Deps, input: ProductInput): Promise<{ product: ProductRow; prices: PriceRow[] }> {
  input.prices.forEach((p, i) => refuseOverLimit(deps, p.amount, `prices.${i}.amount`));
  const now = deps.now();
  const product: ProductRow = {
    id: newId(deps, "prod"),
    slug: input.slug,
    name: input.name,
    description: input.description,
    active: input.active,
    createdAt: now,
    updatedAt: now,
  };
  const prices = input.prices.map((p) => priceRow(deps, product.id, p, now) as PriceRow);
  try {
    await runBatch(deps.db, [
      statement(deps.db, insertProduct(deps.db, product)),
      ...prices.map((p) => statement(deps.db, insertPrice(deps.db, p))),
    ]);
  } catch (e) {
    if (isUniqueViolation(e, "products.slug")) throw slugTaken();
    throw e;
  }
  return { product, prices };
}

export async function updateProduct(
  deps: Deps,
  productId: string,
  patch: Partial<Pick<ProductRow, "slug" | "name" | "description" | "active">>,
): Promise<ProductRow> {
  let row: ProductRow | undefined;
  try {
    row = await writeProductUpdate(deps.db, productId, patch, deps.now());
  } catch (e) {
    if (isUniqueViolation(e, "products.slug")) throw slugTaken();
    throw e;
  }
  if (!row) throw notFound("product");
  return row;
}

/**
 * Adds a price to a product. With `replaces`, this is how a price "changes": the new price is created and the old
 * one stops being sold in the same atomic batch, only if the old one is still an active price of this product.
 * Orders and subscriptions made with the old price keep it.
 */
export async function addPrice(
  deps: Deps,
  productId: string,
  input: PriceInput & { replaces?: string | null },
): Promise<{ price: PriceRow; replaced: PriceRow | null }> {
  refuseOverLimit(deps, input.amount, "amount");
  const product = await findProduct(deps.db, productId);
  if (!product) throw notFound("product");
  const now = deps.now();
  const price = priceRow(deps, productId, input, now, input.replaces ?? null) as PriceRow;
  const insert = statement(deps.db, insertPrice(deps.db, price));
  if (!input.replaces) {
    await insert.run();
    return { price, replaced: null };
  }
  try {
    await runBatch(deps.db, [
      insert,
      statement(deps.db, deactivatePriceOf(deps.db, { priceId: input.replaces, productId, now })),
      assertPreviousChanged(deps.db),
      clearGuard(deps.db),
    ]);
  } catch (e) {
    if (isLostRace(e)) {
      throw conflict("price_not_replaceable", "replaces: is not an active price of this product.", {
        fields: [{ field: "replaces", code: "not_on_sale", message: "is not an active price of this product" }],
      });
    }
    throw e;
  }
  return { price, replaced: (await findPrice(deps.db, input.replaces))! };
}

/** Only a price's label and whether it is sold can change; its terms never do (a new price is made instead). */
export async function updatePrice(deps: Deps, priceId: string, patch: Partial<Pick<PriceRow, "label" | "active">>) {
  const row = await writePriceUpdate(deps.db, priceId, patch, deps.now());
  if (!row) throw notFound("price");
  return row;
}

/**
 * Prices a cart exactly as an order would be priced, without making one: the shop page shows this total, so
 * what the buyer sees is what the server will charge. One round trip.
 */
export async function quoteOrder(deps: Deps, items: RequestedItem[]): Promise<PricedOrder> {
  const rows = await sellablePricesQuery(deps.db, items.map((i) => i.price_id)).all();
  return priceOrder(items, new Map(rows.map((p) => [p.id, p])), deps.config.MAX_PAYMENT_AMOUNT);
}
