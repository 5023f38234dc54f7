/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { i18nOf } from "../middleware/locale";
import type { AppEnv } from "../types";
import { withPageScope } from "./i18n";

/** Renders a page in the visitor's language (src/middleware/locale.ts); Vary tells caches the answer depends on it. */
export function render(c: Context<AppEnv>, page: Child, status: 200 | 403 | 404 = 200) {
  const i18n = i18nOf(c);
  const url = new URL(c.req.url);
  c.header("Content-Language", i18n.locale);
  c.header("Vary", "Accept-Language, Cookie");
  // The page's components run while it becomes a string (inside the scope), not when the JSX is built.
  const html = withPageScope({ i18n, here: url.pathname + url.search }, () => (page as { toString(): string | Promise<string> }).toString());
  return c.html(`<!doctype html>${html}`, status);
}
