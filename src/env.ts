// The bindings and vars the Worker receives. Vars are parsed into a typed Config by src/config.ts.
export interface Env {
  DB: D1Database;
  PAYMENT_VALIDATION: Queue<unknown>;
  AUTH_IP_LIMITER: RateLimit;
  AUTH_EMAIL_LIMITER: RateLimit;
  /** Only bound in local development and tests. */
  IAMPORT_SANDBOX?: Fetcher;
  [key: string]: unknown;
}
