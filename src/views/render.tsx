/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { i18nOf } from "../middleware/locale";
import type { AppEnv } from "../types";
import { PageContext } from "./i18n";

/** Renders a page in the visitor's language (src/middleware/locale.ts); Vary tells caches the answer depends on it. */
export function render(c: Context<AppEnv>, page: Child, status: 200 | 403 | 404 = 200) {
  const i18n = i18nOf(c);
  const url = new URL(c.req.url);
  c.header("Content-Language", i18n.locale);
  c.header("Vary", "Accept-Language, Cookie");
  const scope = { i18n, here: url.pathname + url.search };
  return c.html(`<!doctype html>${<PageContext.Provider value={scope}>{page}</PageContext.Provider>}`, status);
}
