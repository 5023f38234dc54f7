import { configFor, type Config } from "../config";
import { createDb, type Db } from "../db/client";
import type { Env } from "../env";
import { createIamportClient, createTokenCache, type CallInfo, type IamportClient } from "../iamport";
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
  iamport: IamportClient;
  queue: ValidationQueue;
  /** Waiting for a payment's status to change, and saying that it did. */
  watch: StatusWatch;
  /** Renewal messages; the same queue as validation (one consumer), typed apart. */
  renewals: RenewalQueue;
}

// One token cache per isolate: tokens live 30 minutes, so requests share them instead of fetching their own.
const tokenCache = createTokenCache();

/** Optional observer of Iamport calls (the benchmark counts them); undefined in normal operation. */
let callObserver: ((info: CallInfo) => void) | undefined;
export const observeIamportCalls = (observer: ((info: CallInfo) => void) | undefined) => {
  callObserver = observer;
};

export function iamportFor(env: Env, config: Config, usage: Usage | null = null, now: () => number = Date.now): IamportClient {
  const sandbox = env.IAMPORT_SANDBOX;
  return createIamportClient({
    // Locally the sandbox Worker answers through its service binding; elsewhere the real API over fetch.
    fetch: sandbox ? (input, init) => sandbox.fetch(input, init) : (input, init) => fetch(input, init),
    baseUrl: config.IAMPORT_BASE_URL,
    impKey: config.IAMPORT_API_KEY,
    impSecret: config.IAMPORT_API_SECRET,
    timeoutMs: config.IAMPORT_TIMEOUT_MS,
    // Token lifetimes are Iamport's time; under the test clock the sandbox's moves with ours.
    now,
    tokenCache,
    onCall: (info) => {
      if (usage) info.kind === "token" ? usage.iamportToken++ : usage.iamportApi++;
      callObserver?.(info);
    },
  });
}

export function depsFor(env: Env, overrides: Partial<Deps> & { usage?: Usage | null } = {}): Deps {
  const config = overrides.config ?? configFor(env);
  // Every time a use case reads comes from here: real time, or the test clock's (src/services/clock.ts).
  const now = overrides.now ?? Date.now;
  return {
    db: overrides.db ?? createDb(env.DB),
    config,
    now,
    randomBytes: overrides.randomBytes ?? randomBytes,
    iamport: overrides.iamport ?? iamportFor(env, config, overrides.usage ?? null, now),
    queue: overrides.queue ?? queueFrom(env.PAYMENT_VALIDATION),
    watch: overrides.watch ?? watchFrom(env.PAYMENT_WATCH),
    renewals: overrides.renewals ?? queueFrom<RenewalMessage>(env.PAYMENT_VALIDATION),
  };
}
