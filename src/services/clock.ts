import type { Config } from "../config";

/**
 * pocketpay's clock for one request, queue batch or cron run: what `deps.now()` returns. Real time, unless the
 * bundle has a test clock (`__TEST_CLOCK__`, false in the production build, which then drops the branch and the
 * module it loads) and TEST_CLOCK is "true": then real time plus the offset in D1, read once here (one D1 round
 * trip through `d1`, so it is counted with the rest of the request).
 */
export async function appClock(config: Config, d1: D1Database): Promise<() => number> {
  if (__TEST_CLOCK__) {
    if (config.TEST_CLOCK) {
      const { readOffsetMs } = await import("../test-clock/store");
      const offsetMs = await readOffsetMs(d1);
      if (offsetMs !== 0) return () => Date.now() + offsetMs;
    }
  }
  return Date.now;
}
