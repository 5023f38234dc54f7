import { describe, expect, it } from "vitest";
import { orderName, priceOrder, type SellablePrice } from "../../src/domain/catalogue";

const price = (id: string, amount: number, over: Partial<SellablePrice> = {}): SellablePrice => ({
  id,
  productId: `prod_${id}`,
  productName: id,
  productActive: true,
  label: null,
  amount,
  interval: null,
  active: true,
  ...over,
});

const catalogue = new Map(
  [
    price("price_americano", 4_500, { productName: "Americano" }),
    price("price_latte", 5_000, { productName: "Café latte", label: "Large" }),
    price("price_plan", 9_900, { interval: "month" }),
    price("price_gone", 1_000, { active: false }),
    price("price_hidden", 1_000, { productActive: false }),
  ].map((p) => [p.id, p]),
);

describe("priceOrder", () => {
  it("takes every amount from the catalogue: lines, total and name", () => {
    const order = priceOrder(
      [
        { price_id: "price_americano", quantity: 2 },
        { price_id: "price_latte", quantity: 3 },
      ],
      catalogue,
      10_000_000,
    );
    expect(order.amount).toBe(24_000);
    expect(order.lines.map((l) => [l.productName, l.priceLabel, l.unitAmount, l.quantity, l.amount])).toEqual([
      ["Americano", null, 4_500, 2, 9_000],
      ["Café latte", "Large", 5_000, 3, 15_000],
    ]);
    expect(order.name).toBe("Americano 외 1건");
  });

  it("names every unavailable price by its field, at once", () => {
    try {
      priceOrder(
        [
          { price_id: "price_americano", quantity: 1 },
          { price_id: "price_unknown", quantity: 1 },
          { price_id: "price_gone", quantity: 1 },
          { price_id: "price_hidden", quantity: 1 },
          { price_id: "price_plan", quantity: 1 },
        ],
        catalogue,
        10_000_000,
      );
      expect.unreachable();
    } catch (e: any) {
      expect(e).toMatchObject({ status: 400, code: "price_unavailable" });
      expect(e.details.fields.map((f: { field: string }) => f.field)).toEqual([
        "items.1.price_id",
        "items.2.price_id",
        "items.3.price_id",
        "items.4.price_id",
      ]);
    }
  });

  it("refuses a total outside [100, max], at the boundaries exactly", () => {
    const tiny = new Map([["price_t", price("price_t", 50)]]);
    expect(() => priceOrder([{ price_id: "price_t", quantity: 1 }], tiny, 1_000)).toThrow(/below the minimum/);
    expect(priceOrder([{ price_id: "price_t", quantity: 2 }], tiny, 1_000).amount).toBe(100);
    expect(priceOrder([{ price_id: "price_t", quantity: 20 }], tiny, 1_000).amount).toBe(1_000);
    expect(() => priceOrder([{ price_id: "price_t", quantity: 21 }], tiny, 1_000)).toThrow(/over the limit/);
  });
});

describe("orderName", () => {
  it("is the first line's name, with the label, and 외 N건 for the other lines", () => {
    expect(orderName([{ productName: "Americano", priceLabel: null }])).toBe("Americano");
    expect(orderName([{ productName: "Café latte", priceLabel: "Large" }, { productName: "Tea", priceLabel: null }])).toBe(
      "Café latte (Large) 외 1건",
    );
  });

  it("fits Iamport's 40 UTF-16 units, cutting the first name at a grapheme and keeping the count", () => {
    const name = orderName([
      { productName: "👩‍👩‍👧 Family breakfast set with extra pancakes and syrup", priceLabel: null },
      ...Array.from({ length: 12 }, () => ({ productName: "x", priceLabel: null })),
    ]);
    expect(name.length).toBeLessThanOrEqual(40);
    expect(name.endsWith("… 외 12건")).toBe(true);
    expect(name.startsWith("👩‍👩‍👧 Family")).toBe(true);
    expect(name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
