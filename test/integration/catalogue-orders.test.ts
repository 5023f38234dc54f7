import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { sellablePricesQuery } from "../../src/db/catalogue";
import { createDb } from "../../src/db/client";
import { createPayment, openOrder } from "../../src/services/create-payment";
import { depsFor, observeIamportCalls } from "../../src/services/deps";
import { SessionLookup } from "../../src/services/session";
import { call, checked, expectError, json, ORIGIN, signUp, type TestUser } from "../helpers/http";
import { createCatalogueOrder, itemsOf, makeProduct, oneOff, orderItems, ordersOf } from "../helpers/catalogue";
import { complete } from "../helpers/orders";
import { pay } from "../helpers/sandbox";
import { appIamport, gatewayOver } from "../helpers/iamport";
import { waitForStatus } from "../helpers/wait";

// Orders name prices and quantities; every amount and name that is charged or recorded comes from the catalogue.

const iamportCalls: Array<{ kind: string; path: string }> = [];
const watchIamport = () => {
  iamportCalls.length = 0;
  observeIamportCalls((c) => iamportCalls.push(c));
};
afterEach(() => observeIamportCalls(undefined));

const prepared = (merchantUid: string) => appIamport().getPrepared(merchantUid);

async function twoProducts() {
  const coffee = await oneOff(4_500, "Americano");
  const cake = await oneOff(6_000, "Cheesecake");
  return { coffee: coffee.priceId, cake: cake.priceId };
}

describe("POST /api/payments {items}", () => {
  it("charges the catalogue's amount, records line-item snapshots and names the order for Iamport", async () => {
    const buyer = await signUp();
    const { coffee, cake } = await twoProducts();
    const order = await createCatalogueOrder(buyer, [
      { price_id: coffee, quantity: 2 },
      { price_id: cake, quantity: 1 },
    ]);
    expect(order).toMatchObject({ kind: "catalogue", amount: 15_000, name: "Americano 외 1건", status: "ready" });
    expect(order.line_items).toEqual([
      { price_id: coffee, product_id: expect.stringMatching(/^prod_/), name: "Americano", label: null, unit_amount: 4_500, quantity: 2, amount: 9_000 },
      { price_id: cake, product_id: expect.stringMatching(/^prod_/), name: "Cheesecake", label: null, unit_amount: 6_000, quantity: 1, amount: 6_000 },
    ]);
    expect(order.checkout.params).toMatchObject({ name: "Americano 외 1건", amount: 15_000 });
    // What Iamport will accept is pinned to the server's total, and the stored rows agree.
    expect(await prepared(order.merchant_uid)).toMatchObject({ amount: 15_000 });
    const items = await itemsOf(order.merchant_uid);
    expect(items.map((i) => [i.product_name, i.unit_amount, i.quantity, i.amount])).toEqual([
      ["Americano", 4_500, 2, 9_000],
      ["Cheesecake", 6_000, 1, 6_000],
    ]);
    const detail = await json(await call("GET", `/api/payments/${order.merchant_uid}`, { token: buyer.token }));
    expect(detail.line_items).toEqual(order.line_items);
    const list = await json(await call("GET", "/api/payments", { token: buyer.token }));
    expect(list.items[0].line_items).toEqual(order.line_items);
  });

  it.each([
    [{ amount: 100 }, "amount"],
    [{ name: "Gift box" }, "name"],
    [{ currency: "USD" }, "currency"],
  ])("refuses a tampered order field %j beside the items (400 naming it), charging and recording nothing", async (extra, field) => {
    const buyer = await signUp();
    const { coffee } = await twoProducts();
    watchIamport();
    const res = await call("POST", "/api/payments", { token: buyer.token, body: { items: [{ price_id: coffee, quantity: 1 }], ...extra } });
    const error = await expectError(res, 400, "invalid_request");
    expect(error.details.fields).toContainEqual({ field, code: "unknown_field", message: "is not a field of this request" });
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(iamportCalls).toEqual([]);
  });

  it.each([
    [{ unit_amount: 100 }, "items.0.unit_amount"],
    [{ amount: 100 }, "items.0.amount"],
    [{ name: "Gift box" }, "items.0.name"],
    [{ product_name: "Gift box" }, "items.0.product_name"],
  ])("refuses a tampered line item field %j (400 naming it), charging and recording nothing", async (extra, field) => {
    const buyer = await signUp();
    const { coffee } = await twoProducts();
    watchIamport();
    const res = await orderItems(buyer, [{ price_id: coffee, quantity: 1, ...extra } as any]);
    const error = await expectError(res, 400, "invalid_request");
    expect(error.details.fields).toContainEqual({ field, code: "unknown_field", message: "is not a field of this request" });
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(iamportCalls).toEqual([]);
  });

  it("refuses a made-up price id by its field, and never charges a tampered amount at Iamport", async () => {
    const buyer = await signUp();
    const { coffee } = await twoProducts();
    watchIamport();
    const error = await expectError(
      await orderItems(buyer, [{ price_id: coffee, quantity: 1 }, { price_id: "price_doesnotexist", quantity: 1 }]),
      400,
      "price_unavailable",
    );
    expect(error.details.fields).toEqual([{ field: "items.1.price_id", code: "not_in_catalogue", message: "is not a price in this shop's catalogue" }]);
    expect(iamportCalls).toEqual([]);

    // Paying less than the catalogue's total in the payment window (prepare bypassed) is caught and refunded.
    const order = await createCatalogueOrder(buyer, [{ price_id: coffee, quantity: 2 }]);
    const paid = await pay({ merchant_uid: order.merchant_uid, amount: 4_500, skip_prepare_check: true, webhook: "none" });
    expect((await complete(buyer, order.merchant_uid, paid.imp_uid!)).status).toBe(202);
    const row = await waitForStatus(order.merchant_uid, "rejected");
    expect(row.amount).toBe(9_000);
  });

  it("keeps an order's amount and snapshot after its price changes and its product is renamed", async () => {
    const buyer = await signUp();
    const { product, priceId } = await oneOff(4_500, "Americano");
    const before = await createCatalogueOrder(buyer, [{ price_id: priceId, quantity: 2 }]);

    const deps = depsFor(env);
    const { addPrice, updateProduct } = await import("../../src/services/catalogue");
    const changed = await addPrice(deps, product.id, { amount: 5_000, replaces: priceId });
    await updateProduct(deps, product.id, { name: "House americano" });

    // The old order is exactly as it was made, and is paid at that amount.
    const detail = await json(await call("GET", `/api/payments/${before.merchant_uid}`, { token: buyer.token }));
    expect(detail).toMatchObject({ amount: 9_000, name: "Americano" });
    expect(detail.line_items).toEqual(before.line_items);
    const paid = await pay({ merchant_uid: before.merchant_uid, amount: 9_000, webhook: "none" });
    expect((await complete(buyer, before.merchant_uid, paid.imp_uid!)).status).toBe(202);
    await waitForStatus(before.merchant_uid, "paid");

    // The retired price can no longer be ordered; its replacement charges the new amount under the new name.
    await expectError(await orderItems(buyer, [{ price_id: priceId, quantity: 1 }]), 400, "price_unavailable");
    const after = await createCatalogueOrder(buyer, [{ price_id: changed.price.id, quantity: 2 }]);
    expect(after).toMatchObject({ amount: 10_000, name: "House americano" });
  });

  it("refuses an inactive price and a price of an inactive product, before Iamport is called", async () => {
    const buyer = await signUp();
    const retired = await oneOff(3_000);
    const hidden = await makeProduct({ prices: [{ amount: 3_000 }], active: false });
    const { updatePrice } = await import("../../src/services/catalogue");
    await updatePrice(depsFor(env), retired.priceId, { active: false });
    watchIamport();
    for (const priceId of [retired.priceId, hidden.prices[0]!.id]) {
      const error = await expectError(await orderItems(buyer, [{ price_id: priceId, quantity: 1 }]), 400, "price_unavailable");
      expect(error.details.fields).toEqual([{ field: "items.0.price_id", code: "not_on_sale", message: "is no longer on sale" }]);
    }
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(iamportCalls).toEqual([]);
  });

  it("refuses a price retired while the order was being made: the write's own guard fails, nothing is recorded", async () => {
    const buyer = await signUp();
    const { priceId } = await oneOff(2_500);
    const deps = depsFor(env);
    const { updatePrice } = await import("../../src/services/catalogue");
    // Iamport's prepare is where the gap between reading the price and writing the order is; retire it there.
    const iamport = appIamport();
    const racing = {
      ...deps,
      gateway: gatewayOver({
        ...iamport,
        prepare: async (p: Parameters<typeof iamport.prepare>[0]) => {
          await updatePrice(deps, priceId, { active: false });
          return iamport.prepare(p);
        },
      }),
    };
    const session = await SessionLookup.fromToken(createDb(env.DB), buyer.token, Date.now());
    const order = await openOrder(racing, session, [priceId]);
    await expect(
      createPayment(racing, order, { kind: "catalogue", items: [{ price_id: priceId, quantity: 1 }] }, ORIGIN),
    ).rejects.toMatchObject({ status: 409, code: "catalogue_changed" });
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM order_items WHERE price_id = ?").bind(priceId).first<{ n: number }>())!.n).toBe(0);
  });

  it("refuses a quantity × price total over MAX_PAYMENT_AMOUNT, or under Iamport's minimum, before Iamport is called", async () => {
    const buyer = await signUp();
    const big = await oneOff(4_000_000);
    const tiny = await oneOff(30);
    watchIamport();
    const over = await expectError(await orderItems(buyer, [{ price_id: big.priceId, quantity: 3 }]), 400, "amount_out_of_range");
    expect(over.details).toEqual({
      fields: [{ field: "items", code: "too_large", max: 10_000_000, message: "the total ₩12000000 is over the limit of ₩10000000" }],
      // What a page needs to say the range in the buyer's words.
      amount: 12_000_000,
      min_amount: 100,
      max_amount: 10_000_000,
    });
    const under = await expectError(await orderItems(buyer, [{ price_id: tiny.priceId, quantity: 3 }]), 400, "amount_out_of_range");
    expect(under.details.fields).toEqual([expect.objectContaining({ field: "items", code: "too_small", min: 100 })]);
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(iamportCalls).toEqual([]);
    // The limits are the total's, not the line's: 2 × ₩4,000,000 is fine; so is 4 × ₩30.
    expect((await createCatalogueOrder(buyer, [{ price_id: big.priceId, quantity: 2 }])).amount).toBe(8_000_000);
    expect((await createCatalogueOrder(buyer, [{ price_id: tiny.priceId, quantity: 4 }])).amount).toBe(120);
  });

  it.each([
    [[{ quantity: 1 }], "items.0.price_id", "required"],
    [[{ price_id: "PRICE", quantity: 1 }], "items.0.price_id", "invalid_format"],
    [[{ price_id: "price_x", quantity: 0 }], "items.0.quantity", "too_small"],
    [[{ price_id: "price_x", quantity: 100 }], "items.0.quantity", "too_large"],
    [[{ price_id: "price_x", quantity: 1.5 }], "items.0.quantity", "not_integer"],
    [[{ price_id: "price_x", quantity: "2" }], "items.0.quantity", "not_a_number"],
    [[{ price_id: "price_x" }], "items.0.quantity", "required"],
    [[], "items", "too_small"],
    [Array.from({ length: 21 }, (_, i) => ({ price_id: `price_${i}`, quantity: 1 })), "items", "too_large"],
    [[{ price_id: "price_x", quantity: 1 }, { price_id: "price_x", quantity: 2 }], "items.1.price_id", "duplicate"],
    ["price_x", "items", "invalid"],
    [undefined, "items", "required"],
  ])("refuses items %j with 400 naming %s (%s)", async (items, field, code) => {
    const buyer = await signUp();
    watchIamport();
    const error = await expectError(await call("POST", "/api/payments", { token: buyer.token, body: { items } }), 400, "invalid_request");
    expect(error.details.fields).toContainEqual(expect.objectContaining({ field, code }));
    expect(iamportCalls).toEqual([]);
  });

  it("refuses a recurring price in a one-off order", async () => {
    const buyer = await signUp();
    const plan = await makeProduct({ prices: [{ amount: 9_900, recurring: { interval: "month", interval_count: 1, trial_days: 0 } }] });
    const error = await expectError(await orderItems(buyer, [{ price_id: plan.prices[0]!.id, quantity: 1 }]), 400, "price_unavailable");
    expect(error.details.fields[0]).toMatchObject({ field: "items.0.price_id", code: "recurring_price", message: expect.stringContaining("recurring") });
  });

  it("names a many-line order within Iamport's 40 characters, keeping the count", async () => {
    const buyer = await signUp();
    const long = await oneOff(1_000, "유기농 콜롬비아 수프리모 핸드드립 원두 200g 선물 세트 한정판");
    const other = await oneOff(1_000, "Tea");
    const third = await oneOff(1_000, "Scone");
    const order = await createCatalogueOrder(buyer, [
      { price_id: long.priceId, quantity: 1 },
      { price_id: other.priceId, quantity: 1 },
      { price_id: third.priceId, quantity: 1 },
    ]);
    expect(order.name.length).toBeLessThanOrEqual(40);
    expect(order.name).toMatch(/^유기농 콜롬비아.*… 외 2건$/);
    expect(order.checkout.params.name).toBe(order.name);
  });

  it("answers a repeat with the same Idempotency-Key with the first order, and 422 for other quantities", async () => {
    const buyer = await signUp();
    const { coffee } = await twoProducts();
    const headers = { "idempotency-key": `items-${crypto.randomUUID()}` };
    watchIamport();
    const first = await createCatalogueOrder(buyer, [{ price_id: coffee, quantity: 2 }], headers);
    const again = await createCatalogueOrder(buyer, [{ price_id: coffee, quantity: 2 }], headers);
    expect(again).toEqual(first);
    await expectError(await orderItems(buyer, [{ price_id: coffee, quantity: 3 }], headers), 422, "idempotency_key_reused");
    expect(await ordersOf(buyer.user.id)).toBe(1);
    expect(iamportCalls.filter((c) => c.path === "/payments/prepare")).toHaveLength(1);
  });
});

describe("the session read in one batch with the prices", () => {
  const orderAs = (token: string, items: Array<{ price_id: string; quantity: number }>) =>
    call("POST", "/api/payments", { token, body: { items } });

  it("lets neither a logged-out nor an expired session order anything, nor reach Iamport", async () => {
    const { coffee } = await twoProducts();
    const loggedOut = await signUp();
    expect((await call("POST", "/api/auth/logout", { token: loggedOut.token })).status).toBe(204);
    const expired = await signUp();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?").bind(Date.now() - 1, expired.user.id).run();
    watchIamport();
    for (const who of [loggedOut, expired]) {
      await expectError(await orderAs(who.token, [{ price_id: coffee, quantity: 1 }]), 401, "unauthorized");
      expect(await ordersOf(who.user.id)).toBe(0);
    }
    await expectError(await orderAs("x".repeat(43), [{ price_id: coffee, quantity: 1 }]), 401, "unauthorized");
    await expectError(await call("POST", "/api/payments", { body: { items: [{ price_id: coffee, quantity: 1 }] } }), 401, "unauthorized");
    expect(iamportCalls).toEqual([]);
  });

  it("returns the session and the reads from one batch, intact, and looks the session up at most once", async () => {
    const buyer: TestUser = await signUp();
    const { coffee } = await twoProducts();
    const db = createDb(env.DB);
    const stored = await env.DB.prepare("SELECT id FROM sessions WHERE user_id = ?").bind(buyer.user.id).first<{ id: string }>();
    const batched = await SessionLookup.fromToken(db, buyer.token, Date.now());
    const [live, [prices]] = await batched.requireWith([sellablePricesQuery(db, [coffee])] as const);
    // Both joins carry columns of the same name (id, active); neither may bleed into the other.
    expect(live.sessionId).toBe(stored!.id);
    expect(live.user).toMatchObject({ id: buyer.user.id, email: buyer.email });
    expect(prices).toEqual([
      { id: coffee, productId: expect.stringMatching(/^prod_/), productName: "Americano", productActive: true, label: null, amount: 4_500, interval: null, active: true },
    ]);

    const lookup = await SessionLookup.fromToken(db, buyer.token, Date.now());
    const first = await lookup.resolve();
    expect(first?.user.id).toBe(buyer.user.id);
    // Once known, a later batch runs the reads alone.
    const [again, results] = await lookup.requireWith([]);
    expect(again).toBe(first);
    expect(results).toEqual([]);
    const none = await SessionLookup.fromToken(createDb(env.DB), undefined, Date.now());
    await expect(none.requireWith([])).rejects.toMatchObject({ status: 401 });
  });
});

describe("custom amounts ({name, amount})", () => {
  it("are a labelled kind with no line items where ALLOW_CUSTOM_AMOUNTS is on (local and test config)", async () => {
    const buyer = await signUp();
    const res = await call("POST", "/api/payments", { token: buyer.token, body: { name: "Donation", amount: 7_000 } });
    expect(res.status).toBe(201);
    const order = await json(res);
    expect(order).toMatchObject({ kind: "custom_amount", name: "Donation", amount: 7_000, line_items: [] });
    expect(await itemsOf(order.merchant_uid)).toEqual([]);
  });

  it("are refused (400 naming items) where the setting is off, writing nothing and calling no one", async () => {
    const buyer = await signUp();
    const off = { ...env, ALLOW_CUSTOM_AMOUNTS: "false" };
    const ctx = createExecutionContext();
    watchIamport();
    const req = new Request(`${ORIGIN}/api/payments`, {
      method: "POST",
      headers: { authorization: `Bearer ${buyer.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Gift box", amount: 100 }),
    });
    const res = await checked(req, await createApp().fetch(req, off, ctx));
    await waitOnExecutionContext(ctx);
    const error = await expectError(res, 400, "custom_amount_disabled");
    expect(error.details.fields).toEqual([{ field: "items", code: "required", message: "is required" }]);
    // The service refuses it too, for any caller other than the route.
    const session = await SessionLookup.fromToken(createDb(env.DB), buyer.token, Date.now());
    const deps = depsFor(env, { config: { ...depsFor(env).config, ALLOW_CUSTOM_AMOUNTS: false } });
    const order = await openOrder(deps, session, []);
    await expect(createPayment(deps, order, { kind: "custom_amount", name: "Gift box", amount: 100 }, ORIGIN)).rejects.toMatchObject({
      status: 400,
      code: "custom_amount_disabled",
    });
    expect(await ordersOf(buyer.user.id)).toBe(0);
    expect(iamportCalls).toEqual([]);
  });
});

describe("POST /api/payments/quote", () => {
  it("prices a cart exactly as the order will be, creating nothing, and refuses what an order would refuse", async () => {
    const buyer = await signUp();
    const { coffee, cake } = await twoProducts();
    const items = [
      { price_id: coffee, quantity: 3 },
      { price_id: cake, quantity: 2 },
    ];
    watchIamport();
    const quote = await json(await call("POST", "/api/payments/quote", { body: { items } }));
    expect(quote).toMatchObject({ amount: 25_500, currency: "KRW", name: "Americano 외 1건" });
    expect(iamportCalls).toEqual([]);
    const order = await createCatalogueOrder(buyer, items);
    expect(order.amount).toBe(quote.amount);
    expect(order.line_items).toEqual(quote.line_items);
    await expectError(await call("POST", "/api/payments/quote", { body: { items: [{ price_id: "price_nope", quantity: 1 }] } }), 400, "price_unavailable");
    await expectError(await call("POST", "/api/payments/quote", { body: { items, amount: 1 } }), 400, "invalid_request");
  });
});
