import { configFor, type Config } from "../config";
import { createDb, type Db } from "../db/client";
import type { Env } from "../env";
import { gatewayFor } from "../gateway";
import type { Gateway } from "../gateway/types";
import { randomBytes } from "../lib/crypto";
import type { Usage } from "../lib/metrics";
import { queueFrom, type RenewalMessage, type RenewalQueue, type ValidationQueue } from "../domain/messages";
import { watchFrom, type StatusWatch } from "../watch/channel";

/** What every use case receives: passed in explicitly, so tests can swap the clock, randomness or gateway. */
export interface Deps {
  db: Db;
  config: Config;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  /** The payment gateway GATEWAY names (src/gateway); services never know which one it is. */
  gateway: Gateway;
  queue: ValidationQueue;
  /** Waiting for a payment's status to change, and saying that it did. */
  watch: StatusWatch;
  /** Renewal messages; the same queue as validation (one consumer), typed apart. */
  renewals: RenewalQueue;
}

/** Counts Iamport calls for the benchmark and tests (see src/gateway/iamport-v1/from-env.ts). */
export { observeIamportCalls } from "../gateway";

export function depsFor(env: Env, overrides: Partial<Deps> & { usage?: Usage | null } = {}): Deps {
  const config = overrides.config ?? configFor(env);
  // Every time a use case reads comes from here: real time, or the test clock's (src/services/clock.ts).
  const now = overrides.now ?? Date.now;
  return {
    db: overrides.db ?? createDb(env.DB),
    config,
    now,
    randomBytes: overrides.randomBytes ?? randomBytes,
    gateway: overrides.gateway ?? gatewayFor(env, config, overrides.usage ?? null, now),
    queue: overrides.queue ?? queueFrom(env.PAYMENT_VALIDATION),
    watch: overrides.watch ?? watchFrom(env.PAYMENT_WATCH),
    renewals: overrides.renewals ?? queueFrom<RenewalMessage>(env.PAYMENT_VALIDATION),
  };
}
