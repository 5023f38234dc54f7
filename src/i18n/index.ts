import type { ErrorCode } from "../domain/errors";
import type { EventSource, PaymentStatus } from "../domain/payment-state";
import type { FieldIssueCode } from "../lib/field-issues";
import { en } from "./en";
import { formatAmount, formatDateTime, formatNumber } from "./format";
import { interpolate, MISSING, type Params } from "./interpolate";
import { ko, type MessageKey, type Messages } from "./ko";
import { describeReason } from "./reasons";
import type { Locale } from "./locales";

export { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from "./locales";
export type { MessageKey, Messages } from "./ko";
export type { Params } from "./interpolate";

// One catalogue per language. Adding a language: a file like en.ts typed `Messages`, an entry here and in
// LOCALES (./locales.ts). Adding a page: its keys in ko.ts (tsc then asks en.ts for the same keys).
export const CATALOGUES: Record<Locale, Messages> = { ko, en };

// The pages name every status and event source and explain every API error code and field issue code: tsc
// fails here if the catalogue has no text for one of them.
type Covered = Record<`error.${ErrorCode}` | `field.${FieldIssueCode}` | `status.${PaymentStatus}` | `source.${EventSource}`, string>;
const _everyCode: Covered = ko;
void _everyCode;

/** What a page needs to speak the buyer's language: its messages, and amounts and times as it writes them. */
export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: Params): string;
  /** For keys made at run time (a status, a pay method): whether the catalogue has one. */
  has(key: string): key is MessageKey;
  amount(won: number): string;
  number(n: number): string;
  dateTime(at: string | number | null, opts?: { seconds?: boolean }): string;
  /** A recorded reason (an event's, a refund's, a failure's) in this language when pocketpay wrote it. */
  reason(text: string): string;
}

export function i18nFor(locale: Locale): I18n {
  const messages = CATALOGUES[locale];
  const has = (key: string): key is MessageKey => Object.hasOwn(messages, key);
  const t = (key: MessageKey, params?: Params) => (has(key) ? interpolate(messages[key], params) : MISSING(key));
  return {
    locale,
    t,
    has,
    amount: (won) => formatAmount(locale, won),
    number: formatNumber,
    dateTime: (at, opts) => formatDateTime(locale, at, opts),
    reason: (text) => describeReason(locale, { t, has }, text),
  };
}

/** The browser script's share of a catalogue: its own texts and those for the API's error and field codes. */
export function clientMessages(locale: Locale): Partial<Messages> {
  const messages = CATALOGUES[locale];
  const out: Partial<Messages> = {};
  for (const key of Object.keys(messages) as MessageKey[]) {
    if (key.startsWith("client.") || key.startsWith("error.") || key.startsWith("field.")) out[key] = messages[key];
  }
  return out;
}
