// PortOne V2 signs its webhooks the Standard Webhooks way (https://www.standardwebhooks.com, as PortOne's own
// server SDK verifies them: portone-io/server-sdk javascript/src/webhook.ts):
//   webhook-id         the delivery's id, the same on every retry of it
//   webhook-timestamp  seconds since the epoch when this attempt was signed
//   webhook-signature  space-separated "v1,<base64 HMAC-SHA256>" entries (other versions are ignored)
// signed over `${id}.${timestamp}.${raw body}` with the secret's bytes (base64 after an optional "whsec_").
//
// Pure: no I/O, the time is passed in. Written here rather than taken from the `standardwebhooks` package, which
// hashes in JavaScript (fast-sha256) instead of Web Crypto, reads Date.now() itself (tests could not pass a
// clock) and takes one secret, where a rotation on our side needs several.

/** Standard Webhooks' tolerance, and PortOne's: a delivery signed more than 5 minutes away from now is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** The webhook-id is stored (the inbox de-duplicates on it): longer than this is not a real one. */
const MAX_WEBHOOK_ID_LENGTH = 200;

export const SIGNATURE_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
export type SignatureHeader = (typeof SIGNATURE_HEADERS)[number];

export type SignatureFailure =
  /** One of the three headers is absent or empty (`header` names it). */
  | { reason: "missing_header"; header: SignatureHeader }
  /** webhook-id too long, or webhook-timestamp not whole seconds. */
  | { reason: "malformed_header"; header: SignatureHeader }
  /** webhook-signature holds no well-formed "v1,<base64>" entry. */
  | { reason: "no_v1_signature" }
  | { reason: "timestamp_too_old" }
  | { reason: "timestamp_too_new" }
  /** Well-formed, but no entry is the body's HMAC under any of the secrets: wrong secret, or altered in transit. */
  | { reason: "no_matching_signature" };

export type SignatureCheck = { ok: true; webhookId: string; timestampSeconds: number } | ({ ok: false } & SignatureFailure);

/** The three headers as received (a Headers object's get() answers null for an absent one). */
export interface SignedHeaders {
  get(name: SignatureHeader): string | null | undefined;
}

const encoder = new TextEncoder();

function decodeBase64(s: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** A secret's key bytes: base64 after an optional "whsec_"; undefined when that is not base64 or is empty. */
export function webhookSecretBytes(secret: string): Uint8Array | undefined {
  const bytes = decodeBase64(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret);
  return bytes && bytes.length > 0 ? bytes : undefined;
}

/**
 * Several secrets in one setting (separated by spaces or commas): during a rotation on our side both the old and
 * the new one are accepted until PortOne signs with the new one only.
 */
export const splitWebhookSecrets = (value: string): string[] => value.split(/[\s,]+/).filter((s) => s.length > 0);

const hmacKey = (secret: string, usage: "sign" | "verify") => {
  const bytes = webhookSecretBytes(secret);
  if (!bytes) throw new Error("A webhook secret must be base64 (optionally after whsec_) and not empty.");
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
};

/**
 * Checks a delivery against every configured secret. The HMAC comparison is Web Crypto's verify(), which compares
 * in constant time. The time is checked first, so a stale or replayed-late delivery costs no HMAC.
 */
export async function verifyWebhookSignature(input: {
  secrets: readonly string[];
  headers: SignedHeaders;
  /** The body exactly as received: parsing and re-serialising it would change the bytes that were signed. */
  rawBody: string;
  nowMs: number;
  toleranceSeconds?: number;
}): Promise<SignatureCheck> {
  const values = {} as Record<SignatureHeader, string>;
  for (const header of SIGNATURE_HEADERS) {
    const value = input.headers.get(header)?.trim();
    if (!value) return { ok: false, reason: "missing_header", header };
    values[header] = value;
  }
  const webhookId = values["webhook-id"];
  if (webhookId.length > MAX_WEBHOOK_ID_LENGTH) return { ok: false, reason: "malformed_header", header: "webhook-id" };
  if (!/^\d{1,15}$/.test(values["webhook-timestamp"])) return { ok: false, reason: "malformed_header", header: "webhook-timestamp" };
  const timestampSeconds = Number(values["webhook-timestamp"]);

  const signatures: Uint8Array[] = [];
  for (const entry of values["webhook-signature"].split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const bytes = decodeBase64(entry.slice(comma + 1));
    if (bytes && bytes.length > 0) signatures.push(bytes);
  }
  if (signatures.length === 0) return { ok: false, reason: "no_v1_signature" };

  const tolerance = input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor(input.nowMs / 1000);
  if (nowSeconds - timestampSeconds > tolerance) return { ok: false, reason: "timestamp_too_old" };
  if (timestampSeconds - nowSeconds > tolerance) return { ok: false, reason: "timestamp_too_new" };

  const signed = encoder.encode(`${webhookId}.${values["webhook-timestamp"]}.${input.rawBody}`);
  for (const secret of input.secrets) {
    const key = await hmacKey(secret, "verify");
    for (const signature of signatures) {
      if (await crypto.subtle.verify("HMAC", key, signature, signed)) return { ok: true, webhookId, timestampSeconds };
    }
  }
  return { ok: false, reason: "no_matching_signature" };
}

/** The "v1,<base64>" entry for a delivery: what PortOne (and the sandbox) put in webhook-signature. */
export async function signWebhook(secret: string, webhookId: string, timestampSeconds: number, rawBody: string): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${webhookId}.${timestampSeconds}.${rawBody}`)));
  let bin = "";
  for (const b of mac) bin += String.fromCharCode(b);
  return `v1,${btoa(bin)}`;
}
