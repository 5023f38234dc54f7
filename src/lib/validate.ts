import type { Context, MiddlewareHandler } from "hono";
import { resolver, uniqueSymbol } from "hono-openapi";
import type { z } from "zod";
import { badRequest } from "../domain/errors";
import { fieldIssues } from "./field-issues";
import type { AppEnv } from "../types";

/**
 * Turns zod issues into a 400 that names each field: `message` in English for developers ("amount: must be an
 * integer"), and per field a stable `code` with its limits, from which the pages write the buyer's language.
 */
export function invalid(error: z.ZodError, input?: unknown) {
  const fields = error.issues.flatMap((i) => fieldIssues(i, input));
  const message = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  return badRequest("invalid_request", message, { fields });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, value);
  return result.data;
}

/** Reads a JSON body; an empty body counts as {}. Malformed JSON is a 400, not a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim().length === 0) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("malformed_json", "The request body is not valid JSON.");
  }
}

/** Reads a JSON body (an empty body counts as {}) and validates it. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return parseWith(schema, await readJson(c));
}

export function queryWith<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query());
}

type Validated<Target extends "json" | "query", S extends z.ZodType> = MiddlewareHandler<
  AppEnv,
  string,
  { in: { [K in Target]: z.input<S> }; out: { [K in Target]: z.output<S> } }
>;

/**
 * Validates the JSON body with `schema` before the handler runs (read it with `c.req.valid("json")`), and puts
 * that same schema in the OpenAPI document as the request body: what is documented is what is enforced.
 */
export function body<S extends z.ZodType>(schema: S): Validated<"json", S> {
  const middleware: Validated<"json", S> = async (c, next) => {
    c.req.addValidatedData("json", (await jsonBody(c, schema)) as object);
    await next();
  };
  return Object.assign(middleware, { [uniqueSymbol]: { target: "json", ...resolver(schema) } });
}

/** Validates the query string with `schema` (read it with `c.req.valid("query")`) and documents its parameters. */
export function query<S extends z.ZodType>(schema: S): Validated<"query", S> {
  const middleware: Validated<"query", S> = async (c, next) => {
    c.req.addValidatedData("query", queryWith(c, schema) as object);
    await next();
  };
  return Object.assign(middleware, { [uniqueSymbol]: { target: "query", ...resolver(schema) } });
}

/**
 * Documents a query string that the handler validates itself with queryWith(), for a route whose own first check
 * (a session read in one batch with its data, say) must come before the query is judged. Does nothing at run time.
 */
export function documentsQuery<S extends z.ZodType>(schema: S): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  return Object.assign(middleware, { [uniqueSymbol]: { target: "query", ...resolver(schema) } });
}
