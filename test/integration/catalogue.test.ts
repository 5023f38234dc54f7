import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminUser, call, expectError, json, signUp, type TestUser } from "../helpers/http";
import { createCatalogueOrder, makeProduct, oneOff } from "../helpers/catalogue";

// The catalogue's API: the public list, the admin's writes, and the database rules behind them.

// One admin session for the file: logging in per test would meet the per-email login limit.
let adminSession: Promise<TestUser> | undefined;
const theAdmin = () => (adminSession ??= adminUser());

const admin = (method: string, path: string, who: TestUser, body?: unknown) => call(method, `/api/admin${path}`, { token: who.token, body });
const run = (sql: string, ...params: unknown[]) => env.DB.prepare(sql).bind(...params).run();
const slug = () => `p-${crypto.randomUUID().slice(0, 8)}`;

describe("GET /api/products", () => {
  it("lists active products with their active prices only, one-off and recurring", async () => {
    const shown = await makeProduct({
      name: "Coffee club",
      prices: [
        { amount: 4_500 },
        { amount: 9_900, label: "Monthly", recurring: { interval: "month", interval_count: 1, trial_days: 14 } },
        { amount: 5_000 },
      ],
    });
    const hidden = await makeProduct({ prices: [{ amount: 1_000 }], active: false });
    const { updatePrice } = await import("../../src/services/catalogue");
    const { depsFor } = await import("../../src/services/deps");
    await updatePrice(depsFor(env), shown.prices.find((p) => p.amount === 5_000)!.id, { active: false });

    const res = await call("GET", "/api/products");
    expect(res.status).toBe(200);
    const { items } = await json(res);
    expect(items.find((p: { id: string }) => p.id === hidden.id)).toBeUndefined();
    const listed = items.find((p: { id: string }) => p.id === shown.id);
    expect(listed).toMatchObject({ name: "Coffee club", active: true });
    expect(listed.prices.map((p: any) => [p.amount, p.type, p.recurring])).toEqual([
      [4_500, "one_time", null],
      [9_900, "recurring", { interval: "month", interval_count: 1, trial_days: 14 }],
    ]);
  });
});

describe("the admin catalogue API", () => {
  it("is for admins only: 401 without a session, 403 for a buyer", async () => {
    const buyer = await signUp();
    await expectError(await call("GET", "/api/admin/products"), 401, "unauthorized");
    await expectError(await admin("GET", "/products", buyer), 403, "forbidden");
    await expectError(await admin("POST", "/products", buyer, { slug: slug(), name: "X" }), 403, "forbidden");
  });

  it("creates a product with prices, edits it, and lists it with inactive ones", async () => {
    const a = await theAdmin();
    const s = slug();
    const res = await admin("POST", "/products", a, {
      slug: s,
      name: "  Gift box  ",
      description: "Six cookies\nand a card",
      prices: [{ amount: 12_000 }, { amount: 19_000, label: "Large" }, { amount: 99_000, recurring: { interval: "year" } }],
    });
    expect(res.status).toBe(201);
    const made = await json(res);
    expect(made).toMatchObject({ slug: s, name: "Gift box", description: "Six cookies\nand a card", active: true });
    expect(made.id).toMatch(/^prod_[0-9a-f]{24}$/);
    expect(made.prices.map((p: any) => [p.amount, p.label, p.recurring])).toEqual([
      [12_000, null, null],
      [19_000, "Large", null],
      [99_000, null, { interval: "year", interval_count: 1, trial_days: 0 }],
    ]);

    const patched = await json(await admin("PATCH", `/products/${made.id}`, a, { name: "Cookie box", active: false }));
    expect(patched).toMatchObject({ name: "Cookie box", active: false, slug: s });
    const all = await json(await admin("GET", "/products", a));
    expect(all.items.find((p: any) => p.id === made.id)).toMatchObject({ active: false });
    expect((await json(await call("GET", "/api/products"))).items.find((p: any) => p.id === made.id)).toBeUndefined();

    await expectError(await admin("POST", "/products", a, { slug: s, name: "Again" }), 409, "slug_taken");
    await expectError(await admin("GET", "/products/prod_nope", a), 404, "not_found");
    await expectError(await admin("PATCH", "/products/prod_nope", a, { name: "x" }), 404, "not_found");
  });

  it.each([
    [{ slug: "Gift Box", name: "x" }, "slug"],
    [{ slug: "gift--box", name: "x" }, "slug"],
    [{ slug: "ok", name: "" }, "name"],
    [{ slug: "ok", name: "x".repeat(81) }, "name"],
    [{ slug: "ok", name: "x", prices: [{ amount: 0 }] }, "prices.0.amount"],
    [{ slug: "ok", name: "x", prices: [{ amount: 10.5 }] }, "prices.0.amount"],
    [{ slug: "ok", name: "x", prices: [{ amount: 1000, recurring: { interval: "week" } }] }, "prices.0.recurring.interval"],
    [{ slug: "ok", name: "x", prices: [{ amount: 1000, recurring: { interval: "month", interval_count: 37 } }] }, "prices.0.recurring.interval_count"],
    [{ slug: "ok", name: "x", prices: [{ amount: 1000, recurring: { interval: "year", interval_count: 4 } }] }, "prices.0.recurring.interval_count"],
    [{ slug: "ok", name: "x", prices: [{ amount: 1000, recurring: { interval: "month", trial_days: 731 } }] }, "prices.0.recurring.trial_days"],
    [{ slug: "ok", name: "x", price: 1000 }, "price"],
  ])("refuses %j with 400 naming %s, creating nothing", async (body, field) => {
    const a = await theAdmin();
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM products").first<{ n: number }>())!.n;
    const error = await expectError(await admin("POST", "/products", a, body), 400, "invalid_request");
    expect(error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM products").first<{ n: number }>())!.n).toBe(before);
  });

  it("refuses a price over MAX_PAYMENT_AMOUNT, which could never be charged", async () => {
    const a = await theAdmin();
    const error = await expectError(await admin("POST", "/products", a, { slug: slug(), name: "x", prices: [{ amount: 10_000_001 }] }), 400);
    expect(error.details.fields).toEqual([expect.objectContaining({ field: "prices.0.amount", code: "too_large", max: 10_000_000 })]);
  });

  it("changes a price by replacing it: a new price, the old one retired in the same batch, never edited", async () => {
    const a = await theAdmin();
    const { product, priceId } = await oneOff(4_500);
    const refused = await expectError(await admin("PATCH", `/prices/${priceId}`, a, { amount: 5_000 }), 400, "price_immutable");
    expect(refused.details.fields).toEqual([{ field: "amount", code: "immutable", message: expect.stringContaining("replaces") }]);

    const res = await admin("POST", `/products/${product.id}/prices`, a, { amount: 5_000, replaces: priceId });
    expect(res.status).toBe(201);
    const { price, replaced } = await json(res);
    expect(price).toMatchObject({ amount: 5_000, active: true, replaces_price_id: priceId });
    expect(replaced).toMatchObject({ id: priceId, amount: 4_500, active: false });

    // A retired price cannot be replaced again (two admins racing get one replacement), nor one of another product.
    await expectError(await admin("POST", `/products/${product.id}/prices`, a, { amount: 6_000, replaces: priceId }), 409, "price_not_replaceable");
    const other = await oneOff(1_000);
    await expectError(await admin("POST", `/products/${product.id}/prices`, a, { amount: 6_000, replaces: other.priceId }), 409, "price_not_replaceable");
    const prices = (await json(await admin("GET", `/products/${product.id}`, a))).prices;
    expect(prices.map((p: any) => [p.amount, p.active])).toEqual([
      [4_500, false],
      [5_000, true],
    ]);
  });

  it("gives two racing replacements of one price exactly one winner", async () => {
    const a = await theAdmin();
    const { product, priceId } = await oneOff(4_500);
    const results = await Promise.all(
      [5_000, 5_500, 6_000].map((amount) => admin("POST", `/products/${product.id}/prices`, a, { amount, replaces: priceId })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const active = (await json(await admin("GET", `/products/${product.id}`, a))).prices.filter((p: any) => p.active);
    expect(active).toHaveLength(1);
  });

  it("edits a price's label and retires or restores it", async () => {
    const a = await theAdmin();
    const { priceId } = await oneOff(3_000);
    expect(await json(await admin("PATCH", `/prices/${priceId}`, a, { label: "Small", active: false }))).toMatchObject({
      label: "Small",
      active: false,
      amount: 3_000,
    });
    expect(await json(await admin("PATCH", `/prices/${priceId}`, a, { active: true }))).toMatchObject({ active: true });
    await expectError(await admin("PATCH", `/prices/${priceId}`, a, {}), 400, "invalid_request");
    await expectError(await admin("PATCH", "/prices/price_nope", a, { active: false }), 404, "not_found");
  });
});

describe("the catalogue's rules in D1", () => {
  it("refuses changing a price's terms or deleting it, whatever writes it", async () => {
    const { priceId } = await oneOff(4_500);
    for (const change of ["amount = 100", "currency = 'USD'", "interval = 'month', interval_count = 1, trial_days = 0", "product_id = 'prod_other'"]) {
      await expect(run(`UPDATE prices SET ${change} WHERE id = ?`, priceId), change).rejects.toThrow(/price_terms_immutable/);
    }
    await expect(run("DELETE FROM prices WHERE id = ?", priceId)).rejects.toThrow(/prices_never_deleted/);
    await run("UPDATE prices SET label = 'Hot', active = 0 WHERE id = ?", priceId);
  });

  it("keeps line items as they were sold, and only on catalogue orders", async () => {
    const buyer = await signUp();
    const { priceId, product } = await oneOff(4_500);
    const order = await createCatalogueOrder(buyer, [{ price_id: priceId, quantity: 2 }]);
    const paymentId = (await env.DB.prepare("SELECT id FROM payments WHERE merchant_uid = ?").bind(order.merchant_uid).first<{ id: number }>())!.id;
    await expect(run("UPDATE order_items SET unit_amount = 1, amount = 2 WHERE payment_id = ?", paymentId)).rejects.toThrow(/order_items_immutable/);
    await expect(run("DELETE FROM order_items WHERE payment_id = ?", paymentId)).rejects.toThrow(/order_items_immutable/);
    await expect(run("UPDATE payments SET kind = 'custom_amount' WHERE id = ?", paymentId)).rejects.toThrow(/payments_kind_fixed/);

    const custom = await json(await call("POST", "/api/payments", { token: buyer.token, body: { name: "Tip", amount: 1_000 } }));
    const customId = (await env.DB.prepare("SELECT id FROM payments WHERE merchant_uid = ?").bind(custom.merchant_uid).first<{ id: number }>())!.id;
    await expect(
      run(
        "INSERT INTO order_items (payment_id, position, price_id, product_id, product_name, unit_amount, quantity, amount) VALUES (?, 0, ?, ?, 'x', 4500, 1, 4500)",
        customId,
        priceId,
        product.id,
      ),
    ).rejects.toThrow(/order_items_catalogue_only/);
    await expect(
      run("INSERT INTO payments (merchant_uid, user_id, name, amount, kind, created_at, updated_at) VALUES ('pay_kind', ?, 'x', 100, 'gift', 0, 0)", buyer.user.id),
    ).rejects.toThrow(/payments_kind_known/);
  });

  it("refuses a line whose amount is not unit × quantity, and quantities outside 1..99", async () => {
    const buyer = await signUp();
    const { priceId, product } = await oneOff(1_000);
    const order = await createCatalogueOrder(buyer, [{ price_id: priceId, quantity: 1 }]);
    const paymentId = (await env.DB.prepare("SELECT id FROM payments WHERE merchant_uid = ?").bind(order.merchant_uid).first<{ id: number }>())!.id;
    const line = (position: number, quantity: number, amount: number) =>
      run(
        "INSERT INTO order_items (payment_id, position, price_id, product_id, product_name, unit_amount, quantity, amount) VALUES (?, ?, ?, ?, 'x', 1000, ?, ?)",
        paymentId,
        position,
        priceId,
        product.id,
        quantity,
        amount,
      );
    await expect(line(5, 2, 1_000)).rejects.toThrow(/CHECK/);
    await expect(line(6, 100, 100_000)).rejects.toThrow(/CHECK/);
    await expect(line(7, 0, 0)).rejects.toThrow(/CHECK/);
  });
});

describe("the demo catalogue (scripts/demo-catalogue.sql, seeded by npm run dev)", () => {
  const seed = async () => {
    for (const sql of env.DEMO_CATALOGUE) await env.DB.prepare(sql).run();
  };
  const count = async () =>
    (await env.DB.prepare("SELECT (SELECT count(*) FROM products WHERE id LIKE 'prod_demo_%') AS products, (SELECT count(*) FROM prices WHERE id LIKE 'price_demo_%') AS prices").first())!;

  it("seeds today's four items and two monthly plans, idempotently, leaving an admin's changes alone", async () => {
    await seed();
    expect(await count()).toEqual({ products: 5, prices: 6 });
    const shop = (await json(await call("GET", "/api/products"))).items.filter((p: any) => p.id.startsWith("prod_demo_"));
    const oneOff = shop.flatMap((p: any) => p.prices.filter((x: any) => x.type === "one_time").map((x: any) => [p.name, x.amount]));
    expect(oneOff).toEqual([
      ["아메리카노", 4_500],
      ["카페라테", 5_000],
      ["버터 크루아상", 3_800],
      ["선물 상자", 12_000],
    ]);
    const plans = shop.flatMap((p: any) => p.prices.filter((x: any) => x.type === "recurring"));
    expect(plans.map((x: any) => [x.label, x.amount, x.recurring])).toEqual([
      ["베이직", 19_000, { interval: "month", interval_count: 1, trial_days: 0 }],
      ["플러스", 35_000, { interval: "month", interval_count: 1, trial_days: 14 }],
    ]);

    await run("UPDATE prices SET active = 0 WHERE id = 'price_demo_gift_box'");
    await seed();
    expect(await count()).toEqual({ products: 5, prices: 6 });
    expect((await env.DB.prepare("SELECT active FROM prices WHERE id = 'price_demo_gift_box'").first())!.active).toBe(0);
    await run("UPDATE prices SET active = 1 WHERE id = 'price_demo_gift_box'");
  });
});

describe("stored text", () => {
  // Every write that stores text refuses control characters (C0, C1, NUL) and direction overrides, naming the field.
  const bad = ["Gift\u0000box", "Gift\u001bbox", "Gift\u0007box", "Gift\u0008box", "Gift\u0085box", "Gift\u202ebox"];

  it.each(bad)("refuses %j in every stored name: product, description, price label, custom order, user, refund reason", async (text) => {
    const a = await theAdmin();
    const buyer = await signUp();
    const { product, priceId } = await oneOff(2_000);
    const cases: Array<[Response, string]> = [
      [await admin("POST", "/products", a, { slug: slug(), name: text }), "name"],
      [await admin("POST", "/products", a, { slug: slug(), name: "ok", description: text }), "description"],
      [await admin("POST", "/products", a, { slug: slug(), name: "ok", prices: [{ amount: 1_000, label: text }] }), "prices.0.label"],
      [await admin("PATCH", `/products/${product.id}`, a, { name: text }), "name"],
      [await admin("POST", `/products/${product.id}/prices`, a, { amount: 1_000, label: text }), "label"],
      [await admin("PATCH", `/prices/${priceId}`, a, { label: text }), "label"],
      [await call("POST", "/api/payments", { token: buyer.token, body: { name: text, amount: 1_000 } }), "name"],
      [await call("POST", "/api/auth/signup", { body: { email: `t-${crypto.randomUUID()}@example.com`, password: "long enough pass", name: text } }), "name"],
      [await call("POST", `/api/payments/pay_${"0".repeat(32)}/refunds`, { token: a.token, body: { amount: 1_000, reason: text } }), "reason"],
    ];
    for (const [res, field] of cases) {
      const error = await expectError(res, 400, "invalid_request");
      expect(error.details.fields).toContainEqual(expect.objectContaining({ field, code: "unsafe_character", message: expect.stringContaining("control or direction-override") }));
    }
    // Nothing was stored under any of those names.
    const stored = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM products WHERE instr(name, ?) OR instr(description, ?)) + (SELECT count(*) FROM prices WHERE instr(label, ?)) + (SELECT count(*) FROM payments WHERE instr(name, ?)) + (SELECT count(*) FROM users WHERE instr(name, ?)) AS n",
    )
      .bind(text, text, text, text, text)
      .first<{ n: number }>();
    expect(stored!.n).toBe(0);
  });

  it("keeps line feeds in a description but not in a name, and trims names", async () => {
    const a = await theAdmin();
    const made = await json(await admin("POST", "/products", a, { slug: slug(), name: "  Tea  ", description: "Two lines\nof text" }));
    expect(made).toMatchObject({ name: "Tea", description: "Two lines\nof text" });
    await expectError(await admin("POST", "/products", a, { slug: slug(), name: "Two\nlines" }), 400, "invalid_request");
  });
});
