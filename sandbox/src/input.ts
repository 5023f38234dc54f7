import type { Context } from "hono";
import { z } from "zod";
import { IamportError } from "./envelope";

/**
 * Iamport accepts JSON and form-urlencoded bodies on every POST/PUT, so read either into a plain object.
 * Form values arrive as strings; the zod helpers below accept both spellings.
 */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  // Decoded by hand: workerd warns when .text() is called on a form-encoded body.
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.trim() === "") return {};
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No content type and not JSON: try form, which is what curl -d sends without -H.
    if (!type.includes("json")) return Object.fromEntries(new URLSearchParams(text));
    throw new IamportError(400, -1, "요청 본문이 올바른 JSON이 아닙니다.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new IamportError(400, -1, "요청 본문은 JSON 객체여야 합니다.");
  }
  return parsed as Record<string, unknown>;
}

const numericString = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/)
  .transform(Number);

/** A finite number, or a numeric string from a form body. */
export const num = z.union([z.number().finite(), numericString]);

/** Same, but "", null and undefined mean "absent" (form bodies send empty fields). */
export const optNum = z.preprocess((v) => (v === "" || v === null ? undefined : v), num.optional());

export const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);

export const optStr = (max: number) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().max(max).optional());

export function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "body";
  throw new IamportError(400, -1, `${where} 파라메터가 올바르지 않습니다. (${issue?.message ?? "invalid"})`);
}
