/** @jsxImportSource hono/jsx */
import { sdkUrlFor } from "../config";
import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import { PAYMENT_STATUSES, type PaymentStatus } from "../domain/payment-state";
import { i18nOf } from "../middleware/locale";
import { isAdmin, loadSession } from "../middleware/session";
import { MAX_ORDER_LINES, MAX_QUANTITY, PRICE_ID_PATTERN, PRODUCT_ID_PATTERN } from "../domain/catalogue";
import { AppError } from "../domain/errors";
import { getProduct, listAdminCatalogue, listShopCatalogue, quoteOrder } from "../services/catalogue";
import { checkoutFor } from "../services/create-payment";
import { allPayments, ownPayments, paymentDetail, paymentOwner } from "../services/payment-queries";
import { roleOverview } from "../services/roles";
import type { AppEnv } from "../types";
import { AdminListPage, AdminPaymentPage } from "../views/admin";
import { AdminRolesPage } from "../views/admin-roles";
import { AuthPage } from "../views/auth";
import { CheckoutPage } from "../views/checkout";
import { HistoryPage, MessagePage, PaymentPage } from "../views/payments";
import { render } from "../views/render";
import { deps } from "./shared";
import { addSubscriptionPages } from "./subscription-pages";
import { presentAdmin, presentEvent, presentLineItem, presentPayment, presentProduct, presentRefund, presentRoleChange } from "../services/present";
import { AdminProductPage, AdminProductsPage } from "../views/admin-catalogue";

// The browser pages: server-rendered with hono/jsx (escaped by default), one stylesheet and one script served
// as static assets (src/views/assets.ts). Every write goes through the JSON API from the page's script, so the
// API's rules are the only rules.

const PAGE_SIZE = 20;
const CURSOR = /^[1-9][0-9]{0,15}$/;

/** The page CSP: our own origin plus the Iamport SDK's (the sandbox is same-origin; production is cdn.iamport.kr). */
function contentSecurityPolicy(c: Context<AppEnv>): string {
  const self = new URL(c.req.url).origin;
  let sdk = "";
  try {
    const url = new URL(sdkUrlFor(c.var.config), c.req.url);
    // Iamport's real SDK opens its payment window in a frame from its own hosts (service.iamport.kr, …).
    // PortOne's V2 SDK (cdn.portone.io) likewise opens its windows from PortOne's hosts.
    if (url.origin !== self) {
      const family = url.hostname.endsWith(".iamport.kr") ? " https://*.iamport.kr" : url.hostname.endsWith(".portone.io") ? " https://*.portone.io" : "";
      sdk = ` ${url.origin}${family}`;
    }
  } catch {
    // An unparsable SDK URL loads nothing; the CSP stays at 'self'.
  }
  return [
    "default-src 'self'",
    `script-src 'self'${sdk}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-src 'self'${sdk}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Headers for every page. No Cross-Origin-Opener-Policy: same-origin, which would cut the payment popup's
 * window.opener and with it the result the window posts back.
 */
export function setPageHeaders(c: Context<AppEnv>) {
  c.header("Content-Security-Policy", contentSecurityPolicy(c));
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  c.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  c.header("Cache-Control", "no-store");
  if (new URL(c.req.url).protocol === "https:") c.header("Strict-Transport-Security", "max-age=31536000");
}

export const pageHeaders = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    setPageHeaders(c);
  });

export function notFoundPage(c: Context<AppEnv>, what: "page" | "payment" | "product" | "subscription" = "page") {
  setPageHeaders(c);
  const { t } = i18nOf(c);
  const user = c.var.user ?? null;
  const page = what;
  return render(
    c,
    <MessagePage user={user} admin={isAdmin(c)} title={t(`notFound.${page}.title`)} message={t(`notFound.${page}.message`)} />,
    404,
  );
}

/** Only same-site paths: never another host (//evil, /\evil), never back to the login pages. */
export function safeNext(raw: string | undefined): string {
  if (!raw || raw.length > 1000 || !raw.startsWith("/") || raw.startsWith("//")) return "/checkout";
  if (/[\\\u0000-\u001f\u007f]/.test(raw) || /^\/(login|signup)(?:[?#/]|$)/.test(raw)) return "/checkout";
  return raw;
}

export const signedIn = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.user) {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
    }
    await next();
  });

export const adminOnly = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!isAdmin(c)) {
      const { t } = i18nOf(c);
      return render(c, <MessagePage user={c.var.user} title={t("adminOnly.title")} message={t("adminOnly.message")} />, 403);
    }
    await next();
  });

const olderHref = (path: string, params: Record<string, string | undefined>, rows: { id: number }[]) => {
  if (rows.length <= PAGE_SIZE) return null;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  q.set("cursor", String(rows[PAGE_SIZE - 1]!.id));
  return `${path}?${q}`;
};

const statusParam = (v: string | undefined) =>
  v && (PAYMENT_STATUSES as readonly string[]).includes(v) ? (v as PaymentStatus) : undefined;

const cursorParam = (v: string | undefined) => (v && CURSOR.test(v) ? Number(v) : undefined);

export const pageRoutes = new Hono<AppEnv>();

for (const path of ["/", "/login", "/signup", "/checkout", "/payments", "/payments/:merchant_uid", "/admin", "/admin/*"]) {
  pageRoutes.use(path, loadSession(), pageHeaders());
}
pageRoutes.use("/checkout", signedIn());
pageRoutes.use("/payments", signedIn());
pageRoutes.use("/payments/:merchant_uid", signedIn());
pageRoutes.use("/admin", signedIn(), adminOnly());
pageRoutes.use("/admin/*", signedIn(), adminOnly());

pageRoutes.get("/", (c) => c.redirect("/checkout", 302));

for (const mode of ["login", "signup"] as const) {
  pageRoutes.get(`/${mode}`, (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.var.user) return c.redirect(next, 302);
    return render(c, <AuthPage mode={mode} next={next} />);
  });
}

/** A refusal (a cart over the limit, a product that does not exist) becomes null; anything else still fails. */
const unlessRefused = (e: unknown): null => {
  if (e instanceof AppError && e.status < 500) return null;
  throw e;
};

/** `?cart=price_a:2,price_b:1` (a "try again" link): quantities to start the cart with, malformed parts ignored. */
function cartParam(raw: string | undefined): Record<string, number> {
  const cart: Record<string, number> = {};
  for (const part of (raw ?? "").slice(0, 1000).split(",").slice(0, MAX_ORDER_LINES)) {
    const [id, qty] = part.split(":");
    const n = Number(qty);
    if (id && PRICE_ID_PATTERN.test(id) && Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY) cart[id] = n;
  }
  return cart;
}

pageRoutes.get("/checkout", async (c) => {
  const name = c.req.query("name")?.trim();
  const amount = c.req.query("amount")?.trim();
  const prefill = name && amount && name.length <= 40 && /^[0-9]{1,12}$/.test(amount) ? { name, amount } : null;
  const products = (await listShopCatalogue(deps(c))).map((p) => presentProduct(p.product, p.prices));
  // Only prices still on sale are carried over; the total shown is the server's price for them.
  const sellable = new Set(products.flatMap((p) => p.prices.filter((x) => x.type === "one_time").map((x) => x.id)));
  const cart = Object.fromEntries(Object.entries(cartParam(c.req.query("cart"))).filter(([id]) => sellable.has(id)));
  const items = Object.entries(cart).map(([price_id, quantity]) => ({ price_id, quantity }));
  const quote = items.length ? await quoteOrder(deps(c), items).catch(unlessRefused) : null;
  return render(
    c,
    <CheckoutPage
      user={c.var.user!}
      admin={isAdmin(c)}
      sdkUrl={sdkUrlFor(c.var.config)}
      idempotencyKey={crypto.randomUUID()}
      products={products}
      cart={quote ? cart : {}}
      quote={quote ? { amount: quote.amount, line_items: quote.lines.map(presentLineItem) } : null}
      customAmounts={c.var.config.ALLOW_CUSTOM_AMOUNTS}
      prefill={prefill}
      sandbox={!!c.env.IAMPORT_SANDBOX}
    />,
  );
});

pageRoutes.get("/payments", async (c) => {
  const status = statusParam(c.req.query("status"));
  const rows = await ownPayments(c.var, {
    userId: c.var.user!.id,
    status,
    beforeId: cursorParam(c.req.query("cursor")),
    limit: PAGE_SIZE + 1,
  });
  return render(
    c,
    <HistoryPage
      user={c.var.user!}
      admin={isAdmin(c)}
      items={rows.slice(0, PAGE_SIZE).map((p) => presentPayment(p, p.items))}
      status={status}
      olderHref={olderHref("/payments", { status }, rows)}
    />,
  );
});

pageRoutes.get("/payments/:merchant_uid", async (c) => {
  const merchantUid = c.req.param("merchant_uid");
  const detail = await paymentDetail(c.var, merchantUid);
  const user = c.var.user!;
  // Another user's payment is a 404, exactly like one that does not exist; admins have their own page for it.
  if (!detail || detail.payment.userId !== user.id) {
    if (detail && isAdmin(c)) return c.redirect(`/admin/payments/${merchantUid}`, 302);
    return notFoundPage(c, "payment");
  }
  const row = detail.payment;
  const result = c.req.query("result");
  const hint =
    result === "failed"
      ? { code: c.req.query("code")?.slice(0, 32) ?? null, message: c.req.query("message")?.slice(0, 300) || null }
      : null;
  // PortOne V2 records no attempt id until PortOne's answer is validated: a report queued within the reconciler's
  // grace period means the verdict is on its way, so the page follows it (as for a recorded imp_uid on V1) instead
  // of offering to pay again; after that the order is payable again.
  const reported =
    row.status === "ready" &&
    (row.impUid !== null ||
      (row.validationQueuedAt !== null && c.var.now() - row.validationQueuedAt < c.var.config.RECONCILE_AFTER_SECONDS * 1000));
  const payable = row.status === "ready" && !reported;
  return render(
    c,
    <PaymentPage
      user={user}
      admin={isAdmin(c)}
      payment={presentPayment(row, detail.items)}
      events={detail.events.map(presentEvent)}
      refunds={detail.refunds.map(presentRefund)}
      hint={hint}
      reported={reported}
      checkout={payable ? checkoutFor(deps(c), row, user, new URL(c.req.url).origin) : null}
      sdkUrl={sdkUrlFor(c.var.config)}
    />,
  );
});

pageRoutes.get("/admin", (c) => c.redirect("/admin/payments", 302));

pageRoutes.get("/admin/payments", async (c) => {
  const status = statusParam(c.req.query("status"));
  const filters = {
    status: status ?? "",
    email: (c.req.query("email") ?? "").trim().slice(0, 254),
    merchant_uid: (c.req.query("merchant_uid") ?? "").trim().slice(0, 40),
  };
  const rows = await allPayments(c.var, {
    status,
    email: filters.email || undefined,
    merchantUid: filters.merchant_uid || undefined,
    beforeId: cursorParam(c.req.query("cursor")),
    limit: PAGE_SIZE + 1,
  });
  return render(
    c,
    <AdminListPage
      user={c.var.user!}
      rows={rows.slice(0, PAGE_SIZE).map((r) => ({ payment: presentPayment(r.payment), email: r.email }))}
      filters={filters}
      olderHref={olderHref("/admin/payments", filters, rows.map((r) => r.payment))}
    />,
  );
});

pageRoutes.get("/admin/payments/:merchant_uid", async (c) => {
  const detail = await paymentDetail(c.var, c.req.param("merchant_uid"));
  if (!detail) return notFoundPage(c, "payment");
  // An account that no longer exists is named in the page's language.
  const owner = (await paymentOwner(c.var, detail.payment.userId)) ?? { email: i18nOf(c).t("payment.deletedUser"), name: "" };
  return render(
    c,
    <AdminPaymentPage
      user={c.var.user!}
      payment={presentPayment(detail.payment, detail.items)}
      owner={owner}
      events={detail.events.map(presentEvent)}
      refunds={detail.refunds.map(presentRefund)}
    />,
  );
});

pageRoutes.get("/admin/roles", async (c) => {
  const { admins, history } = await roleOverview(c.var);
  return render(
    c,
    <AdminRolesPage
      user={c.var.user!}
      admins={admins.map(presentAdmin)}
      changes={history.map(presentRoleChange)}
    />,
  );
});

pageRoutes.get("/admin/products", async (c) => {
  const products = (await listAdminCatalogue(deps(c))).map((p) => presentProduct(p.product, p.prices));
  return render(c, <AdminProductsPage user={c.var.user!} products={products} />);
});

pageRoutes.get("/admin/products/:id", async (c) => {
  const id = c.req.param("id");
  if (!PRODUCT_ID_PATTERN.test(id)) return notFoundPage(c, "product");
  const found = await getProduct(deps(c), id).catch(unlessRefused);
  if (!found) return notFoundPage(c, "product");
  return render(c, <AdminProductPage user={c.var.user!} product={presentProduct(found.product, found.prices)} />);
});

// The subscriber's portal and the administrators' subscription pages (src/routes/subscription-pages.tsx).
addSubscriptionPages(pageRoutes);
