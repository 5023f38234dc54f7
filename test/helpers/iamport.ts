import { env } from "cloudflare:workers";
import { configFor } from "../../src/config";
import { createIamportV1Gateway } from "../../src/gateway/iamport-v1";
import { iamportClientFor } from "../../src/gateway/iamport-v1/from-env";
import { createIamportClient, createTokenCache, type CallInfo, type IamportClient } from "../../src/iamport";

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

/**
 * The Worker's own raw Iamport client (its config, its shared token cache, its call observer), for what only V1 has:
 * a card registered as the billing window does, a prepared amount, a token to warm.
 */
export const appIamport = (now?: () => number): IamportClient => iamportClientFor(env, configFor(env), null, now);

/** The Worker's gateway over an Iamport client a test has altered (a refusal, a race): the adapter stays real. */
export const gatewayOver = (client: IamportClient) => createIamportV1Gateway(client);

export const uniqueOrderId = () => `ord_${crypto.randomUUID().replace(/-/g, "")}`;
