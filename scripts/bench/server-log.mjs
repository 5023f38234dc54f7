// Reads the dev server's log as it grows. wrangler prints one line per queue batch it delivered
// ("QUEUE pocketpay-payment-validation 10/10 (246ms)"), so the bench can tell when validations have run without
// asking the server anything, which would cost the CPU it is measuring.
import { closeSync, openSync, readSync, statSync } from "node:fs";

/** Reads what the log gains from now on (the startup before it is not the run's). */
export function serverLog(file, queue) {
  const line = new RegExp(`QUEUE ${queue.replace(/[-.]/g, "\\$&")} (\\d+)/(\\d+)`, "g");
  let offset = statSync(file).size;
  let rest = "";
  let consumed = 0;
  let reloads = 0;
  const buf = Buffer.alloc(1 << 16);
  const read = () => {
    const fd = openSync(file, "r");
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        rest += buf.toString("utf8", 0, n);
      }
    } finally {
      closeSync(fd);
    }
    const cut = rest.lastIndexOf("\n");
    if (cut < 0) return;
    const text = rest.slice(0, cut);
    rest = rest.slice(cut + 1);
    for (const m of text.matchAll(line)) consumed += Number(m[2]);
    reloads += (text.match(/Reloading local server|changed, restarting build/g) ?? []).length;
  };
  return {
    /** Messages of `queue` delivered to the consumer so far (acknowledged or not). */
    consumed() {
      read();
      return consumed;
    },
    reloads() {
      read();
      return reloads;
    },
    /** Resolves once at least `n` messages were delivered in all, or false after `timeoutMs`. */
    async until(n, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (this.consumed() < n) {
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 5));
      }
      return true;
    },
  };
}
