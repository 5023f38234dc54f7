import { env } from "cloudflare:workers";

/**
 * Waits for the real queue consumer (miniflare delivers the app's queue to its own handler) to reach a state.
 * This waits for an event, not for time: it returns as soon as the condition holds, and fails after `ms`.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await scheduler.wait(25);
  }
}

export const paymentRow = (merchantUid: string) =>
  env.DB.prepare("SELECT * FROM payments WHERE merchant_uid = ?").bind(merchantUid).first<any>();

export const eventsOf = async (merchantUid: string) =>
  (
    await env.DB.prepare(
      "SELECT e.* FROM payment_events e JOIN payments p ON p.id = e.payment_id WHERE p.merchant_uid = ? ORDER BY e.id",
    )
      .bind(merchantUid)
      .all<any>()
  ).results;

export const waitForStatus = (merchantUid: string, status: string, ms?: number) =>
  waitFor(`${merchantUid} to become ${status}`, async () => {
    const row = await paymentRow(merchantUid);
    return row?.status === status ? row : undefined;
  }, ms);

/** Every stored webhook delivery naming this order has been processed by the consumer. */
export const waitForInboxDrained = (merchantUid: string, count: number, ms?: number) =>
  waitFor(`${count} deliveries for ${merchantUid} to be processed`, async () => {
    const row = await env.DB.prepare(
      "SELECT count(*) AS n, sum(processed_at IS NOT NULL) AS done FROM webhook_inbox WHERE merchant_uid = ?",
    )
      .bind(merchantUid)
      .first<{ n: number; done: number }>();
    return row && row.n >= count && row.done === row.n ? row : undefined;
  }, ms);
