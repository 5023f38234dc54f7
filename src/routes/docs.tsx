/** @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import * as z from "zod";
import { fnv1a } from "../lib/hash";
import { describe } from "../openapi/describe";
import { buildDocument, type OpenApiDocument } from "../openapi/document";
import type { AppEnv } from "../types";
import { API_REFERENCE_CSS, ApiReferencePage } from "../views/api-reference";
import { setPageHeaders } from "./pages";

// The API's own description: the OpenAPI document at /openapi.json and the reference page at /docs, both
// generated from `app` (every route describes itself; see src/openapi/describe.ts).

const CSS_VERSION = fnv1a(API_REFERENCE_CSS);
const CSS_PATH = "/docs/reference.css";

const OpenApiJson = z
  .looseObject({ openapi: z.literal("3.1.0"), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .meta({ description: "This document." });

export function docsRoutes(app: Hono<AppEnv>) {
  // One document per isolate and kind of deployment, generated on first use.
  const documents = new Map<string, Promise<OpenApiDocument>>();
  const documentFor = (c: Context<AppEnv>) => {
    const production = c.var.config.APP_ENV === "production";
    const sandbox = production ? undefined : c.env.IAMPORT_SANDBOX;
    const key = `${production}:${!!sandbox}`;
    let doc = documents.get(key);
    if (!doc) {
      doc = buildDocument(app, { production, sandbox });
      documents.set(key, doc);
      doc.catch(() => documents.delete(key));
    }
    return doc;
  };

  return new Hono<AppEnv>()
    .get(
      "/openapi.json",
      describe({
        operationId: "getOpenApiDocument",
        summary: "This API's OpenAPI 3.1 document",
        tags: ["Service"],
        responses: { 200: { description: "The document; generate a typed client from it.", body: OpenApiJson } },
      }),
      async (c) => {
        c.header("Cache-Control", "no-cache");
        return c.json(await documentFor(c));
      },
    )
    .get(
      "/docs",
      describe({
        operationId: "getApiReference",
        summary: "The API reference page",
        tags: ["Service"],
        responses: { 200: { description: "HTML, rendered from the document.", html: true } },
      }),
      async (c) => {
        const doc = await documentFor(c);
        setPageHeaders(c);
        return c.html(`<!doctype html>${<ApiReferencePage doc={doc} cssUrl={`${CSS_PATH}?v=${CSS_VERSION}`} />}`);
      },
    )
    .get(CSS_PATH, (c) =>
      c.body(API_REFERENCE_CSS, 200, {
        "content-type": "text/css; charset=utf-8",
        "cache-control": c.req.query("v") === CSS_VERSION ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
      }),
    );
}
