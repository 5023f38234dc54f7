import { call, json, type TestUser } from "./http";

/** Creates an order through the API and returns its JSON (with `checkout`). */
export async function createOrder(user: TestUser, amount = 12_000, name = "Americano x2", headers: Record<string, string> = {}) {
  const res = await call("POST", "/api/payments", { token: user.token, body: { name, amount }, headers });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return json(res);
}

export const complete = (user: TestUser, merchantUid: string, impUid: string) =>
  call("POST", `/api/payments/${merchantUid}/complete`, { token: user.token, body: { imp_uid: impUid } });

export const sendWebhook = (body: Record<string, unknown>, form = false) =>
  form
    ? call("POST", "/webhooks/iamport", {
        rawBody: new URLSearchParams(body as Record<string, string>).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      })
    : call("POST", "/webhooks/iamport", { body });
