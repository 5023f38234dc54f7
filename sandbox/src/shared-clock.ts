import type { Background, Env } from "./env";
import { advanceClock, readOffsetMs, resetClock } from "./clock";
import { runDueWebhooks } from "./portone/webhooks";
import { runDueSchedules } from "./services/schedules";

// The one sandbox clock, moved from either API's control routes (and by the app's test clock through V1's). Moving
// it is time passing: Iamport's schedules that fall due run, and PortOne V2's webhook retries that fall due are sent.

export async function clockView(env: Env): Promise<{ now: number; offset_seconds: number }> {
  const offset = await readOffsetMs(env.SANDBOX_DB);
  return { now: Math.floor((Date.now() + offset) / 1000), offset_seconds: Math.floor(offset / 1000) };
}

export async function advanceSharedClock(
  env: Env,
  ctx: Background,
  seconds: number,
): Promise<{ now: number; offset_seconds: number; schedules_executed: number }> {
  const offset = await advanceClock(env.SANDBOX_DB, seconds);
  const now = Date.now() + offset;
  const executed = await runDueSchedules(env, ctx, now, Math.floor(now / 1000));
  // Sent before answering, so time has fully passed when the caller goes on (the app, when it is the caller,
  // receives them on other requests meanwhile); a failed retry is recorded on its message, never thrown here.
  await runDueWebhooks(env, now).catch((e) => console.error("sandbox portone webhook retries", e));
  return { ...(await clockView(env)), schedules_executed: executed.length };
}

export async function resetSharedClock(env: Env): Promise<{ now: number; offset_seconds: number }> {
  await resetClock(env.SANDBOX_DB);
  return clockView(env);
}
