/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { useI18n } from "./i18n";
import { Field, FormError, Layout } from "./layout";

/** The demo shop's catalogue. Prices are integer KRW, as the API takes them; names are in the buyer's language. */
export const CATALOGUE = [
  { key: "product.americano", amount: 4_500 },
  { key: "product.latte", amount: 5_000 },
  { key: "product.croissant", amount: 3_800 },
  { key: "product.giftbox", amount: 12_000 },
] as const;

export interface CheckoutView {
  user: UserRow;
  admin: boolean;
  sdkUrl: string;
  idempotencyKey: string;
  /** From "try again" links: a custom order already filled in. */
  prefill: { name: string; amount: string } | null;
  /** Local development: payments go to the built-in Iamport sandbox. */
  sandbox: boolean;
}

export function CheckoutPage(v: CheckoutView) {
  const { t, amount } = useI18n();
  const items = CATALOGUE.map((i) => ({ name: t(i.key), amount: i.amount }));
  const preset = v.prefill ? items.findIndex((i) => i.name === v.prefill!.name && String(i.amount) === v.prefill!.amount) : 0;
  const custom = preset === -1;
  return (
    <Layout title={t("checkout.title")} user={v.user} admin={v.admin} nav="shop" sdkUrl={v.sdkUrl}>
      <h1>{t("checkout.title")}</h1>
      <p class="lead">{t("checkout.lead")}</p>
      <form id="checkout" class="card" data-idempotency-key={v.idempotencyKey} novalidate>
        <FormError />
        <fieldset>
          <legend>{t("checkout.what")}</legend>
          <div class="options">
            {items.map((item, i) => (
              <label class="option">
                <input type="radio" name="item" value={String(i)} data-name={item.name} data-amount={String(item.amount)} checked={i === preset} />
                <span class="name">{item.name}</span>
                <span class="price">{amount(item.amount)}</span>
              </label>
            ))}
            <label class="option">
              <input type="radio" name="item" value="custom" checked={custom} />
              <span class="name">{t("checkout.custom")}</span>
            </label>
          </div>
        </fieldset>
        <div id="custom-fields" hidden={!custom}>
          <Field name="name" label={t("checkout.itemName")} value={custom ? v.prefill!.name : ""} maxlength={40} hint={t("checkout.itemName.hint")} />
          <Field
            name="amount"
            label={t("checkout.amount")}
            value={custom ? v.prefill!.amount : ""}
            inputmode="numeric"
            autocomplete="off"
            hint={t("checkout.amount.hint")}
          />
        </div>
        <p class="total">
          <span>{t("checkout.total")}</span>
          <strong data-total>{custom ? "—" : amount(items[preset]!.amount)}</strong>
        </p>
        <button type="submit" class="primary block">
          {custom ? t("client.pay") : t("client.payAmount", { amount: amount(items[preset]!.amount) })}
        </button>
        <p class="hint" data-mode-hint></p>
        <p class="hint" role="status" aria-live="polite" data-checkout-status></p>
      </form>
      {v.sandbox ? <p class="muted">{t("checkout.sandbox")}</p> : null}
    </Layout>
  );
}
