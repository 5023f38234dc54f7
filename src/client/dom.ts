// Small DOM helpers shared by the page modules.

export const qs = <E extends Element = HTMLElement>(sel: string, root: ParentNode = document) => root.querySelector<E>(sel);

export const qsa = <E extends Element = HTMLElement>(sel: string, root: ParentNode = document) =>
  Array.from(root.querySelectorAll<E>(sel));

/** A form control by name (inputs only: the pages' forms name no other kind). */
export const field = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement | null;

/** Sets a live region's text; `isError` styles it as an error. */
export function say(el: Element | null, text: string, isError = false) {
  if (!el) return;
  el.textContent = text;
  el.classList.toggle("field-error", isError);
}

/** A whole-won amount as typed ("25,000", "₩ 5000"); anything not numeric is sent as typed so the API names it. */
export function typedAmount(raw: string): number | string | undefined {
  const cleaned = raw.replace(/[\s,\u20a9\uc6d0]/g, "");
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : cleaned || undefined;
}
