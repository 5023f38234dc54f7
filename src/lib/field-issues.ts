import type { z } from "zod";

/**
 * What is wrong with one field, as the API reports it in `details.fields`: the English `message` for
 * developers, and a stable `code` (with `min`/`max`/`character` where they apply) for pages that explain it in
 * the buyer's language (src/i18n: `field.<code>`). A schema names a code zod has none for with
 * `params: { code }` on a custom issue (see src/lib/text-schema.ts).
 */
export interface FieldIssue {
  field: string;
  message: string;
  code: FieldIssueCode;
  min?: number;
  max?: number;
  character?: string;
}

export const FIELD_ISSUE_CODES = [
  "required",
  "too_short",
  "too_long",
  "too_small",
  "too_large",
  "not_positive",
  "not_a_number",
  "not_integer",
  "invalid_email",
  "invalid_choice",
  "invalid_format",
  "too_simple",
  "unsafe_character",
  "unknown_field",
  "duplicate",
  "taken",
  "not_in_catalogue",
  "not_on_sale",
  "recurring_price",
  "not_recurring",
  "immutable",
  "invalid",
] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];

const isCode = (v: unknown): v is FieldIssueCode => (FIELD_ISSUE_CODES as readonly unknown[]).includes(v);

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const num = (v: number | bigint) => Number(v);

/** One zod issue as the fields it is about: a strict object's unknown keys are each named as a field of their own. */
export function fieldIssues(issue: z.core.$ZodIssue, input: unknown): FieldIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => ({
      field: [...issue.path, k].join("."),
      message: "is not a field of this request",
      code: "unknown_field",
    }));
  }
  return [fieldIssue(issue, input)];
}

function fieldIssue(issue: z.core.$ZodIssue, input: unknown): FieldIssue {
  const base = { field: issue.path.join(".") || "(body)", message: issue.message };
  switch (issue.code) {
    case "invalid_type": {
      const value = valueAt(input, issue.path);
      if (value === undefined || value === null) return { ...base, code: "required" };
      if (issue.expected === "int") return { ...base, code: "not_integer" };
      if (issue.expected === "number") return { ...base, code: "not_a_number" };
      return { ...base, code: "invalid" };
    }
    case "too_small": {
      const min = num(issue.minimum);
      if (issue.origin === "string") return min <= 1 ? { ...base, code: "required" } : { ...base, code: "too_short", min };
      if (min === 0 && issue.inclusive === false) return { ...base, code: "not_positive" };
      return { ...base, code: "too_small", min };
    }
    case "too_big": {
      const max = num(issue.maximum);
      return issue.origin === "string" ? { ...base, code: "too_long", max } : { ...base, code: "too_large", max };
    }
    case "invalid_format":
      return { ...base, code: issue.format === "email" ? "invalid_email" : "invalid_format" };
    case "invalid_value":
      return { ...base, code: "invalid_choice" };
    case "custom": {
      const p = issue.params ?? {};
      if (!isCode(p.code)) return { ...base, code: "invalid" };
      const extra: Partial<FieldIssue> = {};
      if (typeof p.min === "number") extra.min = p.min;
      if (typeof p.max === "number") extra.max = p.max;
      if (typeof p.character === "string") extra.character = p.character;
      return { ...base, ...extra, code: p.code };
    }
    default:
      return { ...base, code: "invalid" };
  }
}
