/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { MAX_QUANTITY } from "../domain/catalogue";
import type { presentLineItem, presentProduct } from "../services/present";
import { useI18n } from "./i18n";
import { Field, FormError, Layout } from "./layout";

type ProductJson = ReturnType<typeof presentProduct>;
type PriceJson = ProductJson["prices"][number];
type LineJson = ReturnType<typeof presentLineItem>;

/** The cart's total as the server priced it (POST /api/payments/quote), never the page's own arithmetic. */
export interface CartQuote {
  amount: number;
  line_items: LineJson[];
}

export interface CheckoutView {
  user: UserRow;
  admin: boolean;
  sdkUrl: string;
  idempotencyKey: string;
  /** Active products with their active prices, from D1 (the shop shows the one-off ones). */
  products: ProductJson[];
  /** Quantities to start with (a "try again" link carries the failed order's cart), by price id. */
  cart: Record<string, number>;
  /** The server's price for that cart, when there is one. */
  quote: CartQuote | null;
  /** Whether this shop takes custom amounts (ALLOW_CUSTOM_AMOUNTS), and a custom order to start with. */
  customAmounts: boolean;
  prefill: { name: string; amount: string } | null;
  /** Local development: payments go to the built-in Iamport sandbox. */
  sandbox: boolean;
}

// Product names, descriptions and price labels are the shop's data, shown as an admin wrote them in every language.
const priceName = (product: ProductJson, label: string | null) => (label ? `${product.name} (${label})` : product.name);

/** A quantity with − and + buttons; the input stays a plain number field for keyboards and screen readers. */
function Quantity(p: { product: ProductJson; price: PriceJson; value: number }) {
  const { t, amount } = useI18n();
  const id = `q-${p.price.id}`;
  const name = priceName(p.product, p.price.label);
  return (
    <div class="cart-line">
      <label for={id}>
        <span class="visually-hidden">{`${p.product.name} `}</span>
        <span class="name">{p.price.label ?? t("checkout.quantity")}</span>
        <span class="price">{amount(p.price.amount)}</span>
      </label>
      <div class="stepper">
        <button type="button" data-step="-1" data-for={id} aria-label={t("checkout.fewer", { name })}>
          −
        </button>
        <input
          id={id}
          name={p.price.id}
          type="number"
          inputmode="numeric"
          min="0"
          max={String(MAX_QUANTITY)}
          value={String(p.value)}
          data-price-id={p.price.id}
          aria-describedby={`${id}-error`}
        />
        <button type="button" data-step="1" data-for={id} aria-label={t("checkout.more", { name })}>
          +
        </button>
      </div>
      <p class="field-error" id={`${id}-error`} data-error-for={p.price.id} data-label={name} hidden></p>
    </div>
  );
}

function Cart(v: CheckoutView & { sellable: { product: ProductJson; prices: PriceJson[] }[] }) {
  const { t, amount, number } = useI18n();
  return (
    <form id="cart" class="card" data-idempotency-key={v.idempotencyKey} aria-label={t("checkout.cart")} novalidate>
      <FormError />
      <ul class="products">
        {v.sellable.map(({ product, prices }) => (
          <li class="product">
            <h2 class="product-name">{product.name}</h2>
            {product.description ? <p class="muted description">{product.description}</p> : null}
            {prices.map((price) => (
              <Quantity product={product} price={price} value={v.cart[price.id] ?? 0} />
            ))}
          </li>
        ))}
      </ul>
      <div class="cart-summary" aria-live="polite" data-cart-summary>
        <ul class="cart-lines" data-cart-lines>
          {(v.quote?.line_items ?? []).map((l) => (
            <li>
              <span>{t("client.line", { name: l.label ? `${l.name} (${l.label})` : l.name, quantity: number(l.quantity) })}</span>
              <span class="amount">{amount(l.amount)}</span>
            </li>
          ))}
        </ul>
        <p class="total">
          <span>{t("checkout.total")}</span>
          <strong data-total>{v.quote ? amount(v.quote.amount) : "—"}</strong>
        </p>
      </div>
      <button type="submit" class="primary block" data-pay>
        {v.quote ? t("client.payAmount", { amount: amount(v.quote.amount) }) : t("client.pay")}
      </button>
      <p class="hint" data-mode-hint></p>
      <p class="hint" role="status" aria-live="polite" data-checkout-status></p>
    </form>
  );
}

/** The custom-amount kind: its own, labelled form, offered only where the shop allows it. */
function CustomAmount(v: { prefill: CheckoutView["prefill"] }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="custom-title">
      <h2 id="custom-title">{t("checkout.custom")}</h2>
      <p class="muted">{t("checkout.custom.lead")}</p>
      <form id="checkout" data-idempotency-key={crypto.randomUUID()} novalidate>
        <FormError />
        <Field name="name" label={t("checkout.itemName")} value={v.prefill?.name ?? ""} maxlength={40} hint={t("checkout.itemName.hint")} />
        <Field
          name="amount"
          label={t("checkout.amount")}
          value={v.prefill?.amount ?? ""}
          inputmode="numeric"
          autocomplete="off"
          hint={t("checkout.amount.hint")}
        />
        <p class="total">
          <span>{t("checkout.total")}</span>
          <strong data-total>—</strong>
        </p>
        <button type="submit" class="primary block">
          {t("client.pay")}
        </button>
        <p class="hint" data-mode-hint></p>
        <p class="hint" role="status" aria-live="polite" data-checkout-status></p>
      </form>
    </section>
  );
}

export function CheckoutPage(v: CheckoutView) {
  const { t } = useI18n();
  const sellable = v.products
    .map((product) => ({ product, prices: product.prices.filter((p) => p.type === "one_time") }))
    .filter((x) => x.prices.length > 0);
  return (
    <Layout title={t("checkout.title")} user={v.user} admin={v.admin} nav="shop" sdkUrl={v.sdkUrl}>
      <h1>{t("checkout.title")}</h1>
      <p class="lead">{t("checkout.lead")}</p>
      {sellable.length === 0 ? (
        <p class="empty">{v.admin ? `${t("checkout.empty")} ${t("checkout.emptyAdmin")}` : t("checkout.empty")}</p>
      ) : (
        <Cart {...v} sellable={sellable} />
      )}
      {v.customAmounts ? <CustomAmount prefill={v.prefill} /> : null}
      {v.sandbox ? <p class="muted">{t("checkout.sandbox")}</p> : null}
    </Layout>
  );
}
