import { Hono, type Context } from "hono";
import * as z from "zod";
import { INTERVALS, MAX_INTERVAL_COUNT, MAX_TRIAL_DAYS, PRICE_ID_PATTERN, PRODUCT_ID_PATTERN, SLUG_PATTERN } from "../domain/catalogue";
import { badRequest, notFound } from "../domain/errors";
import { safeText } from "../lib/text-schema";
import { jsonBody, readJson, parseWith } from "../lib/validate";
import { requireAdmin } from "../middleware/session";
import { addPrice, createProduct, getProduct, listAdminCatalogue, updatePrice, updateProduct } from "../services/catalogue";
import { presentPrice, presentProduct } from "../services/present";
import type { AppEnv } from "../types";
import { deps } from "./shared";

// The admin API for the catalogue. Products are edited in place (orders keep a snapshot of their names); a price's
// terms never change: "changing" one is POSTing a new price with `replaces`, which retires the old one.

const slug = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(SLUG_PATTERN, "must be lowercase letters, digits and single hyphens (e.g. gift-box)");

const productName = safeText({ max: 80 });
const description = safeText({ max: 1000, min: 0, multiline: true });
const label = safeText({ max: 40 }).nullable();

const PriceBody = z.strictObject({
  amount: z
    .number({ error: "must be a number" })
    .int("must be a whole number of won")
    .min(1, "must be at least 1"),
  label: label.optional(),
  recurring: z
    .strictObject({
      interval: z.enum(INTERVALS, { error: `must be one of ${INTERVALS.join(", ")}` }),
      interval_count: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(1),
      trial_days: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(0, "must be at least 0")
        .max(MAX_TRIAL_DAYS, `must be at most ${MAX_TRIAL_DAYS}`)
        .default(0),
    })
    .superRefine((r, ctx) => {
      const max = MAX_INTERVAL_COUNT[r.interval];
      if (r.interval_count > max) {
        ctx.addIssue({
          code: "custom",
          path: ["interval_count"],
          message: `must be at most ${max} for ${r.interval}ly prices`,
          params: { code: "too_large", max },
        });
      }
    })
    .nullable()
    .optional(),
});

const NewPriceBody = PriceBody.extend({
  replaces: z.string().regex(PRICE_ID_PATTERN, "is not a price id (price_…)").nullable().optional(),
});

const NewProductBody = z.strictObject({
  slug,
  name: productName,
  description: description.default(""),
  active: z.boolean({ error: "must be true or false" }).default(true),
  prices: z.array(PriceBody, { error: "must be a list of prices" }).max(20, "must hold at most 20 prices").default([]),
});

const ProductPatch = z
  .strictObject({
    slug: slug.optional(),
    name: productName.optional(),
    description: description.optional(),
    active: z.boolean({ error: "must be true or false" }).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "must change at least one of slug, name, description, active");

// A price's terms are named so the refusal can say what to do instead of "unknown field".
const TERMS = ["amount", "currency", "recurring", "interval", "interval_count", "trial_days", "product_id"];
const PricePatch = z
  .strictObject({ label: label.optional(), active: z.boolean({ error: "must be true or false" }).optional() })
  .refine((p) => Object.keys(p).length > 0, "must change label or active");

async function pricePatch(c: Context<AppEnv>) {
  const body = await readJson(c);
  const terms = body && typeof body === "object" ? TERMS.filter((k) => k in body) : [];
  if (terms.length > 0) {
    const message = "never changes: POST a new price to the product with `replaces` set to this price's id";
    throw badRequest("price_immutable", terms.map((t) => `${t}: ${message}`).join("; "), {
      fields: terms.map((field) => ({ field, code: "immutable", message })),
    });
  }
  return parseWith(PricePatch, body);
}

const productId = (c: Context<AppEnv>) => {
  const id = c.req.param("id") ?? "";
  if (!PRODUCT_ID_PATTERN.test(id)) throw notFound("product");
  return id;
};

export const adminCatalogueRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .get("/products", async (c) => {
    const all = await listAdminCatalogue(deps(c));
    return c.json({ items: all.map((p) => presentProduct(p.product, p.prices)) });
  })
  .post("/products", async (c) => {
    const body = await jsonBody(c, NewProductBody);
    const made = await createProduct(deps(c), body);
    return c.json(presentProduct(made.product, made.prices), 201);
  })
  .get("/products/:id", async (c) => {
    const found = await getProduct(deps(c), productId(c));
    return c.json(presentProduct(found.product, found.prices));
  })
  .patch("/products/:id", async (c) => {
    const id = productId(c);
    const patch = await jsonBody(c, ProductPatch);
    await updateProduct(deps(c), id, patch);
    const found = await getProduct(deps(c), id);
    return c.json(presentProduct(found.product, found.prices));
  })
  .post("/products/:id/prices", async (c) => {
    const id = productId(c);
    const body = await jsonBody(c, NewPriceBody);
    const made = await addPrice(deps(c), id, body);
    return c.json({ price: presentPrice(made.price), replaced: made.replaced ? presentPrice(made.replaced) : null }, 201);
  })
  .patch("/prices/:id", async (c) => {
    const id = c.req.param("id");
    if (!PRICE_ID_PATTERN.test(id)) throw notFound("price");
    const patch = await pricePatch(c);
    return c.json(presentPrice(await updatePrice(deps(c), id, patch)));
  });
