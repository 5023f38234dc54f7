import type { Announcement, PaymentWatch } from "./payment-watch";

export type { Announcement } from "./payment-watch";

/**
 * How services wait for a payment's status to change and say that it did (src/watch/payment-watch.ts). Neither
 * call ever throws: the watch only shortens waits, so when it is unreachable a waiter waits out its bound (never
 * less, or clients would ask again at once) and an announcement is lost; callers read D1 either way.
 */
export interface StatusWatch {
  /** The announcement once the payment's status is other than `status`, or null after `timeoutMs`. */
  waitWhile(merchantUid: string, status: string, timeoutMs: number): Promise<Announcement | null>;
  /** After the change is committed. */
  announce(merchantUid: string, a: Announcement): Promise<void>;
}

const logFailure = (what: string, merchantUid: string, e: unknown) =>
  console.error(JSON.stringify({ level: "error", event: `watch_${what}_failed`, merchant_uid: merchantUid, error: e instanceof Error ? e.message : String(e) }));

const sleep = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, ms)));

export function watchFrom(ns: DurableObjectNamespace<PaymentWatch>, now: () => number = Date.now): StatusWatch {
  const stub = (merchantUid: string) => ns.get(ns.idFromName(merchantUid));
  return {
    async waitWhile(merchantUid, status, timeoutMs) {
      if (timeoutMs <= 0) return null;
      const started = now();
      try {
        return await stub(merchantUid).waitWhile(status, timeoutMs);
      } catch (e) {
        logFailure("wait", merchantUid, e);
        return sleep(timeoutMs - (now() - started));
      }
    },
    async announce(merchantUid, a) {
      try {
        await stub(merchantUid).announce(a);
      } catch (e) {
        logFailure("announce", merchantUid, e);
      }
    },
  };
}
