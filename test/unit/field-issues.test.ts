import * as z from "zod";
import { describe, expect, it } from "vitest";
import { fieldIssues } from "../../src/lib/field-issues";
import { safeText } from "../../src/lib/text-schema";

// What a 400's details.fields says about each field: the English message for developers and a stable code (with
// its limit) that the pages put in the buyer's language.
const issuesOf = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error("expected a failure");
  return r.error.issues.flatMap((i) => fieldIssues(i, input)).map(({ field, code, min, max, character }) => ({ field, code, min, max, character }));
};

describe("field issues", () => {
  const Body = z.strictObject({
    email: z.string({ error: "is required" }).pipe(z.email()),
    password: z.string({ error: "is required" }).min(10).refine((p) => new Set(p).size >= 4, { message: "is too simple", params: { code: "too_simple" } }),
    amount: z.number({ error: "must be a number" }).int().min(100).max(1_000),
    refund: z.number().positive().optional(),
    name: safeText({ max: 5 }).optional(),
    status: z.enum(["a", "b"]).optional(),
  });

  it("name what is missing, too short, too long, too small, too large, not a whole number or not a number", () => {
    expect(issuesOf(Body, { password: "short", amount: 1.5 })).toEqual([
      { field: "email", code: "required" },
      { field: "password", code: "too_short", min: 10 },
      { field: "amount", code: "not_integer" },
    ]);
    expect(issuesOf(Body, { email: "x@example.com", password: "aaaaaaaaaaaa", amount: "12" })).toEqual([
      { field: "password", code: "too_simple" },
      { field: "amount", code: "not_a_number" },
    ]);
    expect(issuesOf(Body, { email: "nope", password: "correct horse", amount: 99, refund: 0, status: "c" })).toEqual([
      { field: "email", code: "invalid_email" },
      { field: "amount", code: "too_small", min: 100 },
      { field: "refund", code: "not_positive" },
      { field: "status", code: "invalid_choice" },
    ]);
    expect(issuesOf(Body, { email: "x@example.com", password: "correct horse", amount: 1_001 })).toEqual([
      { field: "amount", code: "too_large", max: 1_000 },
    ]);
  });

  it("carry safeText's own problems and a strict object's unknown fields", () => {
    const ok = { email: "x@example.com", password: "correct horse", amount: 500 };
    expect(issuesOf(Body, { ...ok, name: "abcdef" })).toEqual([{ field: "name", code: "too_long", max: 5 }]);
    expect(issuesOf(Body, { ...ok, name: "  " })).toEqual([{ field: "name", code: "required" }]);
    expect(issuesOf(Body, { ...ok, name: "a\u202eb" })).toEqual([{ field: "name", code: "unsafe_character", character: "U+202E" }]);
    expect(issuesOf(Body, { ...ok, admin: true, extra: 1 })).toEqual([
      { field: "admin", code: "unknown_field" },
      { field: "extra", code: "unknown_field" },
    ]);
  });
});
