import { Hono, type Context } from "hono";
import * as z from "zod";
import { INTERVALS, MAX_INTERVAL_COUNT, MAX_TRIAL_DAYS, PRICE_ID_PATTERN, PRODUCT_ID_PATTERN, SLUG_PATTERN } from "../domain/catalogue";
import { badRequest, notFound } from "../domain/errors";
import { safeText } from "../lib/text-schema";
import { body, parseWith, readJson } from "../lib/validate";
import { requireAdmin } from "../middleware/session";
import { describe } from "../openapi/describe";
import { addPrice, createProduct, getProduct, listAdminCatalogue, updatePrice, updateProduct } from "../services/catalogue";
import { NewPriceResultJson, PriceJson, presentPrice, presentProduct, ProductJson, ProductListJson } from "../services/present";
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

const productIdParam = { id: { description: "The product's id (`prod_…`). One that is malformed or unknown answers 404." } };
const priceIdParam = { id: { description: "The price's id (`price_…`). One that is malformed or unknown answers 404." } };

export const adminCatalogueRoutes = new Hono<AppEnv>()
  .use(requireAdmin())
  .get(
    "/products",
    describe({
      operationId: "adminListProducts",
      summary: "The whole catalogue",
      description: "Every product with every price, inactive ones included.",
      tags: ["Catalogue"],
      responses: { 200: { description: "The catalogue.", body: ProductListJson } },
    }),
    async (c) => {
      const all = await listAdminCatalogue(deps(c));
      return c.json({ items: all.map((p) => presentProduct(p.product, p.prices)) } satisfies z.output<typeof ProductListJson>);
    },
  )
  .post(
    "/products",
    describe({
      operationId: "adminCreateProduct",
      summary: "Add a product",
      description: "With its first prices, in one batch. A price's `amount` is at most the deployment's MAX_PAYMENT_AMOUNT.",
      tags: ["Catalogue"],
      responses: { 201: { description: "The product.", body: ProductJson } },
      errors: { 409: ["slug_taken"] },
    }),
    body(NewProductBody),
    async (c) => {
      const made = await createProduct(deps(c), c.req.valid("json"));
      return c.json(presentProduct(made.product, made.prices), 201);
    },
  )
  .get(
    "/products/:id",
    describe({
      operationId: "adminGetProduct",
      summary: "A product, with all its prices",
      tags: ["Catalogue"],
      params: productIdParam,
      responses: { 200: { description: "The product.", body: ProductJson } },
      errors: { 404: ["not_found"] },
    }),
    async (c) => {
      const found = await getProduct(deps(c), productId(c));
      return c.json(presentProduct(found.product, found.prices));
    },
  )
  .patch(
    "/products/:id",
    describe({
      operationId: "adminUpdateProduct",
      summary: "Edit a product",
      description: "Its slug, name, description or whether it is sold. Orders keep the names they were made with.",
      tags: ["Catalogue"],
      params: productIdParam,
      responses: { 200: { description: "The product.", body: ProductJson } },
      errors: { 404: ["not_found"], 409: ["slug_taken"] },
    }),
    body(ProductPatch),
    async (c) => {
      const id = productId(c);
      await updateProduct(deps(c), id, c.req.valid("json"));
      const found = await getProduct(deps(c), id);
      return c.json(presentProduct(found.product, found.prices));
    },
  )
  .post(
    "/products/:id/prices",
    describe({
      operationId: "adminAddPrice",
      summary: "Add a price, or replace one",
      description:
        "A price's terms never change: to change one, add the new price with `replaces` set to the old one's id, " +
        "which retires it in the same batch (409 price_not_replaceable unless it is still an active price of this " +
        "product; of two racing replacements exactly one wins). Orders and subscriptions keep the price they were made with.",
      tags: ["Catalogue"],
      params: productIdParam,
      responses: { 201: { description: "The new price, and the one it retired.", body: NewPriceResultJson } },
      errors: { 404: ["not_found"], 409: ["price_not_replaceable"] },
    }),
    body(NewPriceBody),
    async (c) => {
      const id = productId(c);
      const made = await addPrice(deps(c), id, c.req.valid("json"));
      return c.json(
        { price: presentPrice(made.price), replaced: made.replaced ? presentPrice(made.replaced) : null } satisfies z.output<typeof NewPriceResultJson>,
        201,
      );
    },
  )
  .patch(
    "/prices/:id",
    describe({
      operationId: "adminUpdatePrice",
      summary: "Relabel a price, retire or restore it",
      description:
        "Only `label` and `active` change. Naming one of a price's terms (amount, currency, recurring, …) is 400 " +
        "price_immutable: add a new price with `replaces` instead.",
      tags: ["Catalogue"],
      params: priceIdParam,
      requestBody: { schema: PricePatch, mediaTypes: ["application/json"] },
      responses: { 200: { description: "The price.", body: PriceJson } },
      errors: { 400: ["invalid_request", "malformed_json", "price_immutable"], 404: ["not_found"] },
    }),
    async (c) => {
      const id = c.req.param("id");
      if (!PRICE_ID_PATTERN.test(id)) throw notFound("price");
      const patch = await pricePatch(c);
      return c.json(presentPrice(await updatePrice(deps(c), id, patch)));
    },
  );
