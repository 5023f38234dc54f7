/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { UserRow } from "../db/schema";
import { clientMessages, LOCALE_NAMES, LOCALES } from "../i18n";
import { assetUrl } from "./assets";
import { useHere, useI18n } from "./i18n";

export type NavKey = "shop" | "history" | "subscriptions" | "admin" | "login" | "signup" | null;

export interface LayoutProps {
  /** Already in the page's language. */
  title: string;
  user: UserRow | null;
  admin?: boolean;
  nav?: NavKey;
  /** The Iamport SDK, loaded up front on pages that can open the payment window (keeps the popup in the click). */
  sdkUrl?: string;
  wide?: boolean;
  children?: Child;
}

const current = (on: boolean) => (on ? "page" : undefined);

/** JSON that is safe inside a <script> element: no "</script>", no HTML comment openers. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

/** The other languages, each offered in itself; the choice is remembered (POST /locale sets a cookie). */
function LanguageSwitch() {
  const { t, locale } = useI18n();
  const here = useHere();
  return (
    <form class="lang" method="post" action="/locale" aria-label={t("nav.language")}>
      <input type="hidden" name="next" value={here} />
      {LOCALES.filter((l) => l !== locale).map((l) => (
        <button type="submit" class="link" name="lang" value={l} lang={l}>
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </form>
  );
}

export function Layout(p: LayoutProps) {
  const { t, locale } = useI18n();
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{t("layout.title", { title: p.title })}</title>
        <link rel="stylesheet" href={assetUrl("app.css")} />
        {p.sdkUrl ? <script src={p.sdkUrl} defer></script> : null}
        {/* The script's texts in this page's language (JSON: not executed, so the CSP has nothing to allow). */}
        <script type="application/json" id="pp-messages" dangerouslySetInnerHTML={{ __html: scriptJson(clientMessages(locale)) }}></script>
        <script src={assetUrl("app.js")} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          {t("layout.skip")}
        </a>
        <header class="top">
          <div class={p.wide ? "wrap wide" : "wrap"}>
            <a class="brand" href="/">
              pocket<span>pay</span>
            </a>
            {p.user ? (
              <>
                <nav aria-label={t("nav.main")}>
                  <a href="/checkout" aria-current={current(p.nav === "shop")}>
                    {t("nav.shop")}
                  </a>
                  <a href="/payments" aria-current={current(p.nav === "history")}>
                    {t("nav.history")}
                  </a>
                  <a href="/subscriptions" aria-current={current(p.nav === "subscriptions")}>
                    {t("nav.subscriptions")}
                  </a>
                  {p.admin ? (
                    <a href="/admin/payments" aria-current={current(p.nav === "admin")}>
                      {t("nav.admin")}
                    </a>
                  ) : null}
                </nav>
                <div class="me">
                  <span title={p.user.email}>{p.user.email}</span>
                  <button type="button" class="link" data-logout>
                    {t("nav.logout")}
                  </button>
                </div>
              </>
            ) : (
              <nav aria-label={t("nav.account")}>
                <a href="/login" aria-current={current(p.nav === "login")}>
                  {t("nav.login")}
                </a>
                <a href="/signup" aria-current={current(p.nav === "signup")}>
                  {t("nav.signup")}
                </a>
              </nav>
            )}
            <LanguageSwitch />
          </div>
        </header>
        <main id="main" class={p.wide ? "wrap wide" : "wrap"} tabindex={-1}>
          {p.children}
        </main>
      </body>
    </html>
  );
}

/** A labelled text input with its hint and the place where the API's error for it is shown. */
export function Field(p: {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "search";
  value?: string;
  autocomplete?: string;
  inputmode?: "numeric" | "email" | "text";
  hint?: string;
  required?: boolean;
  autofocus?: boolean;
  maxlength?: number;
}) {
  const id = `f-${p.name}`;
  const described = [p.hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        required={p.required}
        autofocus={p.autofocus}
        maxlength={p.maxlength}
        aria-describedby={described}
      />
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      <p class="field-error" id={`${id}-error`} data-error-for={p.name} data-label={p.label} hidden></p>
    </div>
  );
}

/** Where errors that belong to no single field appear; focusable so it can be announced and reached. */
export const FormError = () => <div class="form-error" role="alert" tabindex={-1} data-form-error hidden></div>;
