/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { MAX_TRIAL_DAYS } from "../domain/catalogue";
import type { I18n } from "../i18n";
import type { presentPrice, presentProduct } from "../services/present";
import { useI18n } from "./i18n";
import { Field, FormError, Layout } from "./layout";
import { When } from "./payment-parts";

// The admin's catalogue pages. Their forms send JSON to /api/admin/products and /api/admin/prices through the page
// script (src/client/admin-catalogue.ts) exactly as typed, so the API's own validation names any problem beside
// its field. Product names and labels are the shop's data, shown as the admin wrote them in every language.

type ProductJson = ReturnType<typeof presentProduct>;
type PriceJson = ReturnType<typeof presentPrice>;

/** "월 9,900원" / "₩9,900 / month", "3개월마다 99,000원" / "₩99,000 every 3 months", or the amount of a one-off price. */
export function billing({ t, amount, number }: I18n, p: PriceJson): string {
  if (!p.recurring) return amount(p.amount);
  const { interval, interval_count: n } = p.recurring;
  const won = amount(p.amount);
  if (n === 1) return t(interval === "month" ? "price.month" : "price.year", { amount: won });
  return t(interval === "month" ? "price.months" : "price.years", { amount: won, count: number(n) });
}

const priceName = (i18n: I18n, p: PriceJson) => (p.label ? `${billing(i18n, p)} (${p.label})` : billing(i18n, p));

function kind(i18n: I18n, p: PriceJson): string {
  if (!p.recurring) return i18n.t("price.oneOff");
  const trial = p.recurring.trial_days > 0 ? i18n.t("price.trial", { days: i18n.number(p.recurring.trial_days) }) : "";
  return [i18n.t("price.plan"), trial].filter(Boolean).join(", ");
}

/** The admin's two areas, payments and the catalogue. */
export function AdminTabs(p: { current: "payments" | "products" | "subscriptions" }) {
  const { t } = useI18n();
  return (
    <nav class="tabs" aria-label={t("admin.tabs")}>
      <a href="/admin/payments" aria-current={p.current === "payments" ? "page" : undefined}>
        {t("admin.tabs.payments")}
      </a>
      <a href="/admin/products" aria-current={p.current === "products" ? "page" : undefined}>
        {t("admin.tabs.products")}
      </a>
      <a href="/admin/subscriptions" aria-current={p.current === "subscriptions" ? "page" : undefined}>
        {t("sub.admin.tab")}
      </a>
    </nav>
  );
}

function OnSale(p: { active: boolean }) {
  const { t } = useI18n();
  return <span class={`badge ${p.active ? "paid" : "cancelled"}`}>{t(p.active ? "admin.products.onSale" : "admin.products.notSold")}</span>;
}

function Textarea(p: { name: string; label: string; value: string; hint?: string }) {
  const id = `f-${p.name}`;
  const described = [p.hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <textarea id={id} name={p.name} rows={3} aria-describedby={described}>
        {p.value}
      </textarea>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <p class="field-error" id={`${id}-error`} data-error-for={p.name} data-label={p.label} hidden></p>
    </div>
  );
}

export function AdminProductsPage(v: { user: UserRow; products: ProductJson[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Layout title={t("admin.products.title")} user={v.user} admin nav="admin" wide>
      <AdminTabs current="products" />
      <h1>{t("admin.products.title")}</h1>
      <p class="lead">{t("admin.products.lead")}</p>
      {v.products.length === 0 ? (
        <p class="empty">{t("admin.products.empty")}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={t("admin.products.region")} tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("admin.products.col.product")}</th>
                <th scope="col">{t("admin.products.col.slug")}</th>
                <th scope="col">{t("admin.products.col.prices")}</th>
                <th scope="col">{t("admin.products.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {v.products.map((p) => (
                <tr>
                  <td>
                    <a href={`/admin/products/${p.id}`}>{p.name}</a>
                  </td>
                  <td class="mono">{p.slug}</td>
                  <td>
                    {p.prices
                      .filter((x) => x.active)
                      .map((x) => priceName(i18n, x))
                      .join(" · ") || "—"}
                  </td>
                  <td>
                    <OnSale active={p.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section class="card" aria-labelledby="new-product-title">
        <h2 id="new-product-title">{t("admin.products.newTitle")}</h2>
        <form data-product-create novalidate>
          <FormError />
          <Field name="name" label={t("admin.products.name")} maxlength={80} hint={t("admin.products.name.hint")} required />
          <Field name="slug" label={t("admin.products.slug")} maxlength={64} autocomplete="off" hint={t("admin.products.slug.hint")} required />
          <Textarea name="description" label={t("admin.products.description")} value="" hint={t("admin.products.description.hint")} />
          <Field
            name="prices.0.amount"
            label={t("admin.products.firstPrice")}
            inputmode="numeric"
            autocomplete="off"
            hint={t("admin.products.firstPrice.hint")}
          />
          <Field name="prices.0.label" label={t("admin.products.firstLabel")} maxlength={40} hint={t("admin.products.firstLabel.hint")} />
          <button type="submit" class="primary">
            {t("admin.products.create")}
          </button>
        </form>
      </section>
    </Layout>
  );
}

/** One price's row: its terms, and the ways to change it (a new amount, or whether it is sold). */
function PriceRow(v: { product: ProductJson; price: PriceJson }) {
  const i18n = useI18n();
  const { t } = i18n;
  const x = v.price;
  const name = priceName(i18n, x);
  return (
    <tr>
      <td class="num">{billing(i18n, x)}</td>
      <td>{x.label ?? "—"}</td>
      <td>{kind(i18n, x)}</td>
      <td>
        <OnSale active={x.active} />
      </td>
      <td>
        <When at={x.created_at} />
      </td>
      <td>
        {x.active ? (
          <div class="row-actions">
            <form
              class="inline"
              data-price-replace={x.id}
              data-product={v.product.id}
              data-terms={JSON.stringify({ label: x.label, recurring: x.recurring })}
              novalidate
            >
              <label class="visually-hidden" for={`replace-${x.id}`}>
                {t("admin.product.newAmountFor", { price: name })}
              </label>
              <input
                id={`replace-${x.id}`}
                name="amount"
                type="text"
                inputmode="numeric"
                autocomplete="off"
                size={9}
                placeholder={t("admin.product.newAmount")}
              />
              <button type="submit">{t("admin.product.changeAmount")}</button>
              <p class="field-error" data-error-for="amount" data-label={t("admin.product.newAmount")} hidden></p>
              <FormError />
            </form>
            <button type="button" class="danger" data-price-active={x.id} data-active="false" aria-label={t("admin.product.stopSellingLabel", { price: name })}>
              {t("admin.product.stopSelling")}
            </button>
          </div>
        ) : (
          <button type="button" data-price-active={x.id} data-active="true" aria-label={t("admin.product.sellAgainLabel", { price: name })}>
            {t("admin.product.sellAgain")}
          </button>
        )}
      </td>
    </tr>
  );
}

export function AdminProductPage(v: { user: UserRow; product: ProductJson }) {
  const i18n = useI18n();
  const { t } = i18n;
  const p = v.product;
  return (
    <Layout title={p.name} user={v.user} admin nav="admin" wide>
      <AdminTabs current="products" />
      <p>
        <a href="/admin/products">{t("admin.product.back")}</a>
      </p>
      <h1>
        {p.name} <OnSale active={p.active} />
      </h1>
      <section class="card" aria-labelledby="prices-title">
        <h2 id="prices-title">{t("admin.product.pricesTitle")}</h2>
        <p class="muted">{t("admin.product.pricesNote")}</p>
        <p role="status" aria-live="polite" data-prices-status></p>
        {p.prices.length === 0 ? (
          <p class="empty">{t("admin.product.noPrices")}</p>
        ) : (
          <div class="table-wrap" role="region" aria-label={t("admin.product.pricesRegion")} tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    {t("admin.product.col.price")}
                  </th>
                  <th scope="col">{t("admin.product.col.label")}</th>
                  <th scope="col">{t("admin.product.col.kind")}</th>
                  <th scope="col">{t("admin.product.col.status")}</th>
                  <th scope="col">{t("admin.product.col.created")}</th>
                  <th scope="col">{t("admin.product.col.change")}</th>
                </tr>
              </thead>
              <tbody>
                {p.prices.map((x) => (
                  <PriceRow product={p} price={x} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="add-price-title">
        <h2 id="add-price-title">{t("admin.product.addTitle")}</h2>
        <form data-price-add={p.id} novalidate>
          <FormError />
          <Field name="amount" label={t("admin.product.amount")} inputmode="numeric" autocomplete="off" hint={t("admin.product.amount.hint")} required />
          <Field name="label" label={t("admin.product.label")} maxlength={40} hint={t("admin.product.label.hint")} />
          <div class="field">
            <label for="f-billing">{t("admin.product.billing")}</label>
            <select id="f-billing" name="recurring.interval">
              <option value="">{t("admin.product.billing.once")}</option>
              <option value="month">{t("admin.product.billing.month")}</option>
              <option value="year">{t("admin.product.billing.year")}</option>
            </select>
          </div>
          <div data-recurring-fields hidden>
            <Field
              name="recurring.interval_count"
              label={t("admin.product.intervalCount")}
              value="1"
              inputmode="numeric"
              hint={t("admin.product.intervalCount.hint")}
            />
            <Field
              name="recurring.trial_days"
              label={t("admin.product.trialDays")}
              value="0"
              inputmode="numeric"
              hint={t("admin.product.trialDays.hint", { max: i18n.number(MAX_TRIAL_DAYS) })}
            />
          </div>
          <button type="submit" class="primary">
            {t("admin.product.addPrice")}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="edit-product-title">
        <h2 id="edit-product-title">{t("admin.product.detailsTitle")}</h2>
        <form data-product-edit={p.id} novalidate>
          <FormError />
          <Field name="name" label={t("admin.products.name")} value={p.name} maxlength={80} hint={t("admin.product.name.hint")} required />
          <Field name="slug" label={t("admin.products.slug")} value={p.slug} maxlength={64} autocomplete="off" hint={t("admin.products.slug.hint")} required />
          <Textarea name="description" label={t("admin.products.description")} value={p.description} hint={t("admin.products.description.hint")} />
          <div class="field check">
            <input id="f-active" name="active" type="checkbox" checked={p.active} />
            <label for="f-active">{t("admin.product.active")}</label>
          </div>
          <button type="submit" class="primary">
            {t("admin.product.save")}
          </button>
        </form>
      </section>
    </Layout>
  );
}
