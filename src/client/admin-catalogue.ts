import { api, errorOf, type ApiResult } from "./api";
import { qs, qsa, say, typedAmount } from "./dom";
import { clearErrors, showErrors } from "./form-errors";
import { errorText, t } from "./i18n";

// The admin's catalogue pages (/admin/products, /admin/products/:id). Every form sends exactly what the admin
// typed (numbers as numbers, anything else as typed), so the API's own validation names any problem beside its
// field, in the page's language.

type Body = Record<string, unknown>;

/** A control's value by name (inputs, the description's textarea, the billing select). */
const value = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null)?.value ?? "";

const numberOrTyped = (raw: string) => typedAmount(raw) ?? raw;

// Error codes that name no field but are about one: shown beside it.
const PLACED = { slug_taken: "slug", price_not_replaceable: "amount" };

/** Sends a form's body; on success reloads (or goes where `after` says), otherwise shows the API's errors. */
function submitting(form: HTMLFormElement, send: () => Promise<ApiResult<Body>>, after?: (res: ApiResult<Body>) => void) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = qs<HTMLButtonElement>("button[type=submit]", form);
    if (button?.disabled) return;
    if (button) button.disabled = true;
    clearErrors(form);
    const res = await send();
    if (res.status === 200 || res.status === 201) {
      if (after) after(res);
      else location.reload();
      return;
    }
    if (button) button.disabled = false;
    showErrors(form, res, PLACED);
  });
}

/** A price's billing: only sent when it recurs (every N months or years, with a trial). */
function recurring(form: HTMLFormElement): Body | null {
  const interval = value(form, "recurring.interval");
  if (!interval) return null;
  const r: Body = { interval };
  const count = value(form, "recurring.interval_count").trim();
  const trial = value(form, "recurring.trial_days").trim();
  if (count !== "") r.interval_count = numberOrTyped(count);
  if (trial !== "") r.trial_days = numberOrTyped(trial);
  return r;
}

export function setUpAdminCatalogue() {
  for (const form of qsa<HTMLFormElement>("form[data-product-create]")) {
    submitting(
      form,
      () => {
        const body: Body = { slug: value(form, "slug"), name: value(form, "name"), description: value(form, "description") };
        const amount = value(form, "prices.0.amount").trim();
        if (amount !== "") {
          const price: Body = { amount: numberOrTyped(amount) };
          if (value(form, "prices.0.label").trim() !== "") price.label = value(form, "prices.0.label");
          body.prices = [price];
        }
        return api<Body>("POST", "/api/admin/products", body);
      },
      (res) => location.assign(`/admin/products/${encodeURIComponent(String(res.body!.id))}`),
    );
  }

  for (const form of qsa<HTMLFormElement>("form[data-product-edit]")) {
    const id = encodeURIComponent(form.getAttribute("data-product-edit")!);
    submitting(form, () =>
      api<Body>("PATCH", `/api/admin/products/${id}`, {
        name: value(form, "name"),
        slug: value(form, "slug"),
        description: value(form, "description"),
        active: (form.elements.namedItem("active") as HTMLInputElement).checked,
      }),
    );
  }

  for (const form of qsa<HTMLFormElement>("form[data-price-add]")) {
    const billing = form.elements.namedItem("recurring.interval") as HTMLSelectElement;
    const syncBilling = () => {
      qs("[data-recurring-fields]", form)!.hidden = !billing.value;
    };
    billing.addEventListener("change", syncBilling);
    syncBilling();
    const id = encodeURIComponent(form.getAttribute("data-price-add")!);
    submitting(form, () => {
      const body: Body = { amount: numberOrTyped(value(form, "amount")) };
      if (value(form, "label").trim() !== "") body.label = value(form, "label");
      const r = recurring(form);
      if (r) body.recurring = r;
      return api<Body>("POST", `/api/admin/products/${id}/prices`, body);
    });
  }

  // "Changing" a price: a new price with the same label and billing that replaces (and retires) the old one.
  for (const form of qsa<HTMLFormElement>("form[data-price-replace]")) {
    const product = encodeURIComponent(form.getAttribute("data-product")!);
    submitting(form, () => {
      const terms = JSON.parse(form.getAttribute("data-terms") || "{}") as { label?: string | null; recurring?: Body | null };
      const body: Body = { amount: numberOrTyped(value(form, "amount")), replaces: form.getAttribute("data-price-replace") };
      if (terms.label) body.label = terms.label;
      if (terms.recurring) body.recurring = terms.recurring;
      return api<Body>("POST", `/api/admin/products/${product}/prices`, body);
    });
  }

  const live = qs("[data-prices-status]");
  for (const button of qsa<HTMLButtonElement>("button[data-price-active]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(live, t("client.saving"));
      const id = encodeURIComponent(button.getAttribute("data-price-active")!);
      const res = await api("PATCH", `/api/admin/prices/${id}`, { active: button.getAttribute("data-active") === "true" });
      if (res.status === 200) {
        location.reload();
        return;
      }
      button.disabled = false;
      say(live, errorText(errorOf(res), res.status), true);
    });
  }
}
