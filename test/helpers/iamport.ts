import { env } from "cloudflare:workers";
import { createIamportClient, createTokenCache, type CallInfo } from "../../src/iamport";

/** The real Iamport client against the sandbox Worker, with its own token cache and a log of its calls. */
export function sandboxClient(opts: { now?: () => number; timeoutMs?: number } = {}) {
  const calls: CallInfo[] = [];
  const sbx = env.IAMPORT_SANDBOX!;
  const c = createIamportClient({
    fetch: (input, init) => sbx.fetch(input, init),
    baseUrl: "http://sandbox.local/sandbox/iamport",
    impKey: "sandbox_imp_key",
    impSecret: "sandbox_imp_secret_0123456789abcdef",
    tokenCache: createTokenCache(),
    timeoutMs: opts.timeoutMs ?? 5_000,
    ...(opts.now ? { now: opts.now } : {}),
    onCall: (i) => calls.push(i),
  });
  return { c, calls, tokens: () => calls.filter((x) => x.kind === "token").length };
}

export const uniqueOrderId = () => `ord_${crypto.randomUUID().replace(/-/g, "")}`;
