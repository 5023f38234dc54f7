// An independent Standard Webhooks check for the tests (written from the spec, not imported from the sandbox):
// each `v1,<base64>` entry of webhook-signature is tested against HMAC-SHA256 over `id.timestamp.body`, keyed with
// the base64 after `whsec_`.

const fromB64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", fromB64(secret.replace(/^whsec_/, "")), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
}

/** For each signature in the header, whether it was made with `secret` over this id, timestamp and body. */
export async function signaturesValid(secret: string, id: string, timestamp: string, body: string, header: string): Promise<boolean[]> {
  const expected = await hmac(secret, `${id}.${timestamp}.${body}`);
  return header.split(" ").map((entry) => {
    const [version, sig] = entry.split(",");
    if (version !== "v1" || !sig) return false;
    const got = fromB64(sig);
    return got.length === expected.length && got.every((b, i) => b === expected[i]);
  });
}
