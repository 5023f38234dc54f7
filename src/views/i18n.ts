import type { I18n } from "../i18n";

// The page's language, set by render() (src/views/render.tsx) for the components it renders, so a component
// reads its texts with useI18n() instead of having them passed down through every page.
//
// Not hono/jsx's createContext: that pulls hono's DOM renderer into the Worker (6 KiB gzipped). A page renders
// synchronously from start to end (render() refuses an async component), so no other request's render can run
// in between, and one scope at a time is exact.

export interface PageScope {
  i18n: I18n;
  /** This page's path and query, where the language switch comes back to. */
  here: string;
}

let current: PageScope | null = null;

/** Runs a synchronous render with `scope` as the page's; nothing outside it sees the scope. */
export function withPageScope<T>(scope: PageScope, renderPage: () => T): T {
  if (current) throw new Error("A page render started inside another one.");
  current = scope;
  try {
    const out = renderPage();
    if (out instanceof Promise) {
      throw new Error("Pages render synchronously: an async component would read another request's language.");
    }
    return out;
  } finally {
    current = null;
  }
}

function scope(): PageScope {
  if (!current) throw new Error("Page components render through render() (src/views/render.tsx), which sets their scope.");
  return current;
}

export const useI18n = (): I18n => scope().i18n;
export const useHere = (): string => scope().here;
