import { Hono } from "hono";
import { BASE_PATH, type AppEnv } from "./env";
import { envelopeError, IamportError, MSG } from "./envelope";
import { requireToken } from "./middleware/auth";
import { injectFaults } from "./middleware/faults";
import { browser } from "./routes/browser";
import { cancel } from "./routes/cancel";
import { control } from "./routes/control";
import { payments } from "./routes/payments";
import { prepare } from "./routes/prepare";
import { customers } from "./routes/customers";
import { schedules } from "./routes/schedules";
import { subscribePayments } from "./routes/subscribe-payments";
import { tokens } from "./routes/tokens";

/** The emulated Iamport V1 REST API: faults first, then getToken, then everything behind a token. */
const api = new Hono<AppEnv>();
api.use("*", injectFaults);
api.route("/", tokens);
// Scoped by prefix (not "*") so an unknown path answers 404 rather than 401.
for (const path of ["/payments", "/payments/*", "/subscribe/*"]) api.use(path, requireToken);
// prepare before payments: /payments/prepare/:id must not be read as /payments/:imp_uid/...
api.route("/", prepare);
api.route("/", cancel);
api.route("/", payments);
api.route("/", customers);
api.route("/", subscribePayments);
api.route("/", schedules);

export const app = new Hono<AppEnv>().basePath(BASE_PATH);
// Control and browser routes are registered first and answer before the API middleware would run.
app.route("/__control", control);
app.route("/", browser);
app.route("/", api);

app.notFound((c) => envelopeError(c, 404, -1, MSG.notFoundRoute));

app.onError((err, c) => {
  if (err instanceof IamportError) {
    if (err.httpStatus === 401) c.header("WWW-Authenticate", "iamport");
    return envelopeError(c, err.httpStatus, err.code, err.message);
  }
  // Only our own bugs get here; client input is refused earlier with a 400.
  console.error("sandbox error", err);
  return envelopeError(c, 500, -1, "sandbox internal error: " + (err instanceof Error ? err.message : String(err)));
});
