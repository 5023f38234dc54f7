import { Hono, type Context } from "hono";
import * as z from "zod";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "./config";
import { AppError, notFound, serviceMisconfigured } from "./domain/errors";
import { resetUsage, usageSnapshot, UsageSnapshotJson } from "./lib/metrics";
import { limitBody, requireContentType } from "./middleware/body";
import { provideContext } from "./middleware/context";
import { requestId } from "./middleware/request-id";
import { checkOrigin, loadSession, readSession } from "./middleware/session";
import { describe } from "./openapi/describe";
import { adminRoutes } from "./routes/admin";
import { adminCatalogueRoutes } from "./routes/admin-catalogue";
import { authRoutes, meRoutes } from "./routes/auth";
import { docsRoutes } from "./routes/docs";
import { localeRoutes } from "./routes/locale";
import { notFoundPage, pageRoutes } from "./routes/pages";
import { paymentRoutes } from "./routes/payments";
import { portoneWebhookRoutes } from "./routes/portone-webhooks";
import { productRoutes } from "./routes/products";
import { returnRoutes } from "./routes/returns";
import { adminSubscriptionRoutes } from "./routes/admin-subscriptions";
import { subscriptionReturnRoutes } from "./routes/subscription-return";
import { subscriptionRoutes } from "./routes/subscriptions";
import { webhookRoutes } from "./routes/webhooks";
import { presentError as errorBody } from "./services/present";
import type { AppEnv } from "./types";

const Health = z.object({ status: z.literal("ok") });

export function createApp() {
  const app = new Hono<AppEnv>();

  app.use("*", requestId());
  // The sandbox is its own Worker; it exists only where the binding does (never in production).
  app.all("/sandbox/*", (c) =>
    c.env.IAMPORT_SANDBOX ? c.env.IAMPORT_SANDBOX.fetch(c.req.raw) : c.json(errorBody("not_found", "Not found."), 404),
  );
  app.use("*", provideContext());
  app.get(
    "/healthz",
    describe({
      operationId: "health",
      summary: "Liveness",
      tags: ["Service"],
      responses: { 200: { description: "Serving.", body: Health } },
    }),
    (c) => c.json({ status: "ok" } satisfies z.output<typeof Health>),
  );
  // What requests and queue batches cost (D1, Iamport), for `npm run bench`; absent in production.
  const metrics = (operationId: string, summary: string) =>
    describe({
      operationId,
      summary,
      description: "Outside production only, for `npm run bench`: per route, the units served and their D1 round trips and Iamport calls.",
      tags: ["Service"],
      localOnly: true,
      responses: { 200: { description: "The counters (none, after a reset).", body: UsageSnapshotJson } },
      errors: { 404: ["not_found"] },
    });
  const metricsHandler = (c: Context<AppEnv>) => {
    if (c.var.config.APP_ENV === "production") return c.json(errorBody("not_found", "Not found."), 404);
    if (c.req.method === "DELETE") resetUsage();
    return c.json(usageSnapshot());
  };
  app.get("/__metrics", metrics("getUsage", "The benchmark's counters"), metricsHandler);
  app.delete("/__metrics", metrics("resetUsage", "Reset the benchmark's counters"), metricsHandler);
  // This API's OpenAPI document (/openapi.json) and reference page (/docs), generated from the routes below.
  app.route("/", docsRoutes(app));

  // The test clock's routes (README "Moving time"): compiled in outside production only, and answering only where
  // TEST_CLOCK is "true". Loaded on demand so that nothing of them is in the production bundle.
  if (__TEST_CLOCK__) {
    const clockRoute = (name: "showClock" | "advanceClock" | "resetClock") => async (c: Context<AppEnv>) => {
      if (!c.var.config.TEST_CLOCK) throw notFound("route");
      return (await import("./test-clock/routes"))[name](c);
    };
    const ClockView = z.object({
      now: z.string(),
      now_ms: z.number().int(),
      offset_seconds: z.number().int(),
      sandbox: z.object({ now: z.string(), offset_seconds: z.number().int(), schedules_executed: z.number().int().optional() }).nullable(),
      in_step: z.boolean(),
    });
    const clockDoc = (operationId: string, summary: string, body?: z.ZodType) =>
      describe({
        operationId,
        summary,
        description: "The test clock (README \"Moving time\"): pocketpay's time and the Iamport sandbox's, moved together. Outside production only.",
        tags: ["Service"],
        localOnly: true,
        ...(body ? { requestBody: { schema: body, mediaTypes: ["application/json"] } } : {}),
        responses: { 200: { description: "Both clocks.", body: ClockView } },
        errors: { 400: ["invalid_request", "malformed_json"], 404: ["not_found"], 503: ["gateway_unavailable"] },
      });
    app.get("/__test-clock", clockDoc("showTestClock", "Read the test clock"), clockRoute("showClock"));
    app.post(
      "/__test-clock/advance",
      clockDoc("advanceTestClock", "Move pocketpay's and the sandbox's time forward", z.object({ seconds: z.number().int().min(1) })),
      limitBody(),
      requireContentType(["application/json"]),
      clockRoute("advanceClock"),
    );
    app.delete("/__test-clock", clockDoc("resetTestClock", "Put both clocks back at the real time"), clockRoute("resetClock"));
  }

  // API routes look the session up only when they need it (requireUser, or batched with their own reads).
  app.use("/api/*", limitBody(), requireContentType(["application/json"]), readSession(), checkOrigin());
  app.route("/api/auth", authRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api/payments", paymentRoutes);
  app.route("/api/admin", adminRoutes);
  app.route("/api/products", productRoutes);
  app.route("/api/admin", adminCatalogueRoutes);
  app.route("/api/subscriptions", subscriptionRoutes);
  app.route("/api/admin", adminSubscriptionRoutes);

  app.use("/webhooks/*", limitBody(), requireContentType(["application/json", "application/x-www-form-urlencoded"]));
  app.route("/webhooks", webhookRoutes);
  app.route("/webhooks", portoneWebhookRoutes);

  app.use("/payments/return", loadSession());
  app.route("/payments", returnRoutes);
  app.use("/subscriptions/return", loadSession());
  app.route("/subscriptions", subscriptionReturnRoutes);

  // The pages' language switch (a form post that sets the remembered choice).
  app.use("/locale", limitBody(), requireContentType(["application/x-www-form-urlencoded"]));
  app.route("/locale", localeRoutes);

  // Server-rendered pages (src/views; their script and stylesheet are static assets); protected pages redirect
  // to /login?next=...
  app.route("/", pageRoutes);

  app.notFound((c) =>
    c.req.method === "GET" && !c.req.path.startsWith("/api/") && (c.req.header("accept") ?? "").includes("text/html")
      ? notFoundPage(c)
      : c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404),
  );

  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json(errorBody(err.code, err.message, err.details), err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return c.json(errorBody(status >= 500 ? "internal_error" : "bad_request", err.message || "Bad request."), status);
    }
    if (err instanceof ConfigError) {
      // Which settings are missing is for the operator (logs), not for whoever sent the request.
      console.error(JSON.stringify({ level: "error", event: "config_error", request_id: requestId, settings: err.settings, error: err.message }));
      const e = serviceMisconfigured();
      return c.json(errorBody(e.code, e.message), e.status as ContentfulStatusCode);
    }
    console.error(
      JSON.stringify({ level: "error", request_id: requestId, error: err.message, stack: err.stack }),
    );
    return c.json(errorBody("internal_error", "Something went wrong on our side.", { request_id: requestId }), 500);
  });

  return app;
}
