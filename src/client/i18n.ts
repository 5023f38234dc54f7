import { formatAmount, formatNumber } from "../i18n/format";
import { interpolate, MISSING, type Params } from "../i18n/interpolate";
import type { MessageKey } from "../i18n/ko";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";
import type { ApiErrorBody, FieldIssue } from "./api";

// The script speaks the page's language: <html lang> and the texts the server put in #pp-messages (its share of
// the same catalogue, src/i18n), filled and formatted by the same code the server uses.

let messages: Partial<Record<MessageKey, string>> | null = null;

function catalogue(): Partial<Record<MessageKey, string>> {
  if (!messages) {
    try {
      messages = JSON.parse(document.getElementById("pp-messages")?.textContent ?? "{}") as Partial<Record<MessageKey, string>>;
    } catch {
      messages = {};
    }
  }
  return messages;
}

export const locale = (): Locale => {
  const lang = document.documentElement.lang;
  return isLocale(lang) ? lang : DEFAULT_LOCALE;
};

// Not Object.hasOwn: Safari before 15.4 lacks it.
const has = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(catalogue(), key);

export function t(key: MessageKey, params?: Params): string {
  const template = catalogue()[key];
  return template === undefined ? MISSING(key) : interpolate(template, params);
}

export const amount = (won: number) => formatAmount(locale(), won);
export const number = formatNumber;

/**
 * The page's text for an API error code (the JSON `message` is English, for developers). Amounts the error's
 * details carry (`refundable_amount`, `min_amount`, …) fill the text's placeholders of the same name without the
 * suffix ({refundable}, {min}), written the way this language writes won.
 */
export function errorText(err: ApiErrorBody, status: number): string {
  const key = `error.${err.code}`;
  if (!has(key)) return t("error.unknown", { status });
  const params: Params = {};
  for (const [name, value] of Object.entries(err.details ?? {})) {
    if (name.endsWith("_amount") && typeof value === "number") params[name.slice(0, -"_amount".length)] = amount(value);
  }
  return t(key, params);
}

/** One field's problem in the page's language; `label` is the field's label as the page shows it. */
export function fieldText(issue: FieldIssue, label: string): string {
  const key = `field.${issue.code}`;
  const params: Params = { label };
  if (issue.min !== undefined) params.min = formatNumber(issue.min);
  if (issue.max !== undefined) params.max = formatNumber(issue.max);
  if (issue.character !== undefined) params.character = issue.character;
  return t(has(key) ? key : "field.invalid", params);
}
