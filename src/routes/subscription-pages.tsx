/** @jsxImportSource hono/jsx */
import { sdkUrlFor } from "../config";
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "../domain/subscription-state";
import { AppError } from "../domain/errors";
import { isAdmin, loadSession } from "../middleware/session";
import { listShopCatalogue } from "../services/catalogue";
import { presentPlan, presentSubscription } from "../services/present-subscription";
import { CURSOR_PATTERN, cursorOf, parseCursor, presentDetail, subscriptionPage, visibleSubscription } from "../services/subscription-queries";
import type { AppEnv } from "../types";
import { render } from "../views/render";
import { AdminSubscriptionPage, AdminSubscriptionsPage, SubscriptionPage, SubscriptionsPage, type CardHint } from "../views/subscriptions";
import { notFoundPage, pageHeaders, signedIn } from "./pages";
import type { Hono as HonoRouter } from "hono";
import { deps } from "./shared";

// The subscription pages: the subscriber's portal and the administrators' list and detail.

const PAGE_SIZE = 20;

const notFoundAsPage = async <T,>(work: Promise<T>): Promise<T | undefined> => {
  try {
    return await work;
  } catch (e) {
    if (e instanceof AppError && e.status === 404) return undefined;
    throw e;
  }
};

/**
 * Registers the subscription pages on the pages' router (src/routes/pages.tsx calls this once it is built, so the
 * helpers it shares are defined by then).
 */
export function addSubscriptionPages(subscriptionPageRoutes: HonoRouter<AppEnv>) {
// The admin pages are under /admin/*, which the pages' router already signs in and limits to administrators.
for (const path of ["/subscriptions", "/subscriptions/:id"]) {
  subscriptionPageRoutes.use(path, loadSession(), pageHeaders(), signedIn());
}

subscriptionPageRoutes.get("/subscriptions", async (c) => {
  const user = c.var.user!;
  const [rows, catalogue] = await Promise.all([subscriptionPage(c.var, { userId: user.id, limit: 50 }), listShopCatalogue(deps(c))]);
  const plans = catalogue.flatMap((p) => p.prices.filter((price) => price.interval !== null).map((price) => presentPlan(price, p.product)));
  return render(
    c,
    <SubscriptionsPage user={user} admin={isAdmin(c)} items={rows.map((r) => presentSubscription(r))} plans={plans} sdkUrl={sdkUrlFor(c.var.config)} />,
  );
});

subscriptionPageRoutes.get("/subscriptions/:id", async (c) => {
  const user = c.var.user!;
  const detail = await notFoundAsPage(visibleSubscription(c.var, { userId: user.id, admin: false }, c.req.param("id")));
  if (!detail) {
    if (isAdmin(c)) {
      const any = await notFoundAsPage(visibleSubscription(c.var, { userId: user.id, admin: true }, c.req.param("id")));
      if (any) return c.redirect(`/admin/subscriptions/${any.subscription.id}`, 302);
    }
    return notFoundPage(c, "subscription");
  }
  const card = c.req.query("card");
  const hint: CardHint | null =
    card === "registered" || card === "failed"
      ? { ok: card === "registered", code: c.req.query("code")?.slice(0, 40) ?? null, message: c.req.query("message")?.slice(0, 300) || null }
      : null;
  return render(c, <SubscriptionPage user={user} admin={isAdmin(c)} sub={presentDetail(detail, { admin: false })} sdkUrl={sdkUrlFor(c.var.config)} hint={hint} />);
});

subscriptionPageRoutes.get("/admin/subscriptions", async (c) => {
  const raw = c.req.query("status");
  const status = raw && (SUBSCRIPTION_STATUSES as readonly string[]).includes(raw) ? (raw as SubscriptionStatus) : undefined;
  const cursor = c.req.query("cursor");
  const rows = await subscriptionPage(c.var, { status, before: cursor && CURSOR_PATTERN.test(cursor) ? parseCursor(cursor) : undefined, limit: PAGE_SIZE + 1 });
  const page = rows.slice(0, PAGE_SIZE);
  const older = rows.length > PAGE_SIZE ? `/admin/subscriptions?${new URLSearchParams({ ...(status ? { status } : {}), cursor: cursorOf(page.at(-1)!.subscription) })}` : null;
  return render(
    c,
    <AdminSubscriptionsPage user={c.var.user!} items={page.map((r) => presentSubscription(r))} status={status} olderHref={older} />,
  );
});

subscriptionPageRoutes.get("/admin/subscriptions/:id", async (c) => {
  const detail = await notFoundAsPage(visibleSubscription(c.var, { userId: c.var.user!.id, admin: true }, c.req.param("id")));
  if (!detail) return notFoundPage(c, "subscription");
  return render(c, <AdminSubscriptionPage user={c.var.user!} sub={presentDetail(detail, { admin: true })} />);
});
}
