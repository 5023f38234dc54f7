// A scripted fetch for the Iamport client tests: each expected request is queued with its response,
// every request is recorded, and anything unscripted fails the test (recorded in `unexpected` and
// checked by assertDone(), since the client would otherwise turn the throw into a transport error).

export interface RecordedRequest {
  method: string;
  url: URL;
  path: string;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | undefined;
}

type Responder = (req: RecordedRequest) => Response | Promise<Response>;

interface Step {
  method: string;
  path: string;
  respond: Responder;
}

export const BASE = "https://iamport.test/base";

export function scriptedFetch() {
  const steps: Step[] = [];
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];

  // A plain function, so a test can check it was not called as a method of another object.
  const fetchFn = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (this !== undefined && this !== globalThis) {
      unexpected.push("fetch called with a foreign `this`");
      throw new TypeError("Illegal invocation");
    }
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const path = url.pathname.startsWith(new URL(BASE).pathname)
      ? url.pathname.slice(new URL(BASE).pathname.length)
      : url.pathname;
    const rawBody = init?.body;
    const req: RecordedRequest = {
      method,
      url,
      path,
      headers: new Headers(init?.headers),
      body: typeof rawBody === "string" ? JSON.parse(rawBody) : rawBody,
      signal: init?.signal ?? undefined,
    };
    requests.push(req);
    const step = steps.shift();
    if (!step || step.method !== method || step.path !== path) {
      const msg = `unexpected request ${method} ${path}${step ? ` (expected ${step.method} ${step.path})` : ""}`;
      unexpected.push(msg);
      return Promise.reject(new Error(msg));
    }
    return Promise.resolve().then(() => step.respond(req));
  };

  return {
    fetch: fetchFn as typeof fetch,
    requests,
    unexpected,
    /** Queue the response for the next request, which must be `method path` (path relative to BASE, raw/encoded). */
    on(method: string, path: string, respond: Responder | Response) {
      steps.push({ method, path, respond: typeof respond === "function" ? respond : () => respond });
      return this;
    },
    apiRequests: () => requests.filter((r) => r.path !== "/users/getToken"),
    tokenRequests: () => requests.filter((r) => r.path === "/users/getToken"),
    assertDone() {
      if (unexpected.length) throw new Error(`fake fetch: ${unexpected.join("; ")}`);
      if (steps.length) throw new Error(`fake fetch: ${steps.length} scripted request(s) never made: ${steps.map((s) => `${s.method} ${s.path}`).join(", ")}`);
    },
  };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export const ok = (response: unknown, status = 200) => json({ code: 0, message: null, response }, status);
export const refusal = (code: number, message: string, status = 200) => json({ code, message, response: null }, status);

/** A getToken success; Iamport's clock is deliberately far from the test clock (only the difference matters). */
export const tokenOk = (token: string, ttlSeconds = 1800, iamportNow = 1_733_895_332) =>
  ok({ access_token: token, now: iamportNow, expired_at: iamportNow + ttlSeconds });

export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function payment(overrides: Record<string, unknown> = {}) {
  return {
    amount: 1000,
    apply_num: "30012345",
    bank_code: null,
    bank_name: null,
    buyer_addr: null,
    buyer_email: "buyer@example.com",
    buyer_name: "Kim",
    buyer_postcode: null,
    buyer_tel: "010-0000-0000",
    cancel_amount: 0,
    cancel_history: [],
    cancel_reason: null,
    cancel_receipt_urls: [],
    cancelled_at: 0,
    card_code: "361",
    card_name: "BC카드",
    card_number: "510737*********6",
    card_quota: 0,
    card_type: 0,
    cash_receipt_issued: false,
    channel: "pc",
    currency: "KRW",
    custom_data: null,
    customer_uid: null,
    customer_uid_usage: null,
    emb_pg_provider: null,
    escrow: false,
    fail_reason: null,
    failed_at: 0,
    imp_uid: "imp_448280090638",
    merchant_uid: "pay_0123456789abcdef0123456789abcdef",
    name: "Coffee",
    paid_at: 1733895400,
    pay_method: "card",
    pg_id: "INIpayTest",
    pg_provider: "html5_inicis",
    pg_tid: "StdpayCARDINIpayTest20241211",
    promotion: null,
    receipt_url: "https://example.com/receipt",
    sandbox: false,
    started_at: 1733895300,
    status: "paid",
    user_agent: "Mozilla/5.0",
    vbank_code: null,
    vbank_date: 0,
    vbank_holder: null,
    vbank_issued_at: 0,
    vbank_name: null,
    vbank_num: null,
    ...overrides,
  };
}
