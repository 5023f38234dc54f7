/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { krw } from "./format";
import { Field, FormError, Layout } from "./layout";

/** The demo shop's catalogue. Prices are integer KRW, as the API takes them. */
export const CATALOGUE = [
  { name: "Americano", amount: 4_500 },
  { name: "Café latte", amount: 5_000 },
  { name: "Butter croissant", amount: 3_800 },
  { name: "Gift box", amount: 12_000 },
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
  const preset = v.prefill ? CATALOGUE.findIndex((i) => i.name === v.prefill!.name && String(i.amount) === v.prefill!.amount) : 0;
  const custom = preset === -1;
  return (
    <Layout title="Shop" user={v.user} admin={v.admin} nav="shop" sdkUrl={v.sdkUrl}>
      <h1>Shop</h1>
      <p class="lead">Pick something from the demo catalogue, or enter your own amount, and pay by card through Iamport.</p>
      <form id="checkout" class="card" data-idempotency-key={v.idempotencyKey} novalidate>
        <FormError />
        <fieldset>
          <legend>What are you buying?</legend>
          <div class="options">
            {CATALOGUE.map((item, i) => (
              <label class="option">
                <input type="radio" name="item" value={String(i)} data-name={item.name} data-amount={String(item.amount)} checked={i === preset} />
                <span class="name">{item.name}</span>
                <span class="price">{krw(item.amount)}</span>
              </label>
            ))}
            <label class="option">
              <input type="radio" name="item" value="custom" checked={custom} />
              <span class="name">Custom amount</span>
            </label>
          </div>
        </fieldset>
        <div id="custom-fields" hidden={!custom}>
          <Field name="name" label="Item name" value={custom ? v.prefill!.name : ""} maxlength={40} hint="What the buyer sees in the payment window." />
          <Field
            name="amount"
            label="Amount (₩)"
            value={custom ? v.prefill!.amount : ""}
            inputmode="numeric"
            autocomplete="off"
            hint="Whole won, at least ₩100."
          />
        </div>
        <p class="total">
          <span>Total</span>
          <strong data-total>{custom ? "—" : krw(CATALOGUE[preset]!.amount)}</strong>
        </p>
        <button type="submit" class="primary block">
          Pay
        </button>
        <p class="hint" data-mode-hint></p>
        <p class="hint" role="status" aria-live="polite" data-checkout-status></p>
      </form>
      {v.sandbox ? (
        <p class="muted">Local development: payments go to the built-in Iamport sandbox, and no real card is charged.</p>
      ) : null}
    </Layout>
  );
}
