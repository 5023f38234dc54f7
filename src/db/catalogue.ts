import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { prices, products, type PriceRow, type ProductRow } from "./schema";

// Products and prices. Reads come as query builders where a caller may batch them with its own (see
// services/session.ts); writes that must happen together are returned as statements for one batch.

export type NewProduct = typeof products.$inferInsert;
export type NewPrice = typeof prices.$inferInsert;

export interface ProductWithPrices {
  product: ProductRow;
  prices: PriceRow[];
}

/** Products with their prices, in one batch; `activeOnly` is the public shop's view. */
export async function listCatalogue(db: Db, opts: { activeOnly: boolean; productId?: string }): Promise<ProductWithPrices[]> {
  const productWhere = and(
    opts.activeOnly ? eq(products.active, true) : undefined,
    opts.productId ? eq(products.id, opts.productId) : undefined,
  );
  const priceWhere: SQL | undefined = and(
    opts.activeOnly ? and(eq(prices.active, true), eq(products.active, true)) : undefined,
    opts.productId ? eq(prices.productId, opts.productId) : undefined,
  );
  const [productRows, priceRows] = await db.batch([
    db.select().from(products).where(productWhere).orderBy(asc(products.createdAt), asc(products.id)),
    db
      .select({ price: prices })
      .from(prices)
      .innerJoin(products, eq(products.id, prices.productId))
      .where(priceWhere)
      .orderBy(asc(prices.amount), asc(prices.createdAt), asc(prices.id)),
  ]);
  const byProduct = new Map<string, PriceRow[]>();
  for (const { price } of priceRows) {
    const list = byProduct.get(price.productId) ?? [];
    list.push(price);
    byProduct.set(price.productId, list);
  }
  return productRows.map((product) => ({ product, prices: byProduct.get(product.id) ?? [] }));
}

/**
 * The prices an order names, with their product's name and state: a query to batch with the session. The
 * product's columns are aliased because D1 batches key rows by column name (prices.active vs products.active).
 */
export const sellablePricesQuery = (db: Db, priceIds: string[]) =>
  db
    .select({
      id: prices.id,
      productId: prices.productId,
      productName: sql<string>`${products.name}`.as("product_name"),
      productActive: sql<boolean>`${products.active}`.mapWith(products.active).as("product_active"),
      label: prices.label,
      amount: prices.amount,
      interval: prices.interval,
      active: prices.active,
    })
    .from(prices)
    .innerJoin(products, eq(products.id, prices.productId))
    .where(inArray(prices.id, priceIds));

export const findProduct = (db: Db, id: string) => db.select().from(products).where(eq(products.id, id)).get();

export const findPrice = (db: Db, id: string) => db.select().from(prices).where(eq(prices.id, id)).get();

export const insertProduct = (db: Db, row: NewProduct) => db.insert(products).values(row);

export const insertPrice = (db: Db, row: NewPrice) => db.insert(prices).values(row);

export const updateProduct = (db: Db, id: string, set: Partial<Pick<ProductRow, "slug" | "name" | "description" | "active">>, now: number) =>
  db.update(products).set({ ...set, updatedAt: now }).where(eq(products.id, id)).returning().get();

export const updatePrice = (db: Db, id: string, set: Partial<Pick<PriceRow, "label" | "active">>, now: number) =>
  db.update(prices).set({ ...set, updatedAt: now }).where(eq(prices.id, id)).returning().get();

/** Stops selling a price, only if it is still sold and belongs to `productId` (the compare-and-set of a replace). */
export const deactivatePriceOf = (db: Db, a: { priceId: string; productId: string; now: number }) =>
  db
    .update(prices)
    .set({ active: false, updatedAt: a.now })
    .where(and(eq(prices.id, a.priceId), eq(prices.productId, a.productId), eq(prices.active, true)));
