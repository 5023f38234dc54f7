/** @jsxImportSource hono/jsx */
import { krw } from "./format";
import type { PaymentJson } from "./payment-parts";

type LineJson = NonNullable<PaymentJson["line_items"]>[number];

const lineName = (l: LineJson) => (l.label ? `${l.name} (${l.label})` : l.name);

/** What a catalogue order was made of, as it was when it was made (snapshots, never today's catalogue). */
export function LineItems(p: { payment: PaymentJson }) {
  const lines = p.payment.line_items ?? [];
  if (p.payment.kind === "custom_amount") {
    return (
      <p class="muted kind-note">
        <span class="badge kind">Custom amount</span> The buyer named this amount; it is not priced from the catalogue.
      </p>
    );
  }
  if (lines.length === 0) return null;
  return (
    <div class="table-wrap line-items" role="region" aria-label="Items in this order" tabindex={0}>
      <table>
        <caption class="visually-hidden">Items in this order</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">
              Unit price
            </th>
            <th scope="col" class="num">
              Qty
            </th>
            <th scope="col" class="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr>
              <td>{lineName(l)}</td>
              <td class="num">{krw(l.unit_amount)}</td>
              <td class="num">{String(l.quantity)}</td>
              <td class="num">{krw(l.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan={3}>
              Total
            </th>
            <td class="num amount">{krw(p.payment.amount)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** One line per order in a list: "Americano × 2, Cheesecake × 1". */
export function LineSummary(p: { payment: PaymentJson }) {
  const lines = p.payment.line_items ?? [];
  if (p.payment.kind === "custom_amount") return <span class="lines muted">Custom amount</span>;
  if (lines.length === 0) return null;
  return <span class="lines muted">{lines.map((l) => `${lineName(l)} × ${l.quantity}`).join(", ")}</span>;
}

/** Where "Try again" goes: the same cart for a catalogue order, the same name and amount for a custom one. */
export function retryHref(p: PaymentJson): string {
  if (p.kind === "catalogue" && p.line_items?.length) {
    return `/checkout?${new URLSearchParams({ cart: p.line_items.map((l) => `${l.price_id}:${l.quantity}`).join(",") })}`;
  }
  return `/checkout?${new URLSearchParams({ name: p.name, amount: String(p.amount) })}`;
}
