/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import { MAX_TRIAL_DAYS } from "../domain/catalogue";
import type { presentPrice, presentProduct } from "../services/present";
import { krw } from "./format";
import { Field, FormError, Layout } from "./layout";
import { When } from "./payment-parts";

type ProductJson = ReturnType<typeof presentProduct>;
type PriceJson = ReturnType<typeof presentPrice>;

/** "₩9,900 / month", "₩99,000 every 3 months", "₩4,500". */
export function billing(p: PriceJson): string {
  if (!p.recurring) return krw(p.amount);
  const { interval, interval_count: n } = p.recurring;
  return n === 1 ? `${krw(p.amount)} / ${interval}` : `${krw(p.amount)} every ${n} ${interval}s`;
}

const trial = (p: PriceJson) => (p.recurring && p.recurring.trial_days > 0 ? `${p.recurring.trial_days}-day trial` : "");

/** The admin's two areas, payments and the catalogue. */
export function AdminTabs(p: { current: "payments" | "products" }) {
  return (
    <nav class="tabs" aria-label="Admin">
      <a href="/admin/payments" aria-current={p.current === "payments" ? "page" : undefined}>
        Payments
      </a>
      <a href="/admin/products" aria-current={p.current === "products" ? "page" : undefined}>
        Products
      </a>
    </nav>
  );
}

const Status = (p: { active: boolean }) => <span class={`badge ${p.active ? "paid" : "cancelled"}`}>{p.active ? "On sale" : "Not sold"}</span>;

function Textarea(p: { name: string; label: string; value: string; hint?: string }) {
  const id = `f-${p.name}`;
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <textarea id={id} name={p.name} rows={3} aria-describedby={`${id}-hint ${id}-error`}>
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
  return (
    <Layout title="Products" user={v.user} admin nav="admin" wide scripts={["catalogue.js"]}>
      <AdminTabs current="products" />
      <h1>Products</h1>
      <p class="lead">What the shop sells and for how much. Buyers see products on sale with their prices on sale.</p>
      {v.products.length === 0 ? (
        <p class="empty">No products yet. Add the first one below.</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="Products" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Slug</th>
                <th scope="col">Prices on sale</th>
                <th scope="col">Status</th>
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
                      .map((x) => (x.label ? `${billing(x)} (${x.label})` : billing(x)))
                      .join(" · ") || "—"}
                  </td>
                  <td>
                    <Status active={p.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section class="card" aria-labelledby="new-product-title">
        <h2 id="new-product-title">New product</h2>
        <form data-product-create novalidate>
          <FormError />
          <Field name="name" label="Name" maxlength={80} hint="Shown to buyers and, cut to fit, in Iamport's payment window." required />
          <Field name="slug" label="Slug" maxlength={64} hint="Lowercase letters, digits and hyphens, e.g. gift-box. Unique." required />
          <Textarea name="description" label="Description" value="" hint="Optional." />
          <Field name="prices.0.amount" label="Price (₩)" inputmode="numeric" hint="Optional: a one-off price to start with. More prices can be added after." />
          <Field name="prices.0.label" label="Price label" maxlength={40} hint="Optional, e.g. Large." />
          <button type="submit" class="primary">
            Create product
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function AdminProductPage(v: { user: UserRow; product: ProductJson }) {
  const p = v.product;
  return (
    <Layout title={p.name} user={v.user} admin nav="admin" wide scripts={["catalogue.js"]}>
      <AdminTabs current="products" />
      <p>
        <a href="/admin/products">← Products</a>
      </p>
      <h1>
        {p.name} <Status active={p.active} />
      </h1>
      <section class="card" aria-labelledby="prices-title">
        <h2 id="prices-title">Prices</h2>
        <p class="muted">
          A price never changes once it exists: orders and subscriptions keep the price they were made with. Changing an
          amount makes a new price and stops selling the old one.
        </p>
        <p class="field-error" role="status" aria-live="polite" data-prices-status></p>
        {p.prices.length === 0 ? (
          <p class="empty">No prices yet: buyers cannot order this product.</p>
        ) : (
          <div class="table-wrap" role="region" aria-label="Prices" tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Price</th>
                  <th scope="col">Label</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {p.prices.map((x) => (
                  <tr>
                    <td class="num">{billing(x)}</td>
                    <td>{x.label ?? "—"}</td>
                    <td>{x.recurring ? ["Subscription plan", trial(x)].filter(Boolean).join(", ") : "One-off"}</td>
                    <td>
                      <Status active={x.active} />
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
                            data-product={p.id}
                            data-terms={JSON.stringify({ label: x.label, recurring: x.recurring })}
                            novalidate
                          >
                            <label class="visually-hidden" for={`replace-${x.id}`}>{`New amount for ${billing(x)} (₩)`}</label>
                            <input id={`replace-${x.id}`} name="amount" type="text" inputmode="numeric" size={9} placeholder="New ₩" />
                            <button type="submit">Change amount</button>
                            <p class="field-error" data-error-for="amount" data-label="New amount" hidden></p>
                            <div class="form-error" role="alert" tabindex={-1} data-form-error hidden></div>
                          </form>
                          <button type="button" class="danger" data-price-active={x.id} data-active="false">
                            Stop selling
                          </button>
                        </div>
                      ) : (
                        <button type="button" data-price-active={x.id} data-active="true">
                          Sell again
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="add-price-title">
        <h2 id="add-price-title">Add a price</h2>
        <form data-price-add={p.id} novalidate>
          <FormError />
          <Field name="amount" label="Amount (₩)" inputmode="numeric" hint="Whole won." required />
          <Field name="label" label="Label" maxlength={40} hint="Optional, e.g. Large or Monthly." />
          <div class="field">
            <label for="f-billing">Billing</label>
            <select id="f-billing" name="recurring.interval">
              <option value="">One-off</option>
              <option value="month">Every month(s) — a subscription plan</option>
              <option value="year">Every year(s) — a subscription plan</option>
            </select>
          </div>
          <div data-recurring-fields hidden>
            <Field name="recurring.interval_count" label="Every how many months or years" value="1" inputmode="numeric" hint="At most 36 months or 3 years." />
            <Field name="recurring.trial_days" label="Trial days" value="0" inputmode="numeric" hint={`0 to ${MAX_TRIAL_DAYS}.`} />
          </div>
          <button type="submit" class="primary">
            Add price
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="edit-product-title">
        <h2 id="edit-product-title">Product details</h2>
        <form data-product-edit={p.id} novalidate>
          <FormError />
          <Field name="name" label="Name" value={p.name} maxlength={80} hint="Orders already made keep the name they were made with." required />
          <Field name="slug" label="Slug" value={p.slug} maxlength={64} required />
          <Textarea name="description" label="Description" value={p.description} />
          <div class="field check">
            <input id="f-active" name="active" type="checkbox" checked={p.active} />
            <label for="f-active">On sale (shown in the shop)</label>
          </div>
          <button type="submit" class="primary">
            Save
          </button>
        </form>
      </section>
    </Layout>
  );
}
