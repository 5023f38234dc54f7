// The raw Iamport client as the Worker builds it from its bindings and config, counting every call.

import { iamportSettings, type Config } from "../../config";
import type { Env } from "../../env";
import { createIamportClient, createTokenCache, type CallInfo, type IamportClient } from "../../iamport";
import type { Usage } from "../../lib/metrics";

// One token cache per isolate: tokens live 30 minutes, so requests share them instead of fetching their own.
const tokenCache = createTokenCache();

/** Optional observer of Iamport calls (the benchmark and tests count them); undefined in normal operation. */
let callObserver: ((info: CallInfo) => void) | undefined;
export const observeIamportCalls = (observer: ((info: CallInfo) => void) | undefined) => {
  callObserver = observer;
};

export function iamportClientFor(env: Env, config: Config, usage: Usage | null = null, now: () => number = Date.now): IamportClient {
  const s = iamportSettings(config);
  const sandbox = env.IAMPORT_SANDBOX;
  return createIamportClient({
    // Locally the sandbox Worker answers through its service binding; elsewhere the real API over fetch.
    fetch: sandbox ? (input, init) => sandbox.fetch(input, init) : (input, init) => fetch(input, init),
    baseUrl: s.baseUrl,
    impKey: s.apiKey,
    impSecret: s.apiSecret,
    timeoutMs: s.timeoutMs,
    // Token lifetimes are Iamport's time; under the test clock the sandbox's moves with ours.
    now,
    tokenCache,
    onCall: (info) => {
      if (usage) info.kind === "token" ? usage.iamportToken++ : usage.iamportApi++;
      callObserver?.(info);
    },
  });
}
