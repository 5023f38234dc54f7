import { Hono } from "hono";
import type * as z from "zod";
import { describe } from "../openapi/describe";
import { listShopCatalogue } from "../services/catalogue";
import { presentProduct, ProductListJson } from "../services/present";
import type { AppEnv } from "../types";
import { deps } from "./shared";

/** The public catalogue: active products with their active prices (one-off and recurring). */
export const productRoutes = new Hono<AppEnv>().get(
  "/",
  describe({
    operationId: "listProducts",
    summary: "The shop's catalogue",
    description:
      "Active products with their active prices, one-off and recurring. An order names one-off prices by `id` " +
      "(`POST /api/payments`); recurring prices are for subscriptions. No session needed.",
    tags: ["Catalogue"],
    responses: { 200: { description: "The catalogue.", body: ProductListJson } },
  }),
  async (c) => {
    const catalogue = await listShopCatalogue(deps(c));
    return c.json({ items: catalogue.map((p) => presentProduct(p.product, p.prices)) } satisfies z.output<typeof ProductListJson>);
  },
);
