import { errorOf, type ApiResult } from "./api";
import { qs, qsa } from "./dom";
import { errorText, fieldText } from "./i18n";

// The API's errors beside the fields they name, and the rest at the top of the form (focusable, announced).

export function clearErrors(form: HTMLFormElement) {
  for (const el of qsa("[data-error-for]", form)) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of qsa("[aria-invalid]", form)) el.removeAttribute("aria-invalid");
  const top = qs("[data-form-error]", form);
  if (top) {
    top.hidden = true;
    top.textContent = "";
  }
}

/** A problem the page itself found (nothing was sent), at the top of the form, announced and focused. */
export function showFormError(form: HTMLFormElement, text: string) {
  const top = qs("[data-form-error]", form);
  if (!top) return;
  top.textContent = text;
  top.hidden = false;
  top.focus();
}

/**
 * Shows an API error on its form: each field's problem beside the field, in the page's language; anything else
 * at the top. `fieldForCode` places an error code that names no field beside the field it is about
 * (email_taken → email).
 */
export function showErrors(form: HTMLFormElement, res: ApiResult, fieldForCode: Record<string, string> = {}) {
  const err = errorOf(res);
  const boxFor = (name: string) => qsa("[data-error-for]", form).find((b) => b.getAttribute("data-error-for") === name);
  const placedField = fieldForCode[err.code];
  const issues: { field: string; text: (label: string) => string }[] = placedField
    ? [{ field: placedField, text: () => errorText(err, res.status) }]
    : (err.details?.fields ?? []).map((f) => ({ field: f.field, text: (label: string) => fieldText(f, label) }));
  let first: HTMLElement | null = null;
  const unplaced: string[] = [];
  for (const issue of issues) {
    const input = form.elements.namedItem(issue.field) as HTMLInputElement | null;
    const box = boxFor(issue.field);
    if (input && box && input.offsetParent !== null) {
      box.textContent = issue.text(box.getAttribute("data-label") ?? issue.field);
      box.hidden = false;
      input.setAttribute("aria-invalid", "true");
      first ??= input;
    } else {
      // A problem with the body as a whole names no field: the error code's own text says it.
      unplaced.push(issue.field === "(body)" ? errorText(err, res.status) : issue.text(issue.field));
    }
  }
  const top = qs("[data-form-error]", form);
  if (top && (!first || unplaced.length > 0)) {
    top.textContent = unplaced.length > 0 ? unplaced.join(" ") : errorText(err, res.status);
    top.hidden = false;
  }
  (first ?? top)?.focus();
}
