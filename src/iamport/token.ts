// Access-token caching.
//
// Iamport tokens live 30 minutes and getToken returns the same token while it is valid, so fetching one
// per request (what the old Django app did) only doubles latency. The cache is a plain object the Worker
// keeps per isolate and hands to every client it creates, so concurrent requests share one token and
// one in-flight refresh. Entries are keyed by base URL and imp_key, which keeps a shared cache correct
// even if two accounts (or the sandbox and the real API) are used from the same isolate.
//
// Expiry is computed as `expired_at - now` (a duration) applied to OUR clock, never by comparing
// Iamport's absolute `expired_at` with our clock: the two clocks need not agree.

/** Refresh when fewer than this many ms remain: Iamport extends a token re-requested in its last minute. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export interface CachedToken {
  token: string;
  /** Local-clock ms after which the token must not be used. */
  expiresAtMs: number;
}

interface Slot {
  current?: CachedToken;
  inflight?: Promise<CachedToken>;
}

/** Opaque, shareable token cache. Create one per isolate with createTokenCache(). */
export interface TokenCache {
  readonly slots: Map<string, Slot>;
}

export function createTokenCache(): TokenCache {
  return { slots: new Map() };
}

export interface TokenStore {
  /** A token valid for at least TOKEN_REFRESH_MARGIN_MS, fetching one if needed (one fetch for all concurrent callers). */
  get(): Promise<string>;
  /** Forget `token` after Iamport rejected it; a different token cached meanwhile is kept. */
  invalidate(token: string): void;
}

export interface TokenStoreOptions {
  cache: TokenCache;
  key: string;
  now: () => number;
  /** Performs POST /users/getToken; resolves with the token and Iamport's `now`/`expired_at` (unix s). */
  fetchToken: () => Promise<{ access_token: string; now: number; expired_at: number }>;
}

export function createTokenStore(opts: TokenStoreOptions): TokenStore {
  const slot = (): Slot => {
    let s = opts.cache.slots.get(opts.key);
    if (!s) {
      s = {};
      opts.cache.slots.set(opts.key, s);
    }
    return s;
  };

  const refresh = (s: Slot): Promise<CachedToken> => {
    // Take the start time before the request: a slow response then shortens, never lengthens, our view of the lifetime.
    const startedAt = opts.now();
    const p = opts
      .fetchToken()
      .then((r) => {
        const entry = { token: r.access_token, expiresAtMs: startedAt + (r.expired_at - r.now) * 1000 };
        s.current = entry;
        return entry;
      })
      .finally(() => {
        if (s.inflight === p) delete s.inflight;
      });
    s.inflight = p;
    return p;
  };

  return {
    async get() {
      const s = slot();
      const c = s.current;
      if (c && c.expiresAtMs - opts.now() >= TOKEN_REFRESH_MARGIN_MS) return c.token;
      return (await (s.inflight ?? refresh(s))).token;
    },
    invalidate(token) {
      const s = slot();
      if (s.current?.token === token) delete s.current;
    },
  };
}
