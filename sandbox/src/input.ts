import type { Context } from "hono";
import { z } from "zod";
import { IamportError } from "./envelope";
import { formToObject } from "./form";
import { logInfo } from "./log";

/**
 * Iamport accepts JSON and form-urlencoded bodies on every POST/PUT, so read either into a plain object.
 * Form values arrive as strings (bracketed keys nest, see form.ts); the zod helpers below accept both spellings.
 */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  // Decoded by hand: workerd warns when .text() is called on a form-encoded body.
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.trim() === "") return {};
  if (type.includes("application/x-www-form-urlencoded")) return formToObject(new URLSearchParams(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // No content type and not JSON: try form, which is what curl -d sends without -H.
    if (!type.includes("json")) return formToObject(new URLSearchParams(text));
    logInfo("bad_request", { path: c.req.path, detail: `body is not JSON: ${e instanceof Error ? e.message : e}` });
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

/** A finite number, or a numeric string from a form body or a query. */
export const num = z.union([z.number().finite(), numericString]);

/** An integer (unix seconds, page numbers), or its decimal spelling. */
export const int = num.pipe(z.number().int());

/** Same as `num`, but "", null and undefined mean "absent" (form bodies send empty fields). */
export const optNum = z.preprocess((v) => (v === "" || v === null ? undefined : v), num.optional());

export const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);

export const optStr = (max: number) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().max(max).optional());

/** A required string: "" counts as missing, as it does for Iamport's form-minded server. */
export const reqStr = (max: number) => z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).max(max));

const isAbsent = (v: unknown) => v === undefined || v === null || v === "";

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** `schedules.0.amount` as a client would write it: `schedules[0].amount`. */
const fieldName = (path: readonly PropertyKey[]) =>
  path.reduce<string>((out, k) => (typeof k === "number" ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k)), "");

/**
 * Validates with zod and answers the way Iamport does: a short Korean message naming the parameter (`... 파라메터가
 * 누락되었습니다.` like getToken's, or `... 파라메터가 올바르지 않습니다.`); zod's own English detail goes to the log.
 */
export function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length ? fieldName(path) : "요청";
  logInfo("bad_request", { field, detail: issue?.message ?? "invalid", issues: result.error.issues.length });
  const missing = path.length > 0 && isAbsent(valueAt(data, path));
  throw new IamportError(400, -1, `${field} 파라메터가 ${missing ? "누락되었습니다" : "올바르지 않습니다"}.`);
}
