import { describe, expect, it } from "vitest";
import {
  SIGNATURE_HEADERS,
  signWebhook,
  splitWebhookSecrets,
  verifyWebhookSignature,
  webhookSecretBytes,
} from "../../src/gateway/portone-v2/webhook-signature";

// The example in the Standard Webhooks specification (standard-webhooks/standard-webhooks, spec/standard-webhooks.md):
// a signature made by another implementation, so this proves the signed content and the key decoding, not just
// that our signer agrees with our verifier.
const SPEC = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const SECRET_A = "whsec_" + btoa("secret A: thirty-two bytes long!!");
const SECRET_B = btoa("secret B, base64 without a prefix");
const NOW_MS = 1_790_000_000_123;
const NOW_S = Math.floor(NOW_MS / 1000);
const BODY = JSON.stringify({ type: "Transaction.Paid", timestamp: "2026-09-21T12:00:00Z", data: { paymentId: "pay_x", transactionId: "tx", storeId: "s" } });

const headers = (h: Partial<Record<(typeof SIGNATURE_HEADERS)[number], string>>) => new Headers(h as Record<string, string>);

async function check(o: { secrets?: string[]; id?: string; timestamp?: string; signature?: string; body?: string; nowMs?: number; omit?: string } = {}) {
  const id = o.id ?? "msg_1";
  const timestamp = o.timestamp ?? String(NOW_S);
  const signature = o.signature ?? (await signWebhook(SECRET_A, id, Number(timestamp), o.body ?? BODY));
  const all: Record<string, string> = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };
  if (o.omit) delete all[o.omit];
  return verifyWebhookSignature({ secrets: o.secrets ?? [SECRET_A], headers: new Headers(all), rawBody: o.body ?? BODY, nowMs: o.nowMs ?? NOW_MS });
}

describe("PortOne V2 webhook signatures (Standard Webhooks)", () => {
  it("accepts the specification's own example, with and without the whsec_ prefix", async () => {
    const h = headers({ "webhook-id": SPEC.id, "webhook-timestamp": String(SPEC.timestamp), "webhook-signature": SPEC.signature });
    const at = SPEC.timestamp * 1000;
    expect(await verifyWebhookSignature({ secrets: [SPEC.secret], headers: h, rawBody: SPEC.body, nowMs: at })).toEqual({
      ok: true,
      webhookId: SPEC.id,
      timestampSeconds: SPEC.timestamp,
    });
    expect((await verifyWebhookSignature({ secrets: [SPEC.secret.slice(6)], headers: h, rawBody: SPEC.body, nowMs: at })).ok).toBe(true);
    // And our signer writes exactly that signature.
    expect(await signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it("refuses a signature made with another secret", async () => {
    const signature = await signWebhook(SECRET_B, "msg_1", NOW_S, BODY);
    expect(await check({ signature })).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("refuses a body, an id or a timestamp changed after signing", async () => {
    const signature = await signWebhook(SECRET_A, "msg_1", NOW_S, BODY);
    expect(await check({ signature })).toMatchObject({ ok: true });
    expect(await check({ signature, body: BODY.replace("pay_x", "pay_y") })).toEqual({ ok: false, reason: "no_matching_signature" });
    expect(await check({ signature, body: BODY + " " })).toEqual({ ok: false, reason: "no_matching_signature" });
    expect(await check({ signature, id: "msg_2" })).toEqual({ ok: false, reason: "no_matching_signature" });
    expect(await check({ signature, timestamp: String(NOW_S + 1) })).toEqual({ ok: false, reason: "no_matching_signature" });
    // A signature cut short is refused too (and compares no prefix).
    const [, b64] = signature.split(",");
    const short = btoa(atob(b64!).slice(0, 16));
    expect(await check({ signature: `v1,${short}` })).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("accepts a timestamp up to 300 seconds either side of now and refuses one beyond, by the clock passed in", async () => {
    for (const skew of [-300, 0, 300]) expect((await check({ timestamp: String(NOW_S + skew) })).ok, `skew ${skew}`).toBe(true);
    expect(await check({ timestamp: String(NOW_S - 301) })).toEqual({ ok: false, reason: "timestamp_too_old" });
    expect(await check({ timestamp: String(NOW_S + 301) })).toEqual({ ok: false, reason: "timestamp_too_new" });
    // The same delivery, judged at another time: only the injected now decides.
    expect(await check({ timestamp: String(NOW_S), nowMs: NOW_MS + 301_000 })).toEqual({ ok: false, reason: "timestamp_too_old" });
    expect(await check({ timestamp: String(NOW_S), nowMs: NOW_MS - 301_000 })).toEqual({ ok: false, reason: "timestamp_too_new" });
  });

  it("accepts any of several signatures (PortOne rotating its secret) and ignores versions other than v1", async () => {
    const good = await signWebhook(SECRET_A, "msg_1", NOW_S, BODY);
    const other = await signWebhook(SECRET_B, "msg_1", NOW_S, BODY);
    expect((await check({ signature: `${other} ${good}` })).ok).toBe(true);
    expect((await check({ signature: `${good} ${other}` })).ok).toBe(true);
    expect((await check({ signature: `v1a,xyz  ${good}` })).ok).toBe(true);
    // The right MAC under another version label is not a v1 signature.
    const mac = good.slice(3);
    expect(await check({ signature: `v2,${mac}` })).toEqual({ ok: false, reason: "no_v1_signature" });
    expect(await check({ signature: `v1a,${mac} ${other}` })).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("accepts a delivery signed with any configured secret (our side of a rotation), and no other", async () => {
    const secrets = splitWebhookSecrets(` ${SECRET_A},  ${SECRET_B} `);
    expect(secrets).toEqual([SECRET_A, SECRET_B]);
    for (const secret of [SECRET_A, SECRET_B]) {
      const signature = await signWebhook(secret, "msg_1", NOW_S, BODY);
      expect((await check({ secrets, signature })).ok).toBe(true);
      expect((await check({ secrets: secrets.filter((s) => s !== secret), signature })).ok).toBe(false);
    }
    const foreign = await signWebhook(btoa("a third secret"), "msg_1", NOW_S, BODY);
    expect(await check({ secrets, signature: foreign })).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("refuses a delivery missing any of the three headers, or with one empty", async () => {
    for (const header of SIGNATURE_HEADERS) {
      expect(await check({ omit: header })).toEqual({ ok: false, reason: "missing_header", header });
    }
    expect(await check({ id: " " })).toEqual({ ok: false, reason: "missing_header", header: "webhook-id" });
    expect(await check({ signature: "" })).toEqual({ ok: false, reason: "missing_header", header: "webhook-signature" });
  });

  it("refuses malformed headers: a signature list with no v1 entry, a timestamp that is not whole seconds, an overlong id", async () => {
    for (const signature of ["garbage", "v1", "v1,", "v1,!!!not base64!!!", "v1:abc", `V1,${btoa("x".repeat(32))}`]) {
      expect(await check({ signature }), signature).toEqual({ ok: false, reason: "no_v1_signature" });
    }
    for (const timestamp of [`${NOW_S}.5`, `${NOW_S}a`, "-1", "1e9", `${NOW_S * 1000}0000`]) {
      expect(await check({ timestamp, signature: "v1,AAAA" }), timestamp).toEqual({ ok: false, reason: "malformed_header", header: "webhook-timestamp" });
    }
    expect(await check({ id: "m".repeat(201) })).toEqual({ ok: false, reason: "malformed_header", header: "webhook-id" });
  });

  it("reads a secret as base64 after an optional whsec_ and refuses one that is not", () => {
    expect(webhookSecretBytes("whsec_AAEC")).toEqual(new Uint8Array([0, 1, 2]));
    expect(webhookSecretBytes("AAEC")).toEqual(new Uint8Array([0, 1, 2]));
    expect(webhookSecretBytes("whsec_")).toBeUndefined();
    expect(webhookSecretBytes("not base64!")).toBeUndefined();
  });
});
