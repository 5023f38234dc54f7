// The bindings and vars the Worker receives. Vars are parsed into a typed Config by src/config.ts.
export interface Env {
  DB: D1Database;
  PAYMENT_VALIDATION: Queue<unknown>;
  AUTH_IP_LIMITER: RateLimit;
  AUTH_EMAIL_LIMITER: RateLimit;
  /** Per user: orders created (10/min). */
  ORDER_USER_LIMITER: RateLimit;
  /** Per user: payment reports (complete, the mobile return) (30/min). */
  PAYMENT_USER_LIMITER: RateLimit;
  /** Per admin: refunds (60/min). */
  REFUND_USER_LIMITER: RateLimit;
  /** Per client address and action: create, complete, refund, the signed-out return (120/min each). */
  CLIENT_IP_LIMITER: RateLimit;
  /** Per address: webhook deliveries while the allow-list is off (300/min). */
  WEBHOOK_IP_LIMITER: RateLimit;
  /** Only bound in local development and tests. */
  IAMPORT_SANDBOX?: Fetcher;
  /** The built browser assets (src/client); served before the Worker runs, bound for tests. */
  ASSETS?: Fetcher;
  [key: string]: unknown;
}
