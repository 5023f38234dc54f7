// Shared by the server's pages and the browser script: one way to fill a message and to flag a gap.

export type Params = Record<string, string | number>;

/**
 * A key the catalogue lacks, or a placeholder nobody filled, renders visibly marked (⟦…⟧) instead of as a blank
 * or a guess, and tests fail on any page that shows the mark.
 */
export const MISSING = (what: string) => `\u27e6${what}\u27e7`;

/** Fills `{name}` placeholders; numbers are written as they are (format amounts before passing them). */
export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    return value === undefined ? MISSING(`{${name}}`) : String(value);
  });
}
