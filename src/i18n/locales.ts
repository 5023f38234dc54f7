// The languages pocketpay's pages speak. Korean first: the shop's buyers are Korean.
export const LOCALES = ["ko", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "ko";

/** The remembered choice of the language switch (a year; read before Accept-Language). */
export const LOCALE_COOKIE = "pp_lang";

/** Each language's name in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { ko: "한국어", en: "English" };

export const isLocale = (v: unknown): v is Locale => (LOCALES as readonly unknown[]).includes(v);
