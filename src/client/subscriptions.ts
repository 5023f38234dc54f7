import { api, errorOf, type ApiResult } from "./api";
import { qs, qsa, say } from "./dom";
import { errorText, t } from "./i18n";
import { loadSdk, payMode, type PayResponse } from "./iamport";
import { billingKeyOutcome, billingKeyRequest, loadPortoneSdk } from "./portone";
import type { CardRegistration, PortoneCardRegistration } from "../domain/card-registration";

// Subscriptions in the browser: subscribe to a plan and register its card in the configured gateway's billing-key
// window (Iamport V1: IMP.request_pay with a customer_uid on the billing channel; PortOne V2:
// PortOne.requestIssueBillingKey; nothing is approved), change the card, cancel or keep the subscription; and the
// administrators' retry now / cancel now. The window's answer is only a hint: the server looks the card up at the
// gateway before using it.


const live = () => qs("[data-live]");
const formError = () => qs("[data-form-error]");

function showError(res: ApiResult) {
  const box = formError();
  const text = errorText(errorOf(res), res.status);
  if (box) {
    box.textContent = text;
    box.hidden = false;
    box.focus();
  }
  say(live(), "");
}

/** Opens the configured gateway's billing-key window (popup on a computer, redirect on a phone, as V1 does). */
async function registerCard(subscriptionId: string, reg: CardRegistration, sdkUrl: string) {
  say(live(), t(payMode() === "redirect" ? "client.sub.opening" : "client.sub.inWindow"));
  if (reg.gateway === "portone-v2") return registerWithPortone(subscriptionId, reg);
  let imp;
  try {
    imp = await loadSdk(sdkUrl);
  } catch {
    say(live(), t("client.sdkFailed"), true);
    return;
  }
  const { gateway: _gateway, imp_code, m_redirect_url, ...params } = reg;
  imp.init(imp_code);
  imp.request_pay(
    { ...params, ...(payMode() === "redirect" ? { m_redirect_url } : {}) },
    (rsp) => void finishIamport(subscriptionId, reg.customer_uid, rsp ?? {}),
  );
}

/**
 * PortOne V2: PortOne.requestIssueBillingKey. A popup answers through the promise; in redirect mode the page leaves
 * for the window and comes back through GET /subscriptions/return, which confirms there.
 */
async function registerWithPortone(subscriptionId: string, reg: PortoneCardRegistration) {
  let sdk;
  try {
    sdk = await loadPortoneSdk(reg.sdk_url);
  } catch {
    say(live(), t("client.sdkFailed"), true);
    return;
  }
  const mode = payMode();
  let rsp;
  try {
    rsp = await sdk.requestIssueBillingKey(billingKeyRequest(reg, mode));
  } catch (e) {
    rsp = { transactionType: "ISSUE_BILLING_KEY" as const, code: "SDK_ERROR", message: e instanceof Error ? e.message : String(e) };
  }
  if (rsp === undefined && mode === "redirect") return;
  const outcome = billingKeyOutcome(rsp);
  if (!outcome.ok) return showFailure(subscriptionId, outcome.message);
  await confirm(subscriptionId, { billing_key: outcome.billingKey });
}

async function finishIamport(subscriptionId: string, customerUid: string, rsp: PayResponse) {
  if (rsp.success === false || rsp.imp_success === false) return showFailure(subscriptionId, rsp.error_msg ? String(rsp.error_msg) : null);
  await confirm(subscriptionId, { customer_uid: customerUid });
}

const pageOf = (subscriptionId: string) => `/subscriptions/${encodeURIComponent(subscriptionId)}`;

/** The window said no (closed, card refused): the subscription's page says so, with the window's message. */
function showFailure(subscriptionId: string, message: string | null) {
  const q = new URLSearchParams({ card: "failed" });
  if (message) q.set("message", message.slice(0, 300));
  location.assign(`${pageOf(subscriptionId)}?${q}`);
}

/** The window's answer is only a hint: the server looks the key up at the gateway before it uses it. */
async function confirm(subscriptionId: string, report: { customer_uid: string } | { billing_key: string }) {
  say(live(), t("client.sub.confirming"));
  const res = await api("POST", `${apiPath(subscriptionId)}/card/confirm`, report);
  if (res.status === 200) location.assign(`${pageOf(subscriptionId)}?card=registered`);
  else location.assign(`${pageOf(subscriptionId)}?${new URLSearchParams({ card: "failed", code: errorOf(res).code })}`);
}

const apiPath = (id: string) => `/api/subscriptions/${encodeURIComponent(id)}`;

function busy(buttons: HTMLButtonElement[], on: boolean) {
  for (const b of buttons) b.disabled = on;
}

/** The plans list (/subscriptions): subscribe, then register the card. */
function setUpPlans() {
  const section = qs("#subscribe");
  if (!section) return;
  const buttons = qsa<HTMLButtonElement>("[data-subscribe]", section);
  for (const button of buttons) {
    button.addEventListener("click", async () => {
      busy(buttons, true);
      say(live(), t("client.sub.working"));
      const res = await api<{ subscription: { id: string }; registration: CardRegistration }>("POST", "/api/subscriptions", { price_id: button.getAttribute("data-subscribe") });
      if (res.status === 201 && res.body) {
        await registerCard(res.body.subscription.id, res.body.registration, section.getAttribute("data-sdk-url")!);
        busy(buttons, false);
        return;
      }
      const err = errorOf(res);
      const existing = err.details?.subscription_id;
      // Already subscribed (perhaps still awaiting a card): that subscription's page is where to go on.
      if (err.code === "subscription_exists" && typeof existing === "string") {
        location.assign(`/subscriptions/${encodeURIComponent(existing)}`);
        return;
      }
      showError(res);
      busy(buttons, false);
    });
  }
}

/** A subscription's page: change card, cancel or keep it, and follow a charge on its way. */
function setUpSubscription() {
  const page = qs("#subscription");
  if (!page) return;
  const id = page.getAttribute("data-id")!;
  const buttons = qsa<HTMLButtonElement>("button", page);
  const act = (selector: string, work: () => Promise<void>) =>
    qs(selector, page)?.addEventListener("click", async () => {
      busy(buttons, true);
      say(live(), t("client.sub.working"));
      await work();
      busy(buttons, false);
    });
  act("[data-change-card]", async () => {
    const res = await api<{ registration: CardRegistration }>("POST", `${apiPath(id)}/card`, {});
    if (res.status === 201 && res.body) await registerCard(id, res.body.registration, page.getAttribute("data-sdk-url")!);
    else showError(res);
  });
  for (const [selector, path] of [["[data-cancel]", "cancel"], ["[data-resume]", "resume"]] as const) {
    act(selector, async () => {
      const res = await api("POST", `${apiPath(id)}/${path}`, {});
      if (res.status === 200) location.replace(location.pathname);
      else showError(res);
    });
  }
  if (page.hasAttribute("data-poll")) {
    const status = page.getAttribute("data-status");
    let delay = 800;
    const tick = async () => {
      const res = await api<{ status: string; events: unknown[] }>("GET", apiPath(id));
      if (res.status === 200 && res.body && res.body.status !== status) {
        location.replace(location.pathname);
        return;
      }
      delay = Math.min(delay * 1.3, 5000);
      setTimeout(tick, delay);
    };
    setTimeout(tick, delay);
  }
}

/** The administrators' subscription page: retry now, cancel now (optionally refunding the current period). */
function setUpAdminSubscription() {
  const page = qs("#admin-subscription");
  if (!page) return;
  const id = encodeURIComponent(page.getAttribute("data-id")!);
  const buttons = qsa<HTMLButtonElement>("button", page);
  const run = async (path: string, body: unknown) => {
    busy(buttons, true);
    say(live(), t("client.sub.working"));
    const res = await api("POST", `/api/admin/subscriptions/${id}/${path}`, body);
    if (res.status === 200) location.replace(location.pathname);
    else {
      showError(res);
      busy(buttons, false);
    }
  };
  qs("[data-admin-retry]", page)?.addEventListener("click", () => void run("retry", {}));
  qs("[data-admin-cancel]", page)?.addEventListener("click", () =>
    void run("cancel", { refund_current_period: qs<HTMLInputElement>("[data-admin-refund]", page)?.checked ?? false }),
  );
}

export function setUpSubscriptions() {
  setUpPlans();
  setUpSubscription();
  setUpAdminSubscription();
}
