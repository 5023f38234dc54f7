import { env } from "cloudflare:workers";
import { createProduct, type PriceInput } from "../../src/services/catalogue";
import { depsFor } from "../../src/services/deps";
import { presentProduct } from "../../src/services/present";
import { call, json, type TestUser } from "./http";

export type ProductJson = ReturnType<typeof presentProduct>;

/** A product of its own for one test (catalogue state is shared by all test files), made through the service. */
export async function makeProduct(a: { name?: string; prices: PriceInput[]; active?: boolean }): Promise<ProductJson> {
  const tag = crypto.randomUUID().slice(0, 8);
  const made = await createProduct(depsFor(env), {
    slug: `test-${tag}`,
    name: a.name ?? `Product ${tag}`,
    description: "",
    active: a.active ?? true,
    prices: a.prices,
  });
  return presentProduct(made.product, made.prices);
}

/** One product with one one-off price; returns the price id with the product. */
export async function oneOff(amount: number, name?: string) {
  const product = await makeProduct({ name, prices: [{ amount }] });
  return { product, priceId: product.prices[0]!.id };
}

export const orderItems = (
  user: TestUser,
  items: Array<{ price_id: string; quantity: number }>,
  headers: Record<string, string> = {},
) => call("POST", "/api/payments", { token: user.token, body: { items }, headers });

/** Orders through the API and returns the 201 body (with `checkout` and `line_items`). */
export async function createCatalogueOrder(user: TestUser, items: Array<{ price_id: string; quantity: number }>, headers: Record<string, string> = {}) {
  const res = await orderItems(user, items, headers);
  if (res.status !== 201) throw new Error(`order failed: ${res.status} ${await res.text()}`);
  return json(res);
}

export const itemsOf = async (merchantUid: string) =>
  (
    await env.DB.prepare(
      "SELECT i.* FROM order_items i JOIN payments p ON p.id = i.payment_id WHERE p.merchant_uid = ? ORDER BY i.position",
    )
      .bind(merchantUid)
      .all<any>()
  ).results;

export const ordersOf = async (userId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM payments WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;
