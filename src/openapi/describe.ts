import type { MiddlewareHandler } from "hono";
import { describeRoute, resolver, uniqueSymbol } from "hono-openapi";
import type * as z from "zod";
import type { ErrorCode, ErrorStatus } from "../domain/errors";

// How a route tells the OpenAPI document what it does. The document (src/openapi/document.ts) is generated from
// these descriptions, from the body()/query() validators (src/lib/validate.ts) and from the middleware a route
// runs (requireUser, requireAdmin, limitWrites, … describe themselves), so what a route does and what the
// document says come from the same code. See "Describing a route" in the README.

/** Error codes a route may answer, by status. Codes of the middleware it runs are added by the middleware. */
export type RouteErrors = Partial<Record<ErrorStatus, readonly ErrorCode[]>>;

export interface ResponseSpec {
  description: string;
  /** The JSON body's schema (beside its presenter, in src/services/present.ts); absent for an empty body. */
  body?: z.ZodType;
  /** An HTML page rather than JSON. */
  html?: boolean;
  /** Response headers, by name. */
  headers?: Record<string, { description: string; schema: Record<string, unknown>; required?: boolean }>;
}

export interface RouteSpec {
  /** Stable and unique: generated clients name their functions after it. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Path parameters, by name (every one in the path is required). */
  params?: Record<string, { description: string; schema?: Record<string, unknown> }>;
  /** Request headers the route reads (a webhook's signature, say); Idempotency-Key has its own flag. */
  headers?: Record<string, { description: string; required?: boolean; schema?: Record<string, unknown> }>;
  /**
   * A body the route hands to a service to validate (the service's own schema, e.g. a webhook's); a route that
   * validates its body itself uses the body() middleware (src/lib/validate.ts), which documents it.
   */
  requestBody?: { description?: string; schema: z.ZodType; mediaTypes: string[] };
  /** The route's successful answers, by status. */
  responses: Partial<Record<200 | 201 | 202 | 204 | 303, ResponseSpec>>;
  /** The route's own error codes, by status (its middleware add theirs). */
  errors?: RouteErrors;
  /** The route honours an Idempotency-Key header (a repeat answers the first response). */
  idempotencyKey?: boolean;
  /**
   * Who may call, for a route that checks the session itself (in its handler or service) rather than through
   * requireUser()/requireAdmin(), which document themselves: adds the security schemes and the 401 (and 403).
   */
  auth?: "user" | "admin";
  /** The route applies rate limits inside its handler (limitWrites documents itself). */
  rateLimited?: boolean;
  /**
   * Outside production only (benchmark counters, test clocks): left out of production's document, and marked
   * `x-pocketpay-local-only: true` in the local one. A path under /__ must say so (a test holds it).
   */
  localOnly?: boolean;
}

/**
 * Error codes in a form hono-openapi merges without losing any: it merges each operation's descriptions one
 * level deep, so every code is a key of its own ("409 invalid_state"), grouped back by status in the document.
 * A value of "writes" limits the code to operations that take a body (POST, PUT, PATCH, DELETE).
 */
export type ErrorMarks = Record<string, "all" | "writes">;

export const ERRORS_KEY = "x-pocketpay-errors";
export const AUTH_KEY = "x-pocketpay-auth";
/** Kept in the local document, so a reader (and the tests) can tell what production does not serve. */
export const LOCAL_ONLY_KEY = "x-pocketpay-local-only";

export function errorMarks(errors: RouteErrors, scope: "all" | "writes" = "all"): ErrorMarks {
  const marks: ErrorMarks = {};
  for (const [status, codes] of Object.entries(errors)) for (const code of codes ?? []) marks[`${status} ${code}`] = scope;
  return marks;
}

/** A response body's schema as the document shows it: the output side of the zod schema. */
export const responseSchema = (schema: z.ZodType) => resolver(schema, { options: { io: "output" } } as never);

/** The description middleware for a route; it does nothing at run time. */
export function describe(spec: RouteSpec): MiddlewareHandler {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.body ? { content: { "application/json": { schema: responseSchema(r.body) } } } : {}),
      ...(r.html ? { content: { "text/html": { schema: { type: "string" } } } } : {}),
    };
  }
  const parameters: unknown[] = Object.entries(spec.params ?? {}).map(([name, p]) => ({
    name,
    in: "path",
    required: true,
    description: p.description,
    schema: p.schema ?? { type: "string" },
  }));
  for (const [name, h] of Object.entries(spec.headers ?? {})) {
    parameters.push({ name, in: "header", required: h.required ?? false, description: h.description, schema: h.schema ?? { type: "string" } });
  }
  if (spec.idempotencyKey) parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
  const marks = errorMarks(spec.errors ?? {});
  if (spec.rateLimited) Object.assign(marks, errorMarks({ 429: ["rate_limited"] }));
  if (spec.auth) Object.assign(marks, errorMarks(spec.auth === "admin" ? { 401: ["unauthorized"], 403: ["forbidden"] } : { 401: ["unauthorized"] }));
  return describeRoute({
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.requestBody
      ? {
          requestBody: {
            required: true,
            ...(spec.requestBody.description ? { description: spec.requestBody.description } : {}),
            content: Object.fromEntries(spec.requestBody.mediaTypes.map((m) => [m, { schema: resolver(spec.requestBody!.schema) }])),
          },
        }
      : {}),
    responses: responses as never,
    [ERRORS_KEY]: marks,
    ...(spec.auth ? { [AUTH_KEY]: spec.auth } : {}),
    ...(spec.localOnly ? { [LOCAL_ONLY_KEY]: true } : {}),
  } as never);
}

export interface MiddlewareDoc {
  errors?: RouteErrors;
  /** Errors that only a request with a body can meet (413, 415, a cookie write's origin check). */
  writeErrors?: RouteErrors;
  /** Who may call: any signed-in user, or administrators only. */
  auth?: "user" | "admin";
}

/**
 * Marks a middleware with what it adds to every route that runs it, so a route that uses requireAdmin() is
 * documented as needing a session and answering 401 and 403 without saying so itself.
 */
export function documented<M extends MiddlewareHandler>(middleware: M, doc: MiddlewareDoc): M {
  const spec = {
    [ERRORS_KEY]: { ...errorMarks(doc.errors ?? {}), ...errorMarks(doc.writeErrors ?? {}, "writes") },
    ...(doc.auth ? { [AUTH_KEY]: doc.auth } : {}),
  };
  return Object.assign(middleware, { [uniqueSymbol]: { spec } });
}
