import { api, newKey, type ApiResult, type FieldIssue } from "./api";
import { qs, qsa, say, typedAmount } from "./dom";
import { clearErrors, showErrors, showFormError } from "./form-errors";
import type { CheckoutParams as Checkout } from "../domain/checkout-params";
import { payMode, startPayment } from "./pay";
import { amount as won, number, t } from "./i18n";

// The shop's cart (#cart). It never adds prices up itself: every total it shows is the server's quote
// (POST /api/payments/quote), and the order is priced by the server again when it is made.

interface CartItem {
  price_id: string;
  /** A number when one was typed; anything else is sent as typed, so the server names the problem. */
  quantity: number | string;
}

interface Line {
  name: string;
  label: string | null;
  quantity: number;
  amount: number;
}

interface Quote {
  amount: number;
  line_items: Line[];
}

const MAX_QUANTITY = 99;
const REQUOTE_DELAY_MS = 250;

/**
 * The API names an item's problem by its position (items.1.quantity); the cart shows it beside that price's
 * quantity. A problem with the whole cart (its total: `items`) is told at the top in the error code's words.
 */
function placeErrors(res: ApiResult, sent: CartItem[]): ApiResult {
  const err = res.body?.error;
  if (!err?.details?.fields) return res;
  const fields = err.details.fields.map((f): FieldIssue => {
    const m = /^items\.(\d+)(?:\.|$)/.exec(f.field);
    const item = m ? sent[Number(m[1])] : undefined;
    return { ...f, field: item ? item.price_id : "(body)" };
  });
  return { status: res.status, body: { error: { ...err, details: { ...err.details, fields } } } };
}

export function setUpCart() {
  const cart = qs<HTMLFormElement>("#cart");
  if (!cart) return;
  let key = cart.getAttribute("data-idempotency-key") || newKey();
  const button = qs<HTMLButtonElement>("[data-pay]", cart)!;
  const status = qs("[data-checkout-status]", cart);
  const totalEl = qs("[data-total]", cart)!;
  const linesEl = qs("[data-cart-lines]", cart)!;
  const inputs = qsa<HTMLInputElement>("input[data-price-id]", cart);
  let busy = false;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const items = (): CartItem[] =>
    inputs
      .filter((i) => i.value.trim() !== "" && i.value.trim() !== "0")
      .map((i) => ({ price_id: i.getAttribute("data-price-id")!, quantity: typedAmount(i.value) ?? i.value }));

  const show = (quote: Quote | null) => {
    linesEl.textContent = "";
    for (const l of quote?.line_items ?? []) {
      const li = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = t("client.line", { name: l.label ? `${l.name} (${l.label})` : l.name, quantity: number(l.quantity) });
      const amount = document.createElement("span");
      amount.className = "amount";
      amount.textContent = won(l.amount);
      li.append(name, amount);
      linesEl.appendChild(li);
    }
    totalEl.textContent = quote ? won(quote.amount) : "\u2014";
    if (!busy) button.textContent = quote ? t("client.payAmount", { amount: won(quote.amount) }) : t("client.pay");
  };

  const requote = async () => {
    const sent = items();
    const mine = ++seq;
    clearErrors(cart);
    if (sent.length === 0) {
      show(null);
      return;
    }
    const res = await api<Quote>("POST", "/api/payments/quote", { items: sent });
    if (mine !== seq) return; // a newer change is being priced
    if (res.status === 200 && res.body) {
      show(res.body);
      return;
    }
    show(null);
    showErrors(cart, placeErrors(res, sent));
  };

  // Until the server has priced a change, no total is shown: never a sum the page made up.
  const changed = () => {
    totalEl.textContent = "\u2026";
    if (!busy) button.textContent = t("client.pay");
    clearTimeout(timer);
    timer = setTimeout(() => void requote(), REQUOTE_DELAY_MS);
  };

  for (const b of qsa<HTMLButtonElement>("button[data-step]", cart)) {
    b.addEventListener("click", () => {
      const input = document.getElementById(b.getAttribute("data-for")!) as HTMLInputElement | null;
      if (!input) return;
      const n = Number(input.value);
      const current = Number.isInteger(n) ? n : 0;
      input.value = String(Math.max(0, Math.min(MAX_QUANTITY, current + Number(b.getAttribute("data-step")))));
      changed();
    });
  }
  for (const input of inputs) input.addEventListener("input", changed);

  const hint = qs("[data-mode-hint]", cart);
  if (hint) hint.textContent = t(payMode() === "redirect" ? "client.hint.redirect" : "client.hint.popup");

  // A page restored from the back/forward cache is a new cart: it must not replay the last order.
  window.addEventListener("pageshow", (e) => {
    if (!e.persisted) return;
    key = newKey();
    busy = false;
    button.disabled = false;
    say(status, "");
    void requote();
  });

  cart.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const sent = items();
    clearErrors(cart);
    if (sent.length === 0) {
      showFormError(cart, t("client.emptyCart"));
      return;
    }
    busy = true;
    clearTimeout(timer);
    button.disabled = true;
    button.textContent = t("client.creating");
    say(status, "");
    let res = await api<{ merchant_uid: string; checkout: Checkout }>("POST", "/api/payments", { items: sent }, { "Idempotency-Key": key });
    if (res.status === 422 && res.body?.error?.code === "idempotency_key_reused") {
      // The cart changed after an earlier order was made with this key: this is a new order.
      key = newKey();
      res = await api("POST", "/api/payments", { items: sent }, { "Idempotency-Key": key });
    }
    if (res.status !== 201 || !res.body) {
      busy = false;
      button.disabled = false;
      await requote();
      showErrors(cart, placeErrors(res, sent));
      return;
    }
    button.textContent = t("client.waiting");
    say(status, t(payMode() === "redirect" ? "client.opening" : "client.completeInWindow"));
    const problem = await startPayment(res.body.checkout);
    const q = new URLSearchParams({ result: "failed", message: problem });
    location.assign(`/payments/${encodeURIComponent(res.body.merchant_uid)}?${q}`);
  });
}
