import { createContext, useContext } from "hono/jsx";
import type { I18n } from "../i18n";

// The page's language, provided once by render() (src/views/render.tsx) to every component below it, so a
// component reads its texts with useI18n() instead of having them passed down through every page.
export interface PageScope {
  i18n: I18n;
  /** This page's path and query, where the language switch comes back to. */
  here: string;
}

export const PageContext = createContext<PageScope | null>(null);

function scope(): PageScope {
  const value = useContext(PageContext);
  if (!value) throw new Error("Page components render through render() (src/views/render.tsx), which provides PageContext.");
  return value;
}

export const useI18n = (): I18n => scope().i18n;
export const useHere = (): string => scope().here;
