import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { isLocale, LOCALE_COOKIE } from "../i18n";
import type { AppEnv } from "../types";

const YEAR_SECONDS = 365 * 24 * 3600;

/** Back to a page of this site only: never another host (//evil, /\evil), never a control character. */
function samePath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 1000 || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  return /[\\\u0000-\u001f\u007f]/.test(raw) ? "/" : raw;
}

/**
 * The language switch in every page's header: a plain form (works without the script), remembered for a year
 * in a cookie that is read before Accept-Language. Then back to the page it was pressed on (303: a GET).
 */
export const localeRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const next = samePath(form.next);
  const lang = form.lang;
  if (isLocale(lang)) {
    const url = new URL(c.req.url);
    setCookie(c, LOCALE_COOKIE, lang, {
      path: "/",
      maxAge: YEAR_SECONDS,
      sameSite: "Lax",
      httpOnly: true,
      secure: url.protocol === "https:",
    });
  }
  return c.redirect(next, 303);
});
