import { errorOf, type ApiResult } from "./api";
import { qs, qsa } from "./dom";

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

interface Placed {
  field: string;
  text: string;
  /** The whole sentence is given (a code's message), not a phrase to follow the field's label. */
  whole: boolean;
}

/** `fieldForCode` places an error code that names no field beside the field it is about (email_taken → email). */
export function showErrors(form: HTMLFormElement, res: ApiResult, fieldForCode: Record<string, string> = {}) {
  const err = errorOf(res);
  const placedField = fieldForCode[err.code];
  const issues: Placed[] = placedField
    ? [{ field: placedField, text: err.message, whole: true }]
    : (err.details?.fields ?? []).map((f) => ({ field: f.field, text: f.message, whole: false }));
  let first: HTMLElement | null = null;
  const unplaced: string[] = [];
  for (const f of issues) {
    const input = form.elements.namedItem(f.field) as HTMLInputElement | null;
    const box = qsa("[data-error-for]", form).find((b) => b.getAttribute("data-error-for") === f.field);
    if (input && box && input.offsetParent !== null) {
      box.textContent = f.whole ? f.text : `${box.getAttribute("data-label")} ${f.text}.`;
      box.hidden = false;
      input.setAttribute("aria-invalid", "true");
      first ??= input;
    } else {
      unplaced.push(f.field === "(body)" ? f.text : `${f.field} ${f.text}.`);
    }
  }
  const top = qs("[data-form-error]", form);
  if (top && (!first || unplaced.length > 0)) {
    top.textContent = unplaced.length > 0 ? unplaced.join(" ") : err.message;
    top.hidden = false;
  }
  (first ?? top)?.focus();
}
