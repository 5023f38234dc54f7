import type { Hono } from "hono";
import { describeRoute, generateSpecs, resolver } from "hono-openapi";
import { z } from "zod";

// The control routes describe themselves like the app's routes do, and the sandbox serves their OpenAPI fragment
// at /sandbox/iamport/openapi.json. Outside production the app merges it into its own document, so the
// local /openapi.json and /docs show how tests and demos drive the sandbox; production has no sandbox, so its
// document has none of these. The emulated Iamport V1 API itself is described by Iamport's own schema.

/** What a control route answers on refusal: Iamport's envelope, `{code: -1, message, response: null}`. */
const Refusal = z.object({ code: z.number().int(), message: z.string(), response: z.null() }).meta({ id: "SandboxRefusal" });

/** A success in Iamport's envelope, around `response`. */
export const envelope = (response: z.ZodType) => z.object({ code: z.literal(0), message: z.null(), response });

/** A payment as the sandbox's Iamport API answers it (Iamport's field list; see its schema for every field). */
export const SandboxPayment = z
  .looseObject({ imp_uid: z.string(), merchant_uid: z.string(), amount: z.number(), status: z.string() })
  .meta({ id: "SandboxPayment" });

export function control(spec: {
  operationId: string;
  summary: string;
  description?: string;
  body?: z.ZodType;
  answer: { status?: 200 | 201; description: string; body: z.ZodType };
  refusals?: Array<400 | 404 | 409>;
  /** The refusal body, when not Iamport's envelope (the PortOne V2 control routes answer V2's `{type, message}`). */
  refusal?: z.ZodType;
}) {
  const REFUSED: Record<number, string> = {
    400: "A missing or malformed field, named in the gateway's Korean message",
    404: "No such payment (the gateway's message)",
    409: "Refused in this payment's state (the gateway's message)",
    500: "The sandbox's own bug",
  };
  const refused = (status: number) => ({
    description: REFUSED[status]!,
    content: { "application/json": { schema: resolver(spec.refusal ?? Refusal) } },
  });
  return describeRoute({
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: ["Sandbox"],
    security: [],
    ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: resolver(spec.body) } } } } : {}),
    responses: {
      [spec.answer.status ?? 200]: {
        description: spec.answer.description,
        content: { "application/json": { schema: resolver(spec.answer.body, { options: { io: "output" } } as never) } },
      },
      ...Object.fromEntries((spec.refusals ?? []).map((s) => [s, refused(s)])),
      500: refused(500),
    },
  } as never);
}

/**
 * The control routes' OpenAPI paths and schemas, for the app's local document, and the control routes that
 * describe nothing (`undescribed`: the app's tests hold it empty, naming each one).
 */
export async function controlDocument(app: Hono<any, any, any>, controlPrefixes: string[]) {
  const spec = await generateSpecs(app, { excludeStaticFile: false, defaultValidationErrorResponse: false } as never);
  const paths = (spec.paths ?? {}) as Record<string, Record<string, unknown>>;
  const undescribed = app.routes
    .filter((r) => r.method !== "ALL" && controlPrefixes.some((prefix) => r.path.startsWith(`${prefix}/`)))
    .map((r) => ({ method: r.method, path: r.path.replace(/:([A-Za-z_]+)/g, "{$1}") }))
    .filter((r) => !paths[r.path]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.path}`);
  return { paths: spec.paths, schemas: spec.components?.schemas ?? {}, undescribed };
}
