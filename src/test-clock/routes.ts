import type { Context } from "hono";
import * as z from "zod";
import { gatewayUnavailable } from "../domain/errors";
import type { Env } from "../env";
import { jsonBody } from "../lib/validate";
import type { AppEnv } from "../types";
import { addOffsetMs, clearOffset, readOffsetMs } from "./store";

// The test clock's control routes (like Stripe's test clocks): move pocketpay's time and the Iamport sandbox's
// together, so renewals a month apart happen in one test. src/app.ts loads this module on demand, only where the
// bundle has a test clock and TEST_CLOCK is "true"; production has neither. Handlers rather than a router, so
// their errors reach the app's one onError.

const SANDBOX_CLOCK = "http://sandbox.local/sandbox/iamport/__control/clock";
const TEN_YEARS = 10 * 366 * 86_400;

interface SandboxClock {
  now: number;
  offset_seconds: number;
  schedules_executed?: number;
}

/** The sandbox's clock, moved by `advanceSeconds` (or reset, or only read). Null where no sandbox is bound. */
async function sandboxClock(env: Env, op: { advanceSeconds: number } | "reset" | "read"): Promise<SandboxClock | null> {
  const sandbox = env.IAMPORT_SANDBOX;
  if (!sandbox) return null;
  const init: RequestInit =
    op === "read"
      ? { method: "GET" }
      : op === "reset"
        ? { method: "DELETE" }
        : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance_seconds: op.advanceSeconds }) };
  const res = await sandbox.fetch(new Request(SANDBOX_CLOCK, init));
  if (!res.ok) throw gatewayUnavailable(`The Iamport sandbox did not move its clock (HTTP ${res.status}).`);
  return (await res.json()) as SandboxClock;
}

/** What every clock route answers: pocketpay's time and offset, and the sandbox's. */
function view(offsetMs: number, sandbox: SandboxClock | null) {
  const nowMs = Date.now() + offsetMs;
  return {
    now: new Date(nowMs).toISOString(),
    now_ms: nowMs,
    offset_seconds: Math.floor(offsetMs / 1000),
    sandbox: sandbox && {
      now: new Date(sandbox.now * 1000).toISOString(),
      offset_seconds: sandbox.offset_seconds,
      ...(sandbox.schedules_executed === undefined ? {} : { schedules_executed: sandbox.schedules_executed }),
    },
    // False once something moved one clock alone (e.g. the sandbox's own __control/clock); DELETE puts both at 0.
    in_step: sandbox === null || sandbox.offset_seconds === Math.floor(offsetMs / 1000),
  };
}

const AdvanceBody = z.strictObject({ seconds: z.number().int().min(1).max(TEN_YEARS) });

type C = Context<AppEnv>;

/** GET /__test-clock */
export async function showClock(c: C) {
  return c.json(view(await readOffsetMs(c.env.DB), await sandboxClock(c.env, "read")));
}

/** POST /__test-clock/advance {seconds}: the sandbox moves first, so if it cannot, neither clock moved. */
export async function advanceClock(c: C) {
  const { seconds } = await jsonBody(c, AdvanceBody);
  const sandbox = await sandboxClock(c.env, { advanceSeconds: seconds });
  const offsetMs = await addOffsetMs(c.env.DB, seconds * 1000);
  return c.json(view(offsetMs, sandbox));
}

/** DELETE /__test-clock: both clocks back to the real time. */
export async function resetClock(c: C) {
  const sandbox = await sandboxClock(c.env, "reset");
  await clearOffset(c.env.DB);
  return c.json(view(0, sandbox));
}
