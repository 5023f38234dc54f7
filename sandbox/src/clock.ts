import type { Context } from "hono";
import type { AppEnv, Env } from "./env";

// The sandbox clock is the real clock plus a persisted offset, so tests can expire tokens
// (or age payments) without waiting, and the offset survives `wrangler dev` restarts.

export async function readOffsetMs(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT offset_ms FROM sandbox_clock WHERE id = 1").first<{ offset_ms: number }>();
  return row?.offset_ms ?? 0;
}

export async function advanceClock(db: D1Database, seconds: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO sandbox_clock (id, offset_ms) VALUES (1, ?1)
       ON CONFLICT (id) DO UPDATE SET offset_ms = offset_ms + ?1
       RETURNING offset_ms`,
    )
    .bind(Math.round(seconds * 1000))
    .first<{ offset_ms: number }>();
  return row?.offset_ms ?? 0;
}

export async function resetClock(db: D1Database): Promise<void> {
  await db.prepare("DELETE FROM sandbox_clock").run();
}

/** Sandbox now in ms, cached on the request. */
export async function nowMs(c: Context<AppEnv>): Promise<number> {
  const cached = c.get("nowMs");
  if (cached !== undefined) return cached;
  const now = Date.now() + (await readOffsetMs((c.env as Env).SANDBOX_DB));
  c.set("nowMs", now);
  return now;
}

export const toSec = (ms: number): number => Math.floor(ms / 1000);

export async function nowSec(c: Context<AppEnv>): Promise<number> {
  return toSec(await nowMs(c));
}
