import type { Hono } from "hono";
import { generateSpecs, resolver } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";
import type { ErrorStatus } from "../domain/errors";
import { PortoneNotification } from "../services/portone-webhooks";
import { IamportNotification } from "../services/webhooks";
import { ErrorJson } from "../services/present";
import { AUTH_KEY, ERRORS_KEY, LOCAL_ONLY_KEY, responseSchema, type ErrorMarks } from "./describe";

// The OpenAPI 3.1 document, generated from the routes of the running app (src/openapi/describe.ts), then
// completed with what every operation shares: the error body, the security schemes, the Idempotency-Key header,
// 429's Retry-After, the error boundary's 500 and 503, and Iamport's webhook.

export type OpenApiDocument = OpenAPIV3_1.Document;

const STATUS_TEXT: Record<ErrorStatus, string> = {
  400: "Bad input",
  401: "No session",
  403: "Not allowed",
  404: "Not found, or not yours",
  409: "State conflict",
  413: "Body too large",
  415: "Wrong content type",
  422: "Idempotency-Key reused with another body",
  429: "Rate limited",
  500: "Internal error",
  502: "Iamport refused",
  503: "Unavailable",
};

/** Every operation can meet the error boundary: a bug (500) or a deployment missing its settings (503). */
const EVERY_OPERATION: ErrorMarks = { "500 internal_error": "all", "503 config_error": "all" };
const WRITE_METHODS = new Set(["post", "put", "patch", "delete"]);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const DESCRIPTION = `Card payments for Korean shops through Iamport (PortOne V1).

JSON over HTTPS. Amounts are integer KRW; times are ISO 8601 UTC strings. Every error is
\`{"error": {"code", "message", "details"?}}\`; each operation lists, by status, the codes it may answer.
Sign in with \`POST /api/auth/login\` (or sign up): the answer's \`token\` is a Bearer token, and a browser also
gets the \`pp_session\` cookie (cookie-authenticated writes must come from pocketpay's own origin).`;

const errorResponse = (status: ErrorStatus, codes: string[]): OpenAPIV3_1.ResponseObject => ({
  description: `${STATUS_TEXT[status]}: ${codes.join(", ")}`,
  ...(status === 429
    ? { headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } }
    : {}),
  content: {
    "application/json": {
      schema: {
        allOf: [
          { $ref: "#/components/schemas/Error" },
          { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: codes } } } } },
        ],
      },
    },
  },
});

type Operation = OpenAPIV3_1.OperationObject & Record<string, unknown>;

// hono-openapi puts this response on every operation that runs a validator (body(), query()): it becomes the
// validators' own 400s.
const VALIDATED = "(validated)";

function completeOperation(method: string, op: Operation) {
  const marks: ErrorMarks = { ...((op[ERRORS_KEY] as ErrorMarks | undefined) ?? {}), ...EVERY_OPERATION };
  const responses: Record<string, unknown> = { ...op.responses };
  if ((responses["400"] as { description?: string } | undefined)?.description === VALIDATED) {
    delete responses["400"];
    marks["400 invalid_request"] = "all";
    if (op.requestBody && "content" in op.requestBody && op.requestBody.content["application/json"]) marks["400 malformed_json"] = "all";
  }
  const byStatus = new Map<ErrorStatus, string[]>();
  for (const [mark, scope] of Object.entries(marks)) {
    if (scope === "writes" && !WRITE_METHODS.has(method)) continue;
    const [status, code] = mark.split(" ") as [string, string];
    const codes = byStatus.get(Number(status) as ErrorStatus) ?? [];
    if (!codes.includes(code)) codes.push(code);
    byStatus.set(Number(status) as ErrorStatus, codes);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) responses[status] = errorResponse(status, codes.sort());
  op.responses = responses as OpenAPIV3_1.ResponsesObject;

  const auth = op[AUTH_KEY];
  if (auth) {
    op.security = [{ sessionCookie: [] }, { bearerToken: [] }];
    if (auth === "admin") op.description = [op.description, "Administrators only."].filter(Boolean).join("\n\n");
  } else {
    op.security = [];
  }
  delete op[ERRORS_KEY];
  delete op[AUTH_KEY];
}

/** zod writes JavaScript's safe-integer range on every integer; it says nothing a reader needs. */
function dropSafeIntegerBounds(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropSafeIntegerBounds);
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  if (o.minimum === -Number.MAX_SAFE_INTEGER) delete o.minimum;
  if (o.maximum === Number.MAX_SAFE_INTEGER) delete o.maximum;
  Object.values(o).forEach(dropSafeIntegerBounds);
}

/** Iamport's notification, as OpenAPI 3.1 describes a request that another party sends to this API. */
async function iamportWebhook() {
  const { schema, components } = await resolver(IamportNotification).toOpenAPISchema();
  const body = { schema: schema as OpenAPIV3_1.ReferenceObject };
  const entry: OpenAPIV3_1.PathItemObject = {
    post: {
      operationId: "iamportNotification",
      summary: "Iamport's payment notification",
      description:
        "Iamport posts this to `POST /webhooks/iamport` (set that URL in Iamport's console) when a payment is paid, " +
        "fails, or is cancelled, as JSON or as a form. It is unsigned, so pocketpay trusts none of it: the delivery " +
        "is stored, then a queue asks Iamport for the payment and checks it against the order. Deliveries may repeat " +
        "or arrive out of order; each gives at most one state change.",
      tags: ["Webhooks"],
      security: [],
      requestBody: { required: true, content: { "application/json": body, "application/x-www-form-urlencoded": body } },
      responses: {
        "200": { description: "Stored; validation is queued." },
        "400": { description: "Malformed (stored for inspection, never acted on)." },
      },
    },
  };
  return { entry, schemas: components?.schemas ?? {} };
}

/** PortOne V2's webhook: signed (Standard Webhooks), so its headers are part of what it sends. */
async function portoneWebhook() {
  const { schema, components } = await resolver(PortoneNotification).toOpenAPISchema();
  const header = { required: true, description: "Standard Webhooks", schema: { type: "string" as const } };
  const entry: OpenAPIV3_1.PathItemObject = {
    post: {
      operationId: "portoneNotification",
      summary: "PortOne V2's webhook",
      description: "Signed the Standard Webhooks way with PORTONE_WEBHOOK_SECRET; stored once per webhook-id.",
      tags: ["Webhooks"],
      security: [],
      parameters: [
        { name: "webhook-id", in: "header", ...header },
        { name: "webhook-timestamp", in: "header", ...header },
        { name: "webhook-signature", in: "header", ...header },
      ],
      requestBody: { required: true, content: { "application/json": { schema: schema as OpenAPIV3_1.ReferenceObject } } },
      responses: {
        "200": { description: "Stored." },
        "400": { description: "Malformed." },
        "401": { description: "Signature refused." },
      },
    },
  };
  return { entry, schemas: components?.schemas ?? {} };
}

/**
 * The Iamport sandbox's control routes (local development and tests only), as the sandbox describes them
 * (sandbox/src/openapi.ts): how a test or a demo acts as the buyer, arms faults or moves the test clock.
 */
async function sandboxControl(sandbox: Fetcher): Promise<{ paths: OpenAPIV3_1.PathsObject; schemas: Record<string, unknown> }> {
  const res = await sandbox.fetch("http://sandbox.local/sandbox/iamport/openapi.json");
  if (!res.ok) throw new Error(`The sandbox's control description answered ${res.status}`);
  return res.json();
}

/** Every operation of `paths` marked as outside production (the local document keeps the mark; see describe.ts). */
function markedLocalOnly(paths: OpenAPIV3_1.PathsObject): OpenAPIV3_1.PathsObject {
  for (const item of Object.values(paths)) {
    for (const method of METHODS) {
      const op = item?.[method] as Operation | undefined;
      if (op) op[LOCAL_ONLY_KEY] = true;
    }
  }
  return paths;
}

/**
 * Generates the document of `app` as this deployment serves it. Production leaves out the local-only routes
 * and has no sandbox; elsewhere the sandbox's control routes are added (tag Sandbox).
 */
export async function buildDocument(
  app: Hono<any, any, any>,
  opts: { production: boolean; sandbox?: Fetcher | undefined },
): Promise<OpenApiDocument> {
  const generated = (await generateSpecs(app, {
    documentation: {
      openapi: "3.1.0",
      info: { title: "pocketpay", version: "1", description: DESCRIPTION },
    },
    defaultValidationErrorResponse: { description: VALIDATED },
    excludeStaticFile: false,
  } as never)) as OpenApiDocument;

  const paths: OpenAPIV3_1.PathsObject = {};
  for (const [path, item] of Object.entries(generated.paths ?? {})) {
    const kept: Record<string, Operation> = {};
    for (const method of METHODS) {
      const op = item?.[method] as Operation | undefined;
      // Only what describe() describes (it always gives a summary): hono-openapi also lists, with a made-up
      // operationId, a route that merely runs a documented middleware.
      if (!op?.summary || (opts.production && op[LOCAL_ONLY_KEY])) continue;
      completeOperation(method, op);
      kept[method] = op;
    }
    if (Object.keys(kept).length > 0) paths[path] = kept;
  }

  const sandbox = !opts.production && opts.sandbox ? await sandboxControl(opts.sandbox) : undefined;
  if (sandbox) Object.assign(paths, markedLocalOnly(sandbox.paths));

  const webhook = await iamportWebhook();
  const portone = await portoneWebhook();
  const error = await responseSchema(ErrorJson).toOpenAPISchema();
  const document: OpenApiDocument = {
    openapi: "3.1.0",
    info: generated.info,
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    servers: [{ url: "/", description: "This deployment: the document is served by the API it describes." }],
    tags: [
      { name: "Auth", description: "Accounts and sessions." },
      { name: "Catalogue", description: "Products and their prices: what an order is made of. Reading is public; changing is for administrators." },
      { name: "Payments", description: "Orders, the browser's report, cancels and refunds." },
      { name: "Subscriptions", description: "정기결제: plans, billing keys registered in Iamport's window, renewals by pocketpay's own scheduler, invoices and dunning." },
      { name: "Admin", description: "Administrators." },
      { name: "Webhooks", description: "What Iamport (V1) and PortOne (V2) send pocketpay." },
      { name: "Pages", description: "What the pages' own forms post (the pages themselves are HTML, not part of this API)." },
      { name: "Service", description: "Health, this document and, outside production, the benchmark's counters." },
      ...(sandbox
        ? [{ name: "Sandbox", description: "The built-in Iamport sandbox's controls, for tests and demos (never in production)." }]
        : []),
    ],
    paths,
    webhooks: { iamportNotification: webhook.entry, portoneNotification: portone.entry },
    components: {
      schemas: {
        ...(generated.components?.schemas ?? {}),
        ...(error.components?.schemas ?? {}),
        ...((sandbox?.schemas ?? {}) as Record<string, OpenAPIV3_1.SchemaObject>),
        ...webhook.schemas,
        ...portone.schemas,
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Makes a retry safe: a repeat with the same key and body answers the first response and does nothing " +
            "again; the same key with another body is 422 idempotency_key_reused; while the first is still running, " +
            "409 request_in_progress. 1–255 visible ASCII characters (a UUID is ideal); kept 24 hours, per account.",
          schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
        },
      },
      headers: {
        RetryAfter: {
          description: "Seconds to wait before trying again.",
          required: true,
          schema: { type: "string", pattern: "^[0-9]+$" },
        },
      },
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "pp_session",
          description: "Set by sign-up and login (HttpOnly, SameSite=Lax). Cookie-authenticated writes must come from pocketpay's origin.",
        },
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "The `token` from sign-up or login, as `Authorization: Bearer <token>`.",
        },
      },
    },
  };
  dropSafeIntegerBounds(document);
  return document;
}
