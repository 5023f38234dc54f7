import { Hono } from "hono";
import { listShopCatalogue } from "../services/catalogue";
import { presentProduct } from "../services/present";
import type { AppEnv } from "../types";
import { deps } from "./shared";

/** The public catalogue: active products with their active prices (one-off and recurring). */
export const productRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const catalogue = await listShopCatalogue(deps(c));
  return c.json({ items: catalogue.map((p) => presentProduct(p.product, p.prices)) });
});
