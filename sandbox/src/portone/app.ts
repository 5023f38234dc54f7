import { Hono } from "hono";
import type { AppEnv } from "../env";
import { api } from "./api";
import { portoneBrowser } from "./browser";
import { portoneControl } from "./control";
import { PORTONE_BASE_PATH } from "./env";
import { PortOneError, portoneErrorResponse, V2_MSG } from "./errors";

/** The PortOne V2 sandbox: control routes, then the REST subset behind faults and the API secret. */
export const portoneApp = new Hono<AppEnv>().basePath(PORTONE_BASE_PATH);
portoneApp.route("/__control", portoneControl);
portoneApp.route("/", portoneBrowser);
portoneApp.route("/", api);

portoneApp.onError((err, c) => {
  if (err instanceof PortOneError) return portoneErrorResponse(c, err);
  // Only our own bugs get here; client input is refused earlier with a 400.
  console.error("sandbox portone error", err);
  return c.json({ type: "INTERNAL_SERVER_ERROR", message: "sandbox internal error: " + (err instanceof Error ? err.message : String(err)) }, 500);
});

/** 404 in V2's shape, for any path under the V2 prefix that no route takes. */
export const portoneNotFound = (c: Parameters<Parameters<typeof portoneApp.notFound>[0]>[0]) =>
  c.json({ type: "NOT_FOUND", message: V2_MSG.notFoundRoute }, 404);
