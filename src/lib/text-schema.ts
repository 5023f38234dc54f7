import * as z from "zod";
import { graphemeLength, unsafeCharacter } from "../domain/text";

/**
 * A text field that may be stored: trimmed, at least `min` and at most `max` characters as people count them,
 * and refused (400 naming the field) when it holds a control or bidi-override character. Every request field
 * whose text pocketpay keeps goes through this, so no route can store text the others would refuse.
 */
export function safeText(opts: { max: number; min?: number; multiline?: boolean }) {
  const min = opts.min ?? 1;
  return z
    .string({ error: "is required" })
    .trim()
    .superRefine((value, ctx) => {
      const bad = unsafeCharacter(value, { multiline: opts.multiline });
      // params.code: what the pages explain in the buyer's language (src/lib/field-issues.ts).
      if (bad) {
        ctx.addIssue({
          code: "custom",
          message: `must not contain control or direction-override characters (found ${bad})`,
          params: { code: "unsafe_character", character: bad },
        });
      }
      const length = graphemeLength(value);
      if (length < min) {
        ctx.addIssue({
          code: "custom",
          message: min === 1 ? "is required" : `must be at least ${min} characters`,
          params: min === 1 ? { code: "required" } : { code: "too_short", min },
        });
      }
      if (length > opts.max) {
        ctx.addIssue({ code: "custom", message: `must be at most ${opts.max} characters`, params: { code: "too_long", max: opts.max } });
      }
    })
    // The checks above are code, so the OpenAPI document says them in words (lengths in characters as people
    // count them, which JSON Schema's maxLength does not).
    .meta({
      description:
        `${min === 1 ? "1" : min} to ${opts.max} characters, trimmed; no control or direction-override characters` +
        (opts.multiline ? " (line breaks allowed)." : "."),
    });
}
