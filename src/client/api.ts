// The JSON API, same origin (so the browser sends Origin with every POST and the session cookie).

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { fields?: FieldIssue[]; [key: string]: unknown };
}

export interface FieldIssue {
  field: string;
  message: string;
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
      body: { error: { code: "network_error", message: "pocketpay could not be reached. Check your connection and try again." } } as ApiResult<T>["body"],
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
  return res.body?.error ?? { code: "unknown", message: `Something went wrong (HTTP ${res.status}). Please try again.` };
}

/** An Idempotency-Key: one per intended write, kept across retries of that write. */
export function newKey(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join("");
}
