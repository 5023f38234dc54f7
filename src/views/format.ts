import type { I18n } from "../i18n";

// Labels for values made at run time (a status, an event source, a pay method), in the page's language. A
// value the catalogue has no text for (a pay method Iamport added) is shown as it is.

export const statusLabel = (i18n: I18n, status: string) => label(i18n, `status.${status}`, status);
export const sourceLabel = (i18n: I18n, source: string) => label(i18n, `source.${source}`, source);
export const methodLabel = (i18n: I18n, method: string) => label(i18n, `method.${method}`, method);
export const refundStatusLabel = (i18n: I18n, status: string) => label(i18n, `refundStatus.${status}`, status);

function label(i18n: I18n, key: string, raw: string) {
  return i18n.has(key) ? i18n.t(key) : raw;
}
