// One HTTP exchange with Iamport, and the mapping of its outcome to a value or a typed error.
//
// Split from client.ts so the status/envelope rules live in one place: the client only decides which
// endpoint to call and when to refresh the token.

import { FetchFailure, fetchTextWithin } from "../lib/fetch-within";
import type { z } from "zod";
import { IamportNotFoundError, IamportRefusalError, IamportTransportError } from "./errors";
import { EnvelopeSchema, type IamportEnvelope } from "./schemas";

export type CallKind = "token" | "api";
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface CallInfo {
  kind: CallKind;
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
  timeoutMs: number;
  now: () => number;
  tier?: string;
  onCall?: (info: CallInfo) => void;
}

export interface SendRequest {
  kind: CallKind;
  method: HttpMethod;
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  token?: string;
}

/** What came back: the HTTP status and the envelope, or why there is no usable envelope. */
export interface Exchange {
  method: HttpMethod;
  path: string;
  status: number;
  envelope: IamportEnvelope | null;
  /** Set when envelope is null; never contains body text (a token response body holds a token). */
  problem?: string;
}

export async function send(opts: TransportOptions, req: SendRequest): Promise<Exchange> {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const qs = req.query?.toString();
  const url = `${base}${req.path}${qs ? `?${qs}` : ""}`;

  const headers: Record<string, string> = { Accept: "application/json" };
  if (req.body !== undefined) headers["Content-Type"] = "application/json";
  if (req.token !== undefined) headers.Authorization = `Bearer ${req.token}`;
  if (opts.tier !== undefined) headers.Tier = opts.tier;

  const init: RequestInit = {
    method: req.method,
    headers,
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
    const where = { method: req.method, path: req.path, cause: f.cause };
    throw f.timedOut
      ? new IamportTransportError("timeout", `Iamport ${req.method} ${req.path} timed out after ${opts.timeoutMs} ms`, status === undefined ? where : { ...where, status })
      : new IamportTransportError("network", `Iamport ${req.method} ${req.path} failed: ${f.message}`, status === undefined ? where : { ...where, status });
  } finally {
    report(opts, { kind: req.kind, method: req.method, path: req.path, status, ms: opts.now() - started });
  }

  // Reached only when the try block completed, so a response (and its status) exists.
  const httpStatus = status as number;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { method: req.method, path: req.path, status: httpStatus, envelope: null, problem: "body is not JSON" };
  }
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    return { method: req.method, path: req.path, status: httpStatus, envelope: null, problem: `not an Iamport envelope (${describe(parsed.error)})` };
  }
  return { method: req.method, path: req.path, status: httpStatus, envelope: parsed.data };
}

function report(opts: TransportOptions, info: Omit<CallInfo, "status"> & { status: number | undefined }): void {
  if (!opts.onCall) return;
  const { status, ...rest } = info;
  try {
    opts.onCall(status === undefined ? rest : { ...rest, status });
  } catch {
    // Metrics must never change the outcome of a payment call.
  }
}

/** Zod issue paths and messages only: zod does not echo input values, so no token or secret leaks here. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

/**
 * Turn an exchange into the parsed `response`, or throw.
 *
 * Order matters: 5xx (and 408/429) is transport even with an envelope, because the server did not
 * finish deciding; a 404 envelope is "not found"; any other envelope with code != 0 is a refusal, on
 * any status including 200; only 2xx with code 0 and a valid `response` is success. A 404 without an
 * envelope is transport, not "not found": it means a wrong base URL or a proxy, and reading it as "the
 * payment does not exist" could make a caller fail a paid order.
 */
export function unwrap<S extends z.ZodType>(x: Exchange, schema: S): z.output<S> {
  const where = { method: x.method, path: x.path };
  const env = x.envelope;

  if (x.status >= 500 || x.status === 408 || x.status === 429) {
    const msg = env?.message ? `: ${env.message}` : "";
    throw new IamportTransportError("http_status", `Iamport ${x.method} ${x.path} answered HTTP ${x.status}${msg}`, {
      ...where,
      status: x.status,
    });
  }
  if (x.status === 401) {
    // Reached only after the client's one retry with a fresh token (or on getToken itself: bad key/secret).
    throw new IamportRefusalError({
      ...where,
      code: env?.code ?? -1,
      iamportMessage: env?.message ?? "Unauthorized",
      httpStatus: 401,
    });
  }
  const ok = x.status >= 200 && x.status < 300;
  if (!env) {
    throw new IamportTransportError(
      ok ? "malformed" : "http_status",
      `Iamport ${x.method} ${x.path} answered HTTP ${x.status} with an unusable body: ${x.problem ?? "unknown"}`,
      { ...where, status: x.status },
    );
  }
  if (x.status === 404) {
    throw new IamportNotFoundError({ ...where, code: env.code, iamportMessage: env.message ?? null, httpStatus: 404 });
  }
  if (env.code !== 0 || !ok) {
    throw new IamportRefusalError({ ...where, code: env.code, iamportMessage: env.message ?? null, httpStatus: x.status });
  }
  const parsed = schema.safeParse(env.response);
  if (!parsed.success) {
    throw new IamportTransportError(
      "malformed",
      `Iamport ${x.method} ${x.path} returned an unexpected response (${describe(parsed.error)})`,
      { ...where, status: x.status },
    );
  }
  return parsed.data;
}
