import * as z from "zod";
import { splitWebhookSecrets, webhookSecretBytes } from "./gateway/portone-v2/webhook-signature";
import type { GatewayName } from "./gateway/types";

const commaList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

/** The gateways a deployment can choose (GATEWAY); each has an adapter in src/gateway. */
export const GATEWAYS = ["iamport-v1", "portone-v2"] as const satisfies readonly GatewayName[];

const positiveInt = z.coerce.number().int().positive();

// Unknown settings are ignored (z.object strips them): ADMIN_EMAILS, which older deployments set, no longer means
// anything (administrators are a stored role, see `npm run admin`) and breaks nothing by staying.
/** A switch: wrangler vars are strings, so exactly "true" or "false"; anything else is a config error. */
const flag = z.enum(["true", "false"], { error: 'must be "true" or "false"' }).transform((v) => v === "true");

const ConfigSchema = z.object({
  APP_ENV: z.enum(["local", "test", "production"]).default("local"),
  // Which payment gateway the services talk to (src/gateway). Only the chosen gateway's settings are required.
  GATEWAY: z.enum(GATEWAYS, { error: `must be one of: ${GATEWAYS.map((g) => `"${g}"`).join(", ")}` }).default("iamport-v1"),
  // Iamport V1 (GATEWAY=iamport-v1).
  IAMPORT_BASE_URL: z.url().optional(),
  IAMPORT_SDK_URL: z.string().min(1).optional(),
  IAMPORT_IMP_CODE: z.string().regex(/^imp\d+$/, "must look like imp12345678").optional(),
  IAMPORT_PG: z.string().min(1).default("html5_inicis"),
  IAMPORT_API_KEY: z.string().min(1).optional(),
  IAMPORT_API_SECRET: z.string().min(1).optional(),
  IAMPORT_TIMEOUT_MS: positiveInt.default(8000),
  // PortOne V2 (GATEWAY=portone-v2): its REST API, store, channels and browser SDK.
  PORTONE_BASE_URL: z.url().optional(),
  PORTONE_API_SECRET: z.string().min(1).optional(),
  PORTONE_STORE_ID: z.string().regex(/^store-[0-9a-f-]{36}$/, "must look like store-<uuid>").optional(),
  // The channel one-off payments use, and the one billing keys are issued on (subscriptions; optional).
  PORTONE_CHANNEL_KEY: z.string().regex(/^channel-key-[0-9a-f-]{36}$/, "must look like channel-key-<uuid>").optional(),
  PORTONE_BILLING_CHANNEL_KEY: z.string().regex(/^channel-key-[0-9a-f-]{36}$/, "must look like channel-key-<uuid>").optional(),
  PORTONE_SDK_URL: z.string().min(1).optional(),
  PORTONE_TIMEOUT_MS: positiveInt.default(8000),
  MAX_PAYMENT_AMOUNT: positiveInt.default(10_000_000),
  // Orders whose amount the buyer names (donations, manual invoices): off unless a shop turns them on.
  ALLOW_CUSTOM_AMOUNTS: flag.prefault("false"),
  RECONCILE_AFTER_SECONDS: positiveInt.default(120),
  WEBHOOK_ALLOWED_IPS: commaList,
  SESSION_TTL_HOURS: positiveInt.default(24 * 30),
  // The test clock (src/test-clock): "true" makes deps.now() the real time plus a persisted offset that
  // POST /__test-clock/advance moves. Outside production only: the production bundle has no test clock at all.
  TEST_CLOCK: flag.prefault("false"),
  // Subscriptions. The billing channel ("{pg}.{MID}", e.g. html5_inicis.INIBillTst locally): where IMP.request_pay
  // with a customer_uid registers a card. Without it, subscribing answers config_error.
  IAMPORT_BILLING_PG: z.string().min(1).optional(),
  // Days after a renewal's first decline on which it is retried; then the subscription becomes DUNNING_FINAL_STATUS.
  DUNNING_RETRY_DAYS: z
    .string()
    .default("1,3,5,7")
    .transform((s) => s.split(",").map((x) => Number(x.trim())))
    .refine((days) => days.length >= 1 && days.length <= 10 && days.every((d, i) => Number.isInteger(d) && d > 0 && d <= 60 && (i === 0 || d > days[i - 1]!)), {
      message: "must be 1-10 increasing whole numbers of days, e.g. 1,3,5,7",
    }),
  DUNNING_FINAL_STATUS: z.enum(["unpaid", "canceled"]).default("unpaid"),
  // Due subscriptions one cron run enqueues at most (claimed a hundred at a time); the next run takes the rest.
  RENEWAL_SWEEP_LIMIT: positiveInt.default(5000),
  // PortOne V2's webhook secret(s), from its console (base64, optionally whsec_-prefixed). Several, separated by
  // spaces or commas, while a secret is being rotated. Unset: POST /webhooks/portone refuses every delivery.
  PORTONE_WEBHOOK_SECRET: z
    .string()
    .default("")
    .transform(splitWebhookSecrets)
    .refine((secrets) => secrets.every((s) => webhookSecretBytes(s) !== undefined), {
      message: "each secret must be base64 (optionally after whsec_), as PortOne's console shows it",
    }),
}).superRefine((c, ctx) => {
  if (c.APP_ENV === "production" && c.TEST_CLOCK) {
    ctx.addIssue({ code: "custom", path: ["TEST_CLOCK"], message: "the test clock does not exist in production" });
  }
  // The chosen gateway's settings must all be there; the other gateway's may be absent.
  for (const name of REQUIRED_SETTINGS[c.GATEWAY]) {
    if (c[name] === undefined) ctx.addIssue({ code: "custom", path: [name], message: `missing (required when GATEWAY is "${c.GATEWAY}")` });
  }
});

const REQUIRED_SETTINGS = {
  "iamport-v1": ["IAMPORT_BASE_URL", "IAMPORT_SDK_URL", "IAMPORT_IMP_CODE", "IAMPORT_API_KEY", "IAMPORT_API_SECRET"],
  "portone-v2": ["PORTONE_BASE_URL", "PORTONE_API_SECRET", "PORTONE_STORE_ID", "PORTONE_CHANNEL_KEY", "PORTONE_SDK_URL"],
} as const;

export type Config = z.infer<typeof ConfigSchema>;

/** Iamport V1's settings, present whenever GATEWAY is iamport-v1 (the schema refuses a config without them). */
export function iamportSettings(c: Config) {
  const { IAMPORT_BASE_URL: baseUrl, IAMPORT_SDK_URL: sdkUrl, IAMPORT_IMP_CODE: impCode, IAMPORT_API_KEY: apiKey, IAMPORT_API_SECRET: apiSecret } = c;
  if (!baseUrl || !sdkUrl || !impCode || !apiKey || !apiSecret) throw new ConfigError([...REQUIRED_SETTINGS["iamport-v1"]], "Iamport V1 is not configured");
  return { baseUrl, sdkUrl, impCode, apiKey, apiSecret, pg: c.IAMPORT_PG, billingPg: c.IAMPORT_BILLING_PG, timeoutMs: c.IAMPORT_TIMEOUT_MS };
}

/** The browser SDK the pages load: Iamport's IMP or PortOne's V2 SDK, whichever gateway is chosen. */
export const sdkUrlFor = (c: Config): string =>
  c.GATEWAY === "portone-v2" ? portoneSettings(c).sdkUrl : iamportSettings(c).sdkUrl;

/** PortOne V2's settings, present whenever GATEWAY is portone-v2. */
export function portoneSettings(c: Config) {
  const { PORTONE_BASE_URL: baseUrl, PORTONE_API_SECRET: apiSecret, PORTONE_STORE_ID: storeId, PORTONE_CHANNEL_KEY: channelKey, PORTONE_SDK_URL: sdkUrl } = c;
  if (!baseUrl || !apiSecret || !storeId || !channelKey || !sdkUrl) throw new ConfigError([...REQUIRED_SETTINGS["portone-v2"]], "PortOne V2 is not configured");
  return { baseUrl, apiSecret, storeId, channelKey, sdkUrl, billingChannelKey: c.PORTONE_BILLING_CHANNEL_KEY, timeoutMs: c.PORTONE_TIMEOUT_MS };
}

export class ConfigError extends Error {
  constructor(readonly settings: string[], detail: string) {
    super(`pocketpay configuration is incomplete or invalid: ${detail}`);
    this.name = "ConfigError";
  }
}

/** Parses vars and secrets once; a missing or malformed setting throws a ConfigError that names it. */
export function parseConfig(bindings: object): Config {
  const env = bindings as Record<string, unknown>;
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const names = [...new Set(result.error.issues.map((i) => String(i.path[0])))];
  const detail = result.error.issues
    .map((i) => `${String(i.path[0])}: ${i.code === "invalid_type" && env[String(i.path[0])] === undefined ? "missing" : i.message}`)
    .join("; ");
  throw new ConfigError(names, detail);
}

const cache = new WeakMap<object, Config>();

/** Config is derived from the env object once per isolate, not once per request. */
export function configFor(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env);
    cache.set(env, config);
  }
  return config;
}
