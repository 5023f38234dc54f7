import { Hono } from "hono";
import { app as iamportApp } from "./app";
import { BASE_PATH, type AppEnv, type Env } from "./env";
import { controlDocument } from "./openapi";
import { portoneApp, portoneNotFound } from "./portone/app";
import { PORTONE_BASE_PATH } from "./portone/env";

// One Worker, two emulated gateways: Iamport V1 under /sandbox/iamport, PortOne V2 under /sandbox/portone. They share
// the clock, the fault table, the test cards and the webhook delivery.
const root = new Hono<AppEnv>();
// The control routes' own OpenAPI description (both gateways'), which the app merges into its local document.
root.get(`${BASE_PATH}/openapi.json`, async (c) =>
  c.json(await controlDocument(root, [`${BASE_PATH}/__control`, `${PORTONE_BASE_PATH}/__control`])),
);
root.route("/", portoneApp);
root.route("/", iamportApp);
root.notFound((c) => (c.req.path.startsWith(`${PORTONE_BASE_PATH}/`) ? portoneNotFound(c) : iamportApp.fetch(c.req.raw, c.env, c.executionCtx)));

export default {
  fetch: root.fetch,
} satisfies ExportedHandler<Env>;
