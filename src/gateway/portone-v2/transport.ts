// One HTTP exchange with PortOne V2, and the mapping of its outcome to a value or a typed error.
//
// V2 needs no token: every request carries `Authorization: PortOne <secret>`. The secret goes into that header and
// nowhere else: errors name the method and path (no query, no host) and PortOne's own message, never a header.

import { FetchFailure, fetchTextWithin } from "../../lib/fetch-within";
import type { z } from "zod";
import { GatewayNotFoundError, GatewayRefusalError, GatewayTransportError, type GatewayTransportKind } from "../errors";
import { PG_FAILURE_TYPES, classifyV2Refusal } from "./errors";
import { V2ErrorSchema, type V2Error } from "./schemas";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** Shaped like the Iamport client's CallInfo (kind "api": V2 has no token calls), so one observer counts both. */
export interface PortOneV2CallInfo {
  kind: "api";
  method: HttpMethod;
  /** Path without query string or base URL. */
  path: string;
  /** Absent when no response arrived (network error, timeout). */
  status?: number;
  ms: number;
}

export interface TransportOptions {
  fetch: typeof fetch;
  baseUrl: string;
  apiSecret: string;
  timeoutMs: number;
  now: () => number;
  onCall?: (info: PortOneV2CallInfo) => void;
}

export interface SendRequest {
  method: HttpMethod;
  path: string;
  query?: URLSearchParams;
  body?: unknown;
}

/** A refusal as V2 sent it, kept beside the typed error so adapters can read the PG's facts (pgCode, pgMessage). */
export class PortOneV2Refusal extends GatewayRefusalError {
  readonly v2: V2Error;
  constructor(message: string, init: ConstructorParameters<typeof GatewayRefusalError>[1] & { v2: V2Error }) {
    super(message, init);
    this.v2 = init.v2;
  }
}

/**
 * Sends one request and returns the parsed 2xx body, or throws:
 *  - GatewayTransportError: no response (network), our deadline (timeout, which covers reading the body too),
 *    408/429, a 5xx that is not a PG failure, a non-2xx whose body is not a V2 error, or a 2xx body that is not
 *    JSON or not the expected shape (malformed);
 *  - GatewayNotFoundError / PortOneV2Refusal (a GatewayRefusalError): V2's error body, classified by errors.ts.
 */
export async function call<S extends z.ZodType>(opts: TransportOptions, req: SendRequest, schema: S): Promise<z.output<S>> {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const qs = req.query?.toString();
  const url = `${base}${req.path}${qs ? `?${qs}` : ""}`;
  const at = `PortOne V2 ${req.method} ${req.path}`;
  const fail = (kind: GatewayTransportKind, text: string, status?: number, cause?: unknown) =>
    new GatewayTransportError(kind, `${at} ${text}`, { method: req.method, path: req.path, cause, ...(status === undefined ? {} : { status }) });

  const headers: Record<string, string> = { Accept: "application/json", Authorization: `PortOne ${opts.apiSecret}` };
  if (req.body !== undefined) headers["Content-Type"] = "application/json";

  const init: RequestInit = {
    method: req.method,
    headers,
    // The secret is never carried to wherever a redirect points; a 3xx is no answer (transport http_status).
    redirect: "manual",
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
  };

  const started = opts.now();
  let status: number | undefined;
  let text: string;
  try {
    ({ status, text } = await fetchTextWithin(opts.fetch, url, init, opts.timeoutMs));
  } catch (e) {
    const f = e as FetchFailure;
    status = f.status;
    throw f.timedOut
      ? fail("timeout", `timed out after ${opts.timeoutMs} ms`, status, f.cause)
      : fail("network", `failed: ${f.message}`, status, f.cause);
  } finally {
    report(opts, { kind: "api", method: req.method, path: req.path, ms: opts.now() - started, ...(status === undefined ? {} : { status }) });
  }

  // Reached only when the try block completed, so a response (and its status) exists.
  const httpStatus = status as number;
  let json: unknown;
  let isJson = true;
  try {
    json = JSON.parse(text);
  } catch {
    isJson = false;
  }

  if (httpStatus >= 200 && httpStatus < 300) {
    if (!isJson) throw fail("malformed", `answered HTTP ${httpStatus} with a body that is not JSON`, httpStatus);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw fail("malformed", `returned an unexpected body (${describe(parsed.error)})`, httpStatus);
    return parsed.data;
  }

  const error = isJson ? V2ErrorSchema.safeParse(json) : null;
  const v2 = error?.success ? error.data : null;
  const pgFailure = v2 !== null && PG_FAILURE_TYPES.has(v2.type);
  // 5xx (bar the PG's own failure, which V2 reports on 502 with its body), 408 and 429: the server did not finish
  // deciding. Any non-2xx without a V2 error body: a proxy or a wrong base URL answered, not PortOne.
  if (v2 === null || (httpStatus >= 500 && !pgFailure) || httpStatus === 408 || httpStatus === 429) {
    throw fail("http_status", `answered HTTP ${httpStatus}${v2 ? `: ${v2.type}` : " without a PortOne error body"}`, httpStatus);
  }
  throw refusal(req.method, req.path, httpStatus, v2);
}

export function refusal(method: string, path: string, httpStatus: number, v2: V2Error): GatewayRefusalError {
  const kind = classifyV2Refusal(httpStatus, method, v2.type);
  const gatewayMessage = v2.message ?? v2.pgMessage ?? null;
  const message = `PortOne V2 refused ${method} ${path} (HTTP ${httpStatus}, ${v2.type}): ${gatewayMessage ?? "no message"}`;
  const init = { method, path, kind, code: v2.type, gatewayMessage, httpStatus };
  return kind === "not_found" ? new GatewayNotFoundError(message, init) : new PortOneV2Refusal(message, { ...init, v2 });
}

function report(opts: TransportOptions, info: PortOneV2CallInfo): void {
  if (!opts.onCall) return;
  try {
    opts.onCall(info);
  } catch {
    // Metrics must never change the outcome of a payment call.
  }
}

/** Zod issue paths and messages only: zod does not echo input values. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}
