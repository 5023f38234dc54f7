import { DurableObject } from "cloudflare:workers";

/**
 * What one payment's watchers hear: its status, and the public JSON of the payment as the change left it (an
 * `updated_at` orders announcements, so a late one never replaces a newer one).
 */
export interface Announcement {
  status: string;
  updatedAt: number;
  payment: Record<string, unknown>;
}

/**
 * One per payment (named by its merchant_uid): requests that wait for the payment to leave a status park here,
 * and the code that changes the status says so once it has committed. D1 has no notifications, and re-reading it
 * on a timer costs a query per tick; this costs one call per waiter and one per change.
 *
 * It is a doorbell, not a store: memory only, nothing persisted. What it remembers (the last announcement, so a
 * waiter that arrives after the change returns at once) may be lost whenever the object is evicted; a waiter then
 * waits out its bound, and the callers read D1, which is always the truth.
 */
export class PaymentWatch extends DurableObject {
  #last: Announcement | null = null;
  readonly #waiters = new Set<{ status: string; wake: (a: Announcement | null) => void }>();

  /**
   * Resolves with the latest announcement once the payment's status is other than `status`, or with null after
   * `timeoutMs` without one.
   */
  async waitWhile(status: string, timeoutMs: number): Promise<Announcement | null> {
    if (this.#last && this.#last.status !== status) return this.#last;
    return new Promise((resolve) => {
      const waiter = {
        status,
        wake: (a: Announcement | null) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(a);
        },
      };
      const timer = setTimeout(() => waiter.wake(null), timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** The payment now has this status (committed to D1): wakes those waiting while it had another. */
  async announce(a: Announcement): Promise<void> {
    if (this.#last && this.#last.updatedAt > a.updatedAt) return;
    this.#last = a;
    for (const w of [...this.#waiters]) if (w.status !== a.status) w.wake(a);
  }
}
