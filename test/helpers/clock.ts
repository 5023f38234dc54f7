import { call, json } from "./http";

// The test clock (README "Moving time"), for tests in test/integration/clock/ (the CLOCK_TESTS=1 pass, the only one
// with TEST_CLOCK on). It moves pocketpay's time and the Iamport sandbox's together: every request, queue batch and
// cron run reads it through deps.now(). Like the sandbox's clock it is shared by every test, so a test that moves
// it puts it back (resetClock) when done.

export interface ClockView {
  /** pocketpay's time, ISO 8601 UTC, and in ms. */
  now: string;
  now_ms: number;
  offset_seconds: number;
  sandbox: { now: string; offset_seconds: number; schedules_executed?: number } | null;
  in_step: boolean;
}

async function clockCall(method: string, path: string, body?: unknown): Promise<ClockView> {
  const res = await call(method, path, body === undefined ? {} : { body });
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return json<ClockView>(res);
}

/** Moves both clocks forward by `seconds` (a whole number, at least 1). */
export const advanceClock = (seconds: number) => clockCall("POST", "/__test-clock/advance", { seconds });

export const DAY = 86_400;

/** Both clocks back to the real time. */
export const resetClock = () => clockCall("DELETE", "/__test-clock");

/** Both clocks as they are now. */
export const readClock = () => clockCall("GET", "/__test-clock");

/** pocketpay's now in ms, what deps.now() gives a request made at this moment (for a service called directly). */
export const clockNow = async () => (await readClock()).now_ms;

/** Runs `fn` with both clocks moved by `seconds`, and puts them back afterwards, whatever happens. */
export async function withClockAdvanced<T>(seconds: number, fn: (clock: ClockView) => Promise<T>): Promise<T> {
  const clock = await advanceClock(seconds);
  try {
    return await fn(clock);
  } finally {
    await resetClock();
  }
}
