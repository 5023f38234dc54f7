// The JSON API, same origin (so the browser sends Origin with every POST and the session cookie).

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { fields?: FieldIssue[]; [key: string]: unknown };
}

/** One field's problem (src/lib/field-issues.ts): `message` is English; pages write `code` in their language. */
export interface FieldIssue {
  field: string;
  message: string;
  code: string;
  min?: number;
  max?: number;
  character?: string;
}

export interface ApiResult<T = unknown> {
  /** 0 when the request never reached pocketpay. */
  status: number;
  body: (T & { error?: ApiErrorBody }) | null;
}

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResult<T>> {
  const init: RequestInit & { headers: Record<string, string> } = {
    method,
    credentials: "same-origin",
    headers: { accept: "application/json", ...headers },
  };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    return {
      status: 0,
      body: { error: { code: "network_error", message: "pocketpay could not be reached." } } as ApiResult<T>["body"],
    };
  }
  let data: ApiResult<T>["body"] = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  return { status: res.status, body: data };
}

/** The API's error, or a stand-in when the answer carried none (a proxy's HTML page, an empty 502). */
export function errorOf(res: ApiResult): ApiErrorBody {
  return res.body?.error ?? { code: "unknown", message: `HTTP ${res.status}` };
}

/** An Idempotency-Key: one per intended write, kept across retries of that write. */
export function newKey(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join("");
}
