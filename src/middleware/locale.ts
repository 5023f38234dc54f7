import type { Context } from "hono";
import { detectFromCookie, detectFromHeader } from "hono/language";
import type { DetectorOptions } from "hono/language";
import { DEFAULT_LOCALE, i18nFor, isLocale, LOCALE_COOKIE, LOCALES, type I18n, type Locale } from "../i18n";

// Hono's language detector, asked directly so that every page (the 404 page too, which no route middleware
// reaches) gets the same answer: the remembered switch (cookie) first, then Accept-Language, then Korean.
const OPTIONS: DetectorOptions = {
  order: ["cookie", "header"],
  lookupQueryString: "lang",
  lookupCookie: LOCALE_COOKIE,
  lookupFromPathIndex: 0,
  lookupFromHeaderKey: "accept-language",
  caches: false,
  ignoreCase: true,
  fallbackLanguage: DEFAULT_LOCALE,
  supportedLanguages: [...LOCALES],
};

export function localeOf(c: Context): Locale {
  const found = detectFromCookie(c, OPTIONS) ?? detectFromHeader(c, OPTIONS);
  return isLocale(found) ? found : DEFAULT_LOCALE;
}

export const i18nOf = (c: Context): I18n => i18nFor(localeOf(c));
