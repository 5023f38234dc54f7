import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import * as z from "zod";
import { isLocale, LOCALE_COOKIE, LOCALES } from "../i18n";
import { describe } from "../openapi/describe";
import type { AppEnv } from "../types";

const YEAR_SECONDS = 365 * 24 * 3600;

/** Back to a page of this site only: never another host (//evil, /\evil), never a control character. */
function samePath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 1000 || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  return /[\\\u0000-\u001f\u007f]/.test(raw) ? "/" : raw;
}

// The form's fields, as the document shows them. A form's other fields are ignored, and so is a value that is not
// one of these: the switch never refuses, it just changes nothing.
const LocaleForm = z.looseObject({
  lang: z.unknown().optional().meta({ type: "string", enum: [...LOCALES], description: "The language to remember." }),
  next: z.unknown().optional().meta({ type: "string", description: "A path on this site to go back to (anything else: /)." }),
});

/**
 * The language switch in every page's header: a plain form (works without the script), remembered for a year
 * in a cookie that is read before Accept-Language. Then back to the page it was pressed on (303: a GET).
 */
export const localeRoutes = new Hono<AppEnv>().post(
  "/",
  describe({
    operationId: "setLanguage",
    summary: "The pages' language switch",
    description: "A plain form post from the pages' header: remembers the language in the pp_lang cookie for a year, then goes back.",
    tags: ["Pages"],
    requestBody: { schema: LocaleForm, mediaTypes: ["application/x-www-form-urlencoded"] },
    responses: {
      303: {
        description: "Back to `next`, with `pp_lang` set when `lang` is one of the languages.",
        headers: { Location: { description: "The page to go back to.", schema: { type: "string" }, required: true } },
      },
    },
  }),
  async (c) => {
    const parsed = LocaleForm.safeParse(await c.req.parseBody().catch(() => ({})));
    const form = parsed.success ? parsed.data : {};
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
  },
);
