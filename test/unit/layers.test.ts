/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

// design.md's one-way dependencies, checked on the source: routes call services and never query the database.
const routes = import.meta.glob("../../src/routes/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** Module specifiers of the imports that are not `import type`. */
const valueImports = (source: string) =>
  [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!);

describe("layers", () => {
  it("finds the sources it checks", () => {
    expect(Object.keys(routes).length).toBeGreaterThanOrEqual(6);
  });

  it("keeps routes away from the database: no value import from src/db", () => {
    const offenders = Object.entries(routes).flatMap(([file, source]) =>
      valueImports(source)
        .filter((spec) => /(^|\/)db(\/|$)/.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
