/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { UserRow } from "../db/schema";
import { assetUrl } from "./assets";

export type NavKey = "shop" | "history" | "admin" | "login" | "signup" | null;

export interface LayoutProps {
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

export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${p.title} · pocketpay`}</title>
        <link rel="stylesheet" href={assetUrl("app.css")} />
        {p.sdkUrl ? <script src={p.sdkUrl} defer></script> : null}
        <script src={assetUrl("app.js")} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <div class={p.wide ? "wrap wide" : "wrap"}>
            <a class="brand" href="/">
              pocket<span>pay</span>
            </a>
            {p.user ? (
              <>
                <nav aria-label="Main">
                  <a href="/checkout" aria-current={current(p.nav === "shop")}>
                    Shop
                  </a>
                  <a href="/payments" aria-current={current(p.nav === "history")}>
                    History
                  </a>
                  {p.admin ? (
                    <a href="/admin/payments" aria-current={current(p.nav === "admin")}>
                      Admin
                    </a>
                  ) : null}
                </nav>
                <div class="me">
                  <span title={p.user.email}>{p.user.email}</span>
                  <button type="button" class="link" data-logout>
                    Log out
                  </button>
                </div>
              </>
            ) : (
              <nav aria-label="Account">
                <a href="/login" aria-current={current(p.nav === "login")}>
                  Log in
                </a>
                <a href="/signup" aria-current={current(p.nav === "signup")}>
                  Sign up
                </a>
              </nav>
            )}
          </div>
        </header>
        <main id="main" class={p.wide ? "wrap wide" : "wrap"}>
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
