/** @jsxImportSource hono/jsx */
import { useI18n } from "./i18n";
import type { PaymentJson } from "./payment-parts";

type LineJson = NonNullable<PaymentJson["line_items"]>[number];

// Product names and price labels are the shop's own data (as an admin typed them), shown as they are in every
// language; only the words around them come from the catalogue.
const lineName = (l: LineJson) => (l.label ? `${l.name} (${l.label})` : l.name);

/** The badge that says a buyer named this amount (ALLOW_CUSTOM_AMOUNTS), or that a subscription charged it. */
export function KindBadge(p: { payment: PaymentJson }) {
  const { t } = useI18n();
  if (p.payment.kind === "subscription") return <span class="badge kind">{t("kind.subscription")}</span>;
  return p.payment.kind === "custom_amount" ? <span class="badge kind">{t("kind.custom_amount")}</span> : null;
}

/** What a catalogue order was made of, as it was when it was made (snapshots, never today's catalogue). */
export function LineItems(p: { payment: PaymentJson }) {
  const { t, amount, number } = useI18n();
  const lines = p.payment.line_items ?? [];
  if (p.payment.kind === "custom_amount") {
    return (
      <p class="muted kind-note">
        <KindBadge payment={p.payment} /> {t("kind.customNote")}
      </p>
    );
  }
  if (lines.length === 0) return null;
  return (
    <div class="table-wrap line-items" role="region" aria-label={t("lineItems.title")} tabindex={0}>
      <table>
        <caption class="visually-hidden">{t("lineItems.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("lineItems.item")}</th>
            <th scope="col" class="num">
              {t("lineItems.unitPrice")}
            </th>
            <th scope="col" class="num">
              {t("lineItems.quantity")}
            </th>
            <th scope="col" class="num">
              {t("lineItems.amount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr>
              <td>{lineName(l)}</td>
              <td class="num">{amount(l.unit_amount)}</td>
              <td class="num">{number(l.quantity)}</td>
              <td class="num">{amount(l.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan={3}>
              {t("lineItems.total")}
            </th>
            <td class="num amount">{amount(p.payment.amount)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** One line per order in a list: "아메리카노 × 2, 선물 상자 × 1", or the custom-amount badge. */
export function LineSummary(p: { payment: PaymentJson }) {
  const { t, number } = useI18n();
  const lines = p.payment.line_items ?? [];
  if (p.payment.kind === "custom_amount") {
    return (
      <span class="lines">
        <KindBadge payment={p.payment} />
      </span>
    );
  }
  if (lines.length === 0) return null;
  return <span class="lines muted">{lines.map((l) => t("client.line", { name: lineName(l), quantity: number(l.quantity) })).join(", ")}</span>;
}

/** Where "Try again" goes: the same cart for a catalogue order, the same name and amount for a custom one. */
export function retryHref(p: PaymentJson): string {
  if (p.kind === "catalogue" && p.line_items?.length) {
    return `/checkout?${new URLSearchParams({ cart: p.line_items.map((l) => `${l.price_id}:${l.quantity}`).join(",") })}`;
  }
  return `/checkout?${new URLSearchParams({ name: p.name, amount: String(p.amount) })}`;
}
