// `npm run bench [-- --buyers N --payments M --quick --strategy wait|poll --profile --out FILE --strict]`: load-tests
// the whole payment flow on this machine. Starts pocketpay with its Iamport sandbox (scripts/bench/server.mjs), signs
// up N buyers and drives them concurrently through M payments each: create order -> pay in the sandbox (which sends
// its webhook by itself) -> complete -> learn the outcome, as the checkout page does (`wait`: complete?wait, then
// GET ?wait long-polls; `poll`: GET every --poll-ms, the way pages did before long-polling). Then posts one
// duplicate webhook per payment directly and times it; then measures each route's CPU alone (phase 3).
// Reports latency percentiles, throughput, pay->paid time, the dev server's CPU (Linux /proc: per validated
// payment, per duplicate webhook, per request of each route), what each route and each validated payment costs in
// D1 round trips/statements and Iamport calls (from the app's GET /__metrics), and the production bundle size.
// GET /healthz, probed by the same buyers in the same phase, is the baseline each route's latency is divided by,
// so results compare across noisy machines. --profile also takes DevTools CPU profiles of every isolate during
// phase 1 (scripts/bench/profile.mjs). Not a test: nothing here runs in `npm test`.
//
// Exit status: 1 on any non-2xx/unexpected response or payment not `paid` within the deadline (with --strict, also
// when a cost target is exceeded); 2 when the server cannot be started or the bench itself breaks.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { measureBundle } from "./bench/bundle.mjs";
import { addCpu, cpuAvailable, cpuBetween, cpuPer, cpuReading, cpuTotals, workersPid } from "./bench/cpu.mjs";
import { quietInspector } from "./bench/inspector.mjs";
import { saveProfiles, startProfiling } from "./bench/profile.mjs";
import { serverLog } from "./bench/server-log.mjs";
import { renewalBench } from "./bench/renewals.mjs";
import { directUrl, snapshotTree, startServer } from "./bench/server.mjs";
import { ratio, summarize, table } from "./bench/stats.mjs";

const { values: args } = parseArgs({
  options: {
    buyers: { type: "string" },
    payments: { type: "string" },
    quick: { type: "boolean", default: false },
    strategy: { type: "string", default: "wait" },
    "wait-s": { type: "string", default: "10" },
    out: { type: "string" },
    "poll-ms": { type: "string", default: "50" },
    "deadline-s": { type: "string", default: "60" },
    "cpu-requests": { type: "string" },
    profile: { type: "boolean", default: false },
    "skip-bundle": { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
    "in-place": { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    "quiet-inspector": { type: "boolean", default: false },
    renewals: { type: "string" },
    "renewals-only": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(`npm run bench -- [--buyers N] [--payments M] [--quick] [--strategy wait|poll] [--wait-s 10] [--poll-ms 50]
                      [--cpu-requests K] [--profile] [--out FILE] [--deadline-s 60] [--skip-bundle] [--strict] [--in-place]
  default 50 buyers x 4 payments; --quick is 5 x 2 (CI smoke). --strategy wait (default) learns each outcome as the
  checkout page does, from complete?wait=S and GET ?wait=S; poll polls GET every --poll-ms (for code without ?wait).
  Phase 3 measures each route's CPU alone with K requests (default 20; 0 skips it). --profile records DevTools CPU
  profiles of every isolate during phase 1 (their CPU figures then include the profiler's own cost).
  Results: bench/results/<timestamp>.json (or --out) and bench/results/latest.json; server log and profiles beside
  them. --strict also fails when a cost target is exceeded.
  Then the renewal run: --renewals N subscriptions due at once, renewed by one cron run (default 1000, --quick 100,
  0 skips it; --renewals-only runs it alone); results in bench/results/<timestamp>.renewals.json.
  The server and the bundle are built from a copy of the working tree taken at start (edits during the run do not
  reach it); --in-place serves the working tree itself, as npm run dev does, and then any edit invalidates the run.
  --direct sends every request straight to the Workers runtime's own socket instead of through wrangler's dev proxy
  (a second workerd in front of it that production does not have; under heavy load it answered some POSTs with 503
  "Your worker restarted mid-request" and held GETs): same app, config, D1, queues and sandbox.
  --quiet-inspector turns off the DevTools Network events wrangler's inspector proxy asks the app's isolate for (four
  per subrequest, each D1 round trip included, relayed to wrangler's node process and its debug log file): a cost of
  wrangler dev alone (scripts/bench/inspector.mjs).`);
  process.exit(0);
}
// Profiling speaks the DevTools protocol over WebSocket, global from node 22 and behind a flag in node 20 and 21.
if ((args.profile || args["quiet-inspector"]) && typeof WebSocket === "undefined") {
  const again = spawnSync(process.execPath, ["--experimental-websocket", ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(again.status ?? 2);
}
const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${v})`);
    process.exit(2);
  }
  return n;
};
const BUYERS = positive("buyers", args.buyers ?? (args.quick ? 5 : 50));
const PAYMENTS = positive("payments", args.payments ?? (args.quick ? 2 : 4));
const POLL_MS = positive("poll-ms", args["poll-ms"]);
const DEADLINE_MS = positive("deadline-s", args["deadline-s"]) * 1000;
const STRATEGY = args.strategy;
if (STRATEGY !== "wait" && STRATEGY !== "poll") {
  console.error(`--strategy must be wait or poll (got ${STRATEGY})`);
  process.exit(2);
}
const WAIT_S = positive("wait-s", args["wait-s"]);
const CPU_REQUESTS = args["cpu-requests"] === "0" ? 0 : positive("cpu-requests", args["cpu-requests"] ?? (args.quick ? 5 : 20));
const REQUEST_TIMEOUT_MS = 30_000 + WAIT_S * 1000;
const QUEUE_DRAIN_MS = 30_000;

const QUEUE_KEY = "queue pocketpay-payment-validation";
const KEYS = {
  create: "POST /api/payments",
  complete: "POST /api/payments/:merchant_uid/complete",
  poll: "GET /api/payments/:merchant_uid",
  webhook: "POST /webhooks/iamport",
  healthz: "GET /healthz",
};
// Targets from the issue: D1 round trips per request, Iamport lookups per validated payment, token calls, bundle.
const LIMITS = { createRoundTrips: 2, completeRoundTrips: 2, webhookRoundTrips: 1, lookupsPerPayment: 1, tokensPer100: 1, gzipKiB: 170 };

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = resolve("bench/results");
const outFile = resolve(args.out ?? `${resultsDir}/${stamp}.json`);
const logFile = resolve(`${resultsDir}/${stamp}.server.log`);
mkdirSync(resultsDir, { recursive: true });
mkdirSync(dirname(outFile), { recursive: true });

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- HTTP with bookkeeping -------------------------------------------------------------------------------------

let baseUrl = "";
const samples = new Map(); // label -> latencies (ms)
const errors = []; // every unexpected response or missed deadline
let requestsSent = 0;
let source = null; // which code was measured

function fail(what, detail) {
  errors.push({ what, ...detail });
  if (errors.length <= 10) console.error(`  ! ${what}: ${JSON.stringify(detail).slice(0, 300)}`);
}

/**
 * One request. `label` files its latency (only answers with the expected status count); `expect` is the status
 * that is success (or a list of them). Anything else, or a network error, is an error of the run.
 * Returns {ok, status, json}.
 */
async function call(label, method, path, { body, token, headers = {}, expect = 200, record = true } = {}) {
  const h = { ...headers };
  if (body !== undefined) h["content-type"] = "application/json";
  if (token) h.authorization = `Bearer ${token}`;
  const started = now();
  requestsSent++;
  let res;
  let text;
  try {
    res = await fetch(baseUrl + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `${e.cause.code ?? ""} ${e.cause.message}`.trim() : undefined;
    fail(`${label}: request failed`, { method, path, error: e instanceof Error ? e.message : String(e), cause, afterMs: Math.round(now() - started) });
    return { ok: false, status: 0, json: null };
  }
  const ms = now() - started;
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // reported below if the status was also unexpected, or by the caller's checks
  }
  if (Array.isArray(expect) ? !expect.includes(res.status) : res.status !== expect) {
    fail(`${label}: HTTP ${res.status}, expected ${expect}`, { method, path, body: text.slice(0, 300) });
    return { ok: false, status: res.status, json };
  }
  if (label && record) {
    if (!samples.has(label)) samples.set(label, []);
    samples.get(label).push(ms);
  }
  return { ok: true, status: res.status, json };
}

const metrics = async () => (await call("metrics", "GET", "/__metrics", { record: false })).json ?? {};

/** Runs fn(i) for i in 0..n-1 with at most `limit` at a time. */
async function pool(n, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, limit) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

// ---- The flows -------------------------------------------------------------------------------------------------

/**
 * Each buyer calls from an address of their own, as real buyers do: signup, orders, reports and refunds are
 * rate limited per client address (and per account) in pocketpay, sized for one person's use of one address.
 */
const buyerIp = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function signup(i, tag) {
  const res = await call("signup", "POST", "/api/auth/signup", {
    body: { email: `bench-${tag}-${i}@example.com`, password: "bench-password-0123", name: `Bench buyer ${i}` },
    headers: { "cf-connecting-ip": buyerIp(i) },
    expect: 201,
  });
  if (res.ok && typeof res.json?.token !== "string") fail("signup: no token in the answer", { body: res.json });
  return res.ok ? res.json.token : null;
}

/** The one-off price ids of the demo catalogue (scripts/demo-catalogue.sql, seeded as npm run dev seeds it). */
let catalogue = [];
async function loadCatalogue() {
  const res = await call("catalogue", "GET", "/api/products", { expect: 200, record: false });
  catalogue = (res.json?.items ?? []).flatMap((p) => p.prices.filter((x) => x.type === "one_time").map((x) => x.id));
  if (catalogue.length < 2) throw new Error("the demo catalogue has fewer than two one-off prices; see the server log");
}

const flow = {
  payToPaid: [],
  paid: [], // {merchant_uid, imp_uid, token, buyer}
  firstPayAt: Infinity,
  lastPaidAt: 0,
};

/** One buyer's M payments, one after another; a baseline /healthz probe precedes each. */
async function buyer(i, token, { measured }) {
  const headers = { "cf-connecting-ip": buyerIp(i) };
  for (let k = 0; k < PAYMENTS; k++) {
    if (measured) await call("healthz (flow)", "GET", "/healthz");
    // A catalogue order of two different products with varying quantities; the server prices it.
    const n = i * PAYMENTS + k;
    const items = [
      { price_id: catalogue[n % catalogue.length], quantity: 1 + (n % 3) },
      { price_id: catalogue[(n + 1) % catalogue.length], quantity: 1 + (n % 2) },
    ];
    const created = await call("create", "POST", "/api/payments", { body: { items }, token, headers, expect: 201, record: measured });
    const merchantUid = created.json?.merchant_uid;
    const amount = created.json?.amount;
    if (!created.ok) continue;
    if (typeof merchantUid !== "string" || !Number.isInteger(amount) || created.json?.line_items?.length !== 2) {
      fail("create: no merchant_uid, amount or line items", { body: created.json });
      continue;
    }

    const payStarted = now();
    flow.firstPayAt = Math.min(flow.firstPayAt, payStarted);
    const paid = await call("sandbox pay (not app)", "POST", "/sandbox/iamport/__control/pay", {
      body: { merchant_uid: merchantUid, amount, outcome: "paid", webhook: "once" },
      record: measured,
    });
    if (!paid.ok) continue;
    if (!paid.json?.success || typeof paid.json.imp_uid !== "string") {
      fail("sandbox pay: not successful", { merchant_uid: merchantUid, body: paid.json });
      continue;
    }
    const impUid = paid.json.imp_uid;

    const outcome = await learnOutcome({ merchantUid, impUid, token, headers, measured, payStarted });
    if (outcome === "paid") {
      const t = now();
      if (measured) flow.payToPaid.push(t - payStarted);
      flow.lastPaidAt = Math.max(flow.lastPaidAt, t);
      flow.paid.push({ merchant_uid: merchantUid, imp_uid: impUid, token, buyer: i });
    }
  }
}

const FINAL = new Set(["paid", "failed", "rejected", "cancelled", "partially_cancelled"]);

/**
 * Reports the payment and learns its outcome the way the checkout page does. `wait`: complete?wait=S answers the
 * final state (200) when validation finishes within S seconds, else 202; then GET ?wait=S long-polls until the
 * status leaves `ready`. `poll`: complete answers 202 at once, then GET every --poll-ms. Returns the final status,
 * or null after an error (already recorded).
 */
async function learnOutcome({ merchantUid, impUid, token, headers, measured, payStarted }) {
  const wait = STRATEGY === "wait";
  const completed = await call("complete", "POST", `/api/payments/${merchantUid}/complete${wait ? `?wait=${WAIT_S}` : ""}`, {
    body: { imp_uid: impUid },
    token,
    headers,
    expect: wait ? [200, 202] : 202,
    record: measured,
  });
  if (!completed.ok) return null;
  let status = completed.json?.status;
  while (!FINAL.has(status)) {
    if (status !== "ready") {
      fail("unexpected status", { merchant_uid: merchantUid, status });
      return null;
    }
    if (now() - payStarted > DEADLINE_MS) {
      fail(`payment not paid within ${DEADLINE_MS / 1000} s`, { merchant_uid: merchantUid, imp_uid: impUid });
      return null;
    }
    if (!wait) await sleep(POLL_MS);
    const got = await call("poll", "GET", `/api/payments/${merchantUid}${wait ? `?wait=${WAIT_S}` : ""}`, { token, headers, record: measured });
    if (!got.ok) return null;
    status = got.json?.status;
  }
  if (status !== "paid") {
    fail("payment ended other than paid", { merchant_uid: merchantUid, status, fail_reason: completed.json?.fail_reason });
    return null;
  }
  return status;
}

/** Iamport's webhook addresses (WEBHOOK_ALLOWED_IPS in production); webhooks are limited per address locally. */
const IAMPORT_IPS = ["52.78.100.19", "52.78.48.223", "52.78.5.241"];
let webhooksSent = 0;

/** Iamport repeats webhooks: one more delivery per paid payment, posted directly and timed. */
async function duplicateWebhooks(payments) {
  for (const p of payments) {
    await call("healthz (webhooks)", "GET", "/healthz");
    const res = await call("webhook (direct)", "POST", "/webhooks/iamport", {
      body: { imp_uid: p.imp_uid, merchant_uid: p.merchant_uid, status: "paid" },
      headers: { "cf-connecting-ip": IAMPORT_IPS[webhooksSent++ % IAMPORT_IPS.length] },
    });
    if (res.ok && res.json?.received !== true) fail("webhook: unexpected answer", { body: res.json });
  }
}

let log = null; // the server log, read as it grows (scripts/bench/server-log.mjs)
let pgid = null; // the server's process group, for CPU readings

/**
 * Waits until the validation queue has been delivered at least `expected` messages in total and gone quiet,
 * watching the server log (asking the server would cost the CPU being measured). Returns the CPU reading taken when
 * the last batch was seen, so a phase's CPU ends with its last validation, not with this wait.
 */
async function drainQueue(expected, what) {
  const deadline = Date.now() + QUEUE_DRAIN_MS;
  let last = -1;
  let quietSince = Date.now();
  let reading = cpuReading(pgid);
  for (;;) {
    const units = log.consumed();
    if (units !== last) {
      last = units;
      quietSince = Date.now();
      reading = cpuReading(pgid);
    }
    // max_batch_timeout is at most 1 s and a batch under load takes a few seconds: 5 s without a new batch means
    // nothing is left in flight.
    if (units >= expected && Date.now() - quietSince > 5_000) return reading;
    if (Date.now() > deadline) {
      fail(`queue did not drain after ${what}`, { consumed: units, expected });
      return reading;
    }
    await sleep(50);
  }
}

// ---- Costs from GET /__metrics ---------------------------------------------------------------------------------

const ZERO = { units: 0, d1RoundTrips: 0, d1Statements: 0, iamportToken: 0, iamportApi: 0 };
const entry = (m, key) => ({ ...ZERO, ...(m[key] ?? {}) });
const minus = (a, b) => Object.fromEntries(Object.keys(ZERO).map((k) => [k, a[k] - b[k]]));
const per = (t, n) => ({
  d1RoundTrips: n ? t.d1RoundTrips / n : null,
  d1Statements: n ? t.d1Statements / n : null,
  iamportToken: n ? t.iamportToken / n : null,
  iamportApi: n ? t.iamportApi / n : null,
});
const r2 = (x) => (x === null ? null : Number(x.toFixed(2)));
const perRounded = (t, n) => Object.fromEntries(Object.entries(per(t, n)).map(([k, v]) => [k, r2(v)]));

// ---- Main ------------------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date().toISOString();
  console.log(`pocketpay bench: ${BUYERS} buyers x ${PAYMENTS} payments, ${availableParallelism()} CPUs, node ${process.version}`);

  const snapshot = args["in-place"] ? null : snapshotTree();
  if (snapshot) process.once("exit", snapshot.remove);
  source = snapshot
    ? { commit: snapshot.commit, dirty: snapshot.dirty, copiedAt: startedAt }
    : { inPlace: true };
  const cwd = snapshot?.dir ?? process.cwd();

  const renewals = args.renewals === undefined ? (args.quick ? 100 : 1000) : Number(args.renewals);
  if (args["renewals-only"]) return runRenewals(renewals, cwd);

  let bundle = null;
  if (!args["skip-bundle"]) {
    process.stdout.write("building the production bundle (dry run)... ");
    bundle = measureBundle(cwd);
    console.log(`${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
  }

  process.stdout.write("starting wrangler dev with the sandbox... ");
  const server = await startServer({ logFile, cwd });
  pgid = server.pgid;
  baseUrl = args.direct ? await directUrl(pgid, server.baseUrl) : server.baseUrl;
  log = serverLog(logFile, "pocketpay-payment-validation");
  console.log(args.direct ? `${baseUrl} (direct: the Workers runtime, not through wrangler's dev proxy at ${server.baseUrl})` : baseUrl);
  if (args["quiet-inspector"]) {
    await quietInspector(server.inspectorPort);
    console.log("quiet inspector: the app's DevTools Network events are off");
  }
  try {
    // Accounts (not measured: PBKDF2 is meant to be slow), then one warm-up payment so compilation, the D1 files
    // and the isolate's Iamport token are in place, as they are in steady state. Phase 3 has buyers of its own, so
    // the per-account rate limits never meet its requests.
    const tokens = new Array(BUYERS);
    await pool(BUYERS, 8, async (i) => {
      tokens[i] = await signup(i, stamp.toLowerCase());
    });
    await loadCatalogue();
    const cpuBuyers = new Array(CPU_REQUESTS);
    await pool(CPU_REQUESTS, 8, async (k) => {
      cpuBuyers[k] = { i: BUYERS + 1 + k, token: await signup(BUYERS + 1 + k, stamp.toLowerCase()) };
    });
    const warm = await signup(BUYERS, `${stamp.toLowerCase()}-warmup`);
    if (tokens.some((t) => !t) || cpuBuyers.some((b) => !b.token) || !warm) throw new Error("could not sign the buyers up; see the errors above");
    await buyer(BUYERS, warm, { measured: false });
    await drainQueue(log.consumed(), "warm-up");
    flow.paid.length = 0;
    flow.firstPayAt = Infinity;
    flow.lastPaidAt = 0;
    const warmupErrors = errors.length;
    if (warmupErrors > 0) throw new Error("the warm-up payment failed; see the errors above");

    // What the idle server burns (timers, esbuild's ping): subtracted from the short windows of phase 3.
    const idle = await idleCpu(3000);

    // Phase 1: the flow.
    await call("reset metrics", "DELETE", "/__metrics", { record: false });
    const queueBase = log.consumed();
    process.stdout.write(`phase 1: ${BUYERS * PAYMENTS} payments through create -> pay -> complete -> paid (${STRATEGY})... `);
    const profiling = args.profile ? await startProfiling(workersPid(pgid), server.inspectorPort, "core:user:pocketpay") : null;
    const loadBefore = loadavg()[0];
    const cpuFlowStart = cpuReading(pgid);
    const flowStart = now();
    const sentBefore = requestsSent;
    await Promise.all(tokens.map((t, i) => buyer(i, t, { measured: true })));
    const flowWallMs = now() - flowStart;
    const flowRequests = requestsSent - sentBefore;
    console.log(`${(flowWallMs / 1000).toFixed(1)} s`);
    // Every sandbox webhook and every `ready` completion queued one message; wait for all of them.
    let m1 = await metrics();
    const deadlineWebhooks = Date.now() + QUEUE_DRAIN_MS;
    while (entry(m1, KEYS.webhook).units < flow.paid.length && Date.now() < deadlineWebhooks) {
      await sleep(250);
      m1 = await metrics();
    }
    if (entry(m1, KEYS.webhook).units < flow.paid.length) {
      fail("sandbox webhooks missing", { delivered: entry(m1, KEYS.webhook).units, expected: flow.paid.length });
    }
    // Each paid payment was validated by at least one message; how many more were sent depends on how its hints
    // met (a hint that finds a validation of its imp_uid waiting queues none), so the drain also waits for quiet.
    const cpuFlowEnd = await drainQueue(queueBase + flow.paid.length, "phase 1");
    const profiles = profiling ? await profiling() : null;
    m1 = await metrics();
    const cpuFlow = cpuBetween(cpuFlowStart, cpuFlowEnd);
    const cpuFlowTicks = cpuBetween(cpuFlowStart, cpuFlowEnd, { ticks: true });

    // Phase 2: duplicate webhooks, same concurrency.
    process.stdout.write(`phase 2: ${flow.paid.length} duplicate webhooks... `);
    const byBuyer = Array.from({ length: BUYERS }, (_, i) => flow.paid.filter((p) => p.buyer === i));
    const queueBase2 = log.consumed();
    const cpuHookStart = cpuReading(pgid);
    const hookStart = now();
    const sentBefore2 = requestsSent;
    await Promise.all(byBuyer.map((ps) => duplicateWebhooks(ps)));
    const hookWallMs = now() - hookStart;
    const hookRequests = requestsSent - sentBefore2;
    console.log(`${(hookWallMs / 1000).toFixed(1)} s`);
    const cpuHookEnd = await drainQueue(queueBase2 + flow.paid.length, "phase 2");
    const m2 = await metrics();
    const cpuHooks = cpuBetween(cpuHookStart, cpuHookEnd);
    const cpuHooksTicks = cpuBetween(cpuHookStart, cpuHookEnd, { ticks: true });
    const loadAfter = loadavg()[0];

    // Duplicates must have changed nothing (not measured: after the last snapshot).
    await pool(flow.paid.length, BUYERS, async (j) => {
      const p = flow.paid[j];
      const got = await call("final check", "GET", `/api/payments/${p.merchant_uid}`, { token: p.token, record: false });
      if (got.ok && (got.json?.status !== "paid" || got.json.events?.filter((e) => e.to === "paid").length > 1)) {
        fail("payment changed after duplicate webhooks", { merchant_uid: p.merchant_uid, status: got.json?.status });
      }
    });

    // Phase 3: each route alone, one request at a time, on a quiet server.
    let routeCpu = null;
    if (CPU_REQUESTS > 0) {
      process.stdout.write(`phase 3: CPU by route, ${CPU_REQUESTS} requests each... `);
      const started = now();
      routeCpu = await cpuByRoute(cpuBuyers, idle).catch(() => null);
      console.log(`${((now() - started) / 1000).toFixed(1)} s`);
    }

    // wrangler dev rebuilds when src/ changes; a reload mid-run resets the counters and mixes two versions.
    const reloads = log.reloads();
    if (reloads > 0) fail("the server reloaded during the run (a source file changed); the numbers are not valid", { reloads });

    const profileSummary = profiles ? saveProfiles(profiles, outFile.replace(/\.json$/, ""), cwd) : null;
    report({
      startedAt, bundle, m1, m2, flowWallMs, flowRequests, hookWallMs, hookRequests,
      cpu: { flow: cpuFlow, flowTicks: cpuFlowTicks, hooks: cpuHooks, hooksTicks: cpuHooksTicks, idle, routes: routeCpu },
      load: { before: loadBefore, after: loadAfter },
      profileSummary,
    });
  } finally {
    await server.stop();
  }
  if (renewals > 0) await runRenewals(renewals, cwd);
}

/** The renewal run (scripts/bench/renewals.mjs), on a server of its own; its failures fail the bench. */
async function runRenewals(count, cwd) {
  if (!Number.isInteger(count) || count < 0) {
    console.error(`--renewals must be a whole number (got ${args.renewals})`);
    process.exit(2);
  }
  if (count === 0) return;
  console.log("");
  const result = await renewalBench({ count, cwd, resultsDir, stamp });
  const json = JSON.stringify(result, null, 2);
  writeFileSync(`${resultsDir}/${stamp}.renewals.json`, json);
  writeFileSync(`${resultsDir}/renewals-latest.json`, json);
  if (result.failures.length > 0) process.exitCode = 1;
}

/** CPU ms per second of the idle server, over `ms`. */
async function idleCpu(ms) {
  const a = cpuReading(pgid);
  const t = now();
  await sleep(ms);
  const d = cpuBetween(a, cpuReading(pgid));
  return d && Object.fromEntries(Object.entries(d).map(([k, v]) => [k, (v / (now() - t)) * 1000]));
}

/** Subtracts the idle server's CPU over `ms` from a reading, never below zero. */
const lessIdle = (d, idle, ms) => d && idle && Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Math.max(0, v - (idle[k] * ms) / 1000)]));

/**
 * Phase 3: each route alone, K requests one after another (each by its own buyer), CPU read before and after every
 * request. Requests that queue a validation then wait (watching the server log) until it has run, and that
 * stretch is the queue's CPU for the row. Idle CPU over each window is subtracted.
 */
async function cpuByRoute(buyers, idle) {
  const rows = {};
  const orders = buyers.map(() => ({}));
  const measure = async (name, fn) => {
    let route = null;
    let queue = null;
    let queued = 0;
    for (let k = 0; k < buyers.length; k++) {
      const consumed = log.consumed();
      const t0 = now();
      const a = cpuReading(pgid);
      const messages = await fn(buyers[k], orders[k]);
      const b = cpuReading(pgid);
      const t1 = now();
      route = addCpu(route ?? { workers: 0, proxy: 0, wrangler: 0, other: 0 }, lessIdle(cpuBetween(a, b), idle, t1 - t0));
      if (messages > 0) {
        if (!(await log.until(consumed + messages))) {
          fail(`phase 3, ${name}: its validation did not run within 30 s; phase 3 stopped`, { consumed: log.consumed() });
          throw new Error("phase 3 stopped: the queue stopped delivering");
        }
        const c = cpuReading(pgid);
        queue = addCpu(queue ?? { workers: 0, proxy: 0, wrangler: 0, other: 0 }, lessIdle(cpuBetween(b, c), idle, now() - t1));
        queued += messages;
      }
    }
    rows[name] = { requests: buyers.length, perRequest: cpuPer(route, buyers.length), queuePerMessage: queued ? cpuPer(queue, queued) : null };
  };
  const as = (b) => ({ token: b.token, headers: { "cf-connecting-ip": buyerIp(b.i) }, record: false });
  await measure("healthz", async () => (await call("healthz", "GET", "/healthz", { record: false }), 0));
  await measure("me", async (b) => (await call("me", "GET", "/api/me", as(b)), 0));
  await measure("create", async (b, o) => {
    const items = [{ price_id: catalogue[b.i % catalogue.length], quantity: 1 }];
    const res = await call("create", "POST", "/api/payments", { ...as(b), body: { items }, expect: 201 });
    o.amount = res.json?.amount;
    o.merchantUid = res.json?.merchant_uid;
    return 0;
  });
  await measure("sandbox pay (not app)", async (_b, o) => {
    const res = await call("pay", "POST", "/sandbox/iamport/__control/pay", {
      body: { merchant_uid: o.merchantUid, amount: o.amount, outcome: "paid", webhook: "none" },
      record: false,
    });
    o.impUid = res.json?.imp_uid;
    return 0;
  });
  // Plain complete (no ?wait): the route's own work, then the validation it queued.
  await measure("complete", async (b, o) => {
    const res = await call("complete", "POST", `/api/payments/${o.merchantUid}/complete`, { ...as(b), body: { imp_uid: o.impUid }, expect: 202 });
    return res.ok ? 1 : 0;
  });
  await measure("poll", async (b, o) => {
    const res = await call("poll", "GET", `/api/payments/${o.merchantUid}`, as(b));
    if (res.ok && res.json?.status !== "paid") fail("phase 3: payment not paid after its validation", { merchant_uid: o.merchantUid, status: res.json?.status });
    return 0;
  });
  let hook = 0;
  await measure("webhook (duplicate)", async (_b, o) => {
    const res = await call("webhook", "POST", "/webhooks/iamport", {
      body: { imp_uid: o.impUid, merchant_uid: o.merchantUid, status: "paid" },
      headers: { "cf-connecting-ip": IAMPORT_IPS[hook++ % IAMPORT_IPS.length] },
      record: false,
    });
    return res.ok ? 1 : 0;
  });
  return rows;
}

function report({ startedAt, bundle, m1, m2, flowWallMs, flowRequests, hookWallMs, hookRequests, cpu, load, profileSummary }) {
  const paid = flow.paid.length;
  const expectedPayments = BUYERS * PAYMENTS;
  const lat = Object.fromEntries([...samples].map(([k, v]) => [k, summarize(v)]));
  const base1 = lat["healthz (flow)"];
  const base2 = lat["healthz (webhooks)"];
  const routeRow = (label, baseline, wallMs) => {
    const s = lat[label];
    if (!s) return null;
    return {
      ...s,
      reqPerSec: Number((s.count / (wallMs / 1000)).toFixed(1)),
      ratioP50: ratio(s.p50, baseline?.p50 ?? null),
      ratioP95: ratio(s.p95, baseline?.p95 ?? null),
    };
  };
  const latency = {
    "healthz (flow)": routeRow("healthz (flow)", base1, flowWallMs),
    create: routeRow("create", base1, flowWallMs),
    complete: routeRow("complete", base1, flowWallMs),
    poll: routeRow("poll", base1, flowWallMs),
    "sandbox pay (not app)": routeRow("sandbox pay (not app)", base1, flowWallMs),
    "healthz (webhooks)": routeRow("healthz (webhooks)", base2, hookWallMs),
    "webhook (direct)": routeRow("webhook (direct)", base2, hookWallMs),
  };
  const payToPaid = summarize(flow.payToPaid);
  const validationWallMs = paid ? flow.lastPaidAt - flow.firstPayAt : null;

  // Costs. Phase 1 (m1) is the flow; phase 2 (m2 - m1) only the duplicate webhooks and their queue messages.
  const routes = {};
  for (const [name, key] of Object.entries(KEYS)) {
    const t = entry(m1, key);
    routes[name] = { key, requests: t.units, ...perRounded(t, t.units) };
  }
  const q1 = entry(m1, QUEUE_KEY);
  const hooks2 = minus(entry(m2, KEYS.webhook), entry(m1, KEYS.webhook));
  const q2 = minus(entry(m2, QUEUE_KEY), q1);
  const perPaid = { messages: r2(paid ? q1.units / paid : null), ...perRounded(q1, paid) };
  const allTokens = Object.entries(m1)
    .filter(([k]) => k !== "GET /__metrics" && k !== "DELETE /__metrics")
    .reduce((a, [, v]) => a + v.iamportToken, 0);
  const perDuplicate = {
    webhookRoute: perRounded(hooks2, hooks2.units),
    queueMessages: r2(hooks2.units ? q2.units / hooks2.units : null),
    queue: perRounded(q2, hooks2.units),
  };

  const targets = [
    { target: "create: D1 round trips/request", value: routes.create.d1RoundTrips, limit: LIMITS.createRoundTrips },
    { target: "complete: D1 round trips/request", value: routes.complete.d1RoundTrips, limit: LIMITS.completeRoundTrips },
    { target: "webhook: D1 round trips/request", value: routes.webhook.d1RoundTrips, limit: LIMITS.webhookRoundTrips },
    { target: "Iamport lookups/validated payment", value: perPaid.iamportApi, limit: LIMITS.lookupsPerPayment },
    { target: "Iamport token calls/100 payments", value: r2(paid ? (allTokens / paid) * 100 : null), limit: LIMITS.tokensPer100, strict: true },
    { target: "bundle KiB gzipped", value: bundle ? r2(bundle.gzipBytes / 1024) : null, limit: LIMITS.gzipKiB },
  ].map((t) => ({ ...t, ok: t.value === null ? null : t.strict ? t.value < t.limit : t.value <= t.limit }));

  // CPU (Linux /proc): phase 1 per validated payment (all its requests, the sandbox's work and the queue's),
  // phase 2 per duplicate webhook (route + queue), phase 3 per request of each route alone.
  const cpuFlow = cpuPer(cpu.flow, paid);
  const cpuHook = cpuPer(cpu.hooks, flow.paid.length);
  const cpuResult = {
    available: cpuAvailable(),
    perValidatedPayment: cpuFlow,
    perDuplicateWebhook: cpuHook,
    // The same from utime + stime alone (10 ms ticks; counts threads that exited): a cross-check of the above.
    perValidatedPaymentTicks: cpuPer(cpu.flowTicks, paid),
    perDuplicateWebhookTicks: cpuPer(cpu.hooksTicks, flow.paid.length),
    idleMsPerSecond: cpu.idle && Object.fromEntries(Object.entries(cpu.idle).map(([k, v]) => [k, Number(v.toFixed(2))])),
    byRoute: cpu.routes,
    profiled: args.profile,
  };

  // Each missing payment already has its own error; this makes the shortfall explicit in any case.
  if (paid !== expectedPayments) errors.push({ what: "payments not paid", paid, expected: expectedPayments });

  const result = {
    startedAt,
    source,
    config: { buyers: BUYERS, payments: PAYMENTS, quick: args.quick, direct: args.direct, quietInspector: args["quiet-inspector"], strategy: STRATEGY, waitS: WAIT_S, pollMs: POLL_MS, deadlineMs: DEADLINE_MS, cpuRequests: CPU_REQUESTS },
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? null, node: process.version, platform: process.platform },
    load: { before: Number(load.before.toFixed(2)), after: Number(load.after.toFixed(2)) },
    phases: {
      flow: { wallMs: Math.round(flowWallMs), requests: flowRequests, reqPerSec: Number((flowRequests / (flowWallMs / 1000)).toFixed(1)) },
      webhooks: { wallMs: Math.round(hookWallMs), requests: hookRequests, reqPerSec: Number((hookRequests / (hookWallMs / 1000)).toFixed(1)) },
    },
    latencyMs: latency,
    requestsPerValidatedPayment: paid ? Number((flowRequests / paid).toFixed(2)) : null,
    cpuMs: cpuResult,
    profile: profileSummary,
    payToPaidMs: payToPaid,
    validation: {
      paid,
      expected: expectedPayments,
      wallMs: validationWallMs === null ? null : Math.round(validationWallMs),
      paidPerSec: validationWallMs ? Number((paid / (validationWallMs / 1000)).toFixed(2)) : null,
    },
    cost: {
      routes,
      perValidatedPayment: perPaid,
      iamportTokenCallsTotal: allTokens,
      perDuplicateWebhook: perDuplicate,
      raw: { phase1: m1, phase2: m2 },
    },
    bundle: bundle && { ...bundle, rawKiB: r2(bundle.rawBytes / 1024), gzipKiB: r2(bundle.gzipBytes / 1024) },
    targets,
    errors: { count: errors.length, items: errors.slice(0, 100) },
    serverLog: logFile,
  };
  writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  writeFileSync(`${resultsDir}/latest.json`, JSON.stringify(result, null, 2) + "\n");

  const f = (x) => (x === null || x === undefined ? "-" : String(x));
  console.log("\nLatency (ms); x = ratio to GET /healthz probed by the same buyers in the same phase");
  console.log(
    table(
      ["", "n", "req/s", "p50", "p95", "p99", "max", "x p50", "x p95"],
      Object.entries(latency)
        .filter(([, s]) => s)
        .map(([k, s]) => [k, s.count, s.reqPerSec, s.p50, s.p95, s.p99, s.max, f(s.ratioP50), f(s.ratioP95)]),
    ),
  );
  console.log(
    `\npay -> paid (ms): p50 ${f(payToPaid.p50)}  p95 ${f(payToPaid.p95)}  p99 ${f(payToPaid.p99)}  max ${f(payToPaid.max)}` +
      `   validated ${paid}/${expectedPayments} in ${(validationWallMs / 1000).toFixed(1)} s = ${f(result.validation.paidPerSec)} paid/s` +
      `   phase 1 ${result.phases.flow.reqPerSec} req/s overall, ${f(result.requestsPerValidatedPayment)} requests per payment (${STRATEGY})`,
  );
  console.log(`load average (1 min): ${result.load.before} at phase 1, ${result.load.after} after phase 2; ${availableParallelism()} CPUs`);
  if (cpuResult.available) {
    const f1 = (x) => (x === null || x === undefined ? "-" : x.toFixed(1));
    const cpuRow = (label, c) => [label, f1(c?.workers), f1(c?.proxy), f1(c?.wrangler), f1(c?.workerd), f1(c?.total)];
    console.log(`\nCPU (ms, Linux /proc: the dev server's processes)${args.profile ? "; under the profiler, so higher than usual" : ""}`);
    console.log("workerd = workers (app, sandbox, D1, queues) + dev proxy (wrangler's entry worker, absent in production)");
    const rows = [
      cpuRow("phase 1: per validated payment (all requests + sandbox + queue)", cpuFlow),
      cpuRow("phase 2: per duplicate webhook (route + queue)", cpuHook),
    ];
    const healthz = cpu.routes?.healthz?.perRequest?.workerd;
    for (const [name, r] of Object.entries(cpu.routes ?? {})) {
      rows.push(cpuRow(`phase 3: ${name}, per request`, r.perRequest));
      if (r.queuePerMessage) rows.push(cpuRow(`phase 3: ${name} -> its queue message`, r.queuePerMessage));
    }
    rows.push(cpuRow("idle server, per second", cpuResult.idleMsPerSecond && cpuTotals(cpuResult.idleMsPerSecond)));
    console.log(table(["", "workers", "dev proxy", "wrangler", "workerd", "total"], rows));
    if (healthz) {
      console.log(
        "workerd CPU as a multiple of GET /healthz (phase 3): " +
          Object.entries(cpu.routes)
            .map(([name, r]) => `${name} ${f(ratio(r.perRequest?.workerd ?? null, healthz))}`)
            .join(", "),
      );
    }
  }
  if (profileSummary) {
    console.log("\nCPU profile of phase 1 (DevTools, sampled): samples that caught each isolate in its own JavaScript");
    console.log(table(["isolate", "JS samples"], profileSummary.map((p) => [p.target, p.jsSamples])));
    for (const p of profileSummary.slice(0, 4)) {
      console.log(`\n${p.target}: self time by source, then by function (% of its JS samples)`);
      console.log(table(["source", "%"], p.byArea.slice(0, 14).map((a) => [a.name, a.percent])));
      console.log(table(["function [source]", "%"], p.topFunctions.slice(0, 10).map((a) => [a.name, a.percent])));
    }
    console.log(`profiles: ${profileSummary.map((p) => p.file).join(", ")}`);
  }
  console.log("\nCost per request / per validated payment (GET /__metrics; routes include the session lookup)");
  console.log(
    table(
      ["", "units", "D1 trips", "D1 stmts", "Iamport token", "Iamport api"],
      [
        ...Object.entries(routes).map(([k, r]) => [`${k} (${r.key})`, r.requests, f(r.d1RoundTrips), f(r.d1Statements), f(r.iamportToken), f(r.iamportApi)]),
        [`queue, per validated payment (${f(perPaid.messages)} msgs each)`, q1.units, f(perPaid.d1RoundTrips), f(perPaid.d1Statements), f(perPaid.iamportToken), f(perPaid.iamportApi)],
        ["duplicate webhook: route", hooks2.units, f(perDuplicate.webhookRoute.d1RoundTrips), f(perDuplicate.webhookRoute.d1Statements), f(perDuplicate.webhookRoute.iamportToken), f(perDuplicate.webhookRoute.iamportApi)],
        [`duplicate webhook: queue (${f(perDuplicate.queueMessages)} msgs each)`, q2.units, f(perDuplicate.queue.d1RoundTrips), f(perDuplicate.queue.d1Statements), f(perDuplicate.queue.iamportToken), f(perDuplicate.queue.iamportApi)],
      ],
    ),
  );
  if (bundle) console.log(`\nproduction bundle: ${result.bundle.rawKiB} KiB raw, ${result.bundle.gzipKiB} KiB gzipped (${bundle.files.join(", ")})`);
  console.log("\nTargets");
  console.log(
    table(
      ["", "measured", "limit", ""],
      targets.map((t) => [t.target, f(t.value), `${t.strict ? "<" : "<="} ${t.limit}`, t.ok === null ? "n/a" : t.ok ? "ok" : "OVER"]),
    ),
  );
  console.log(`\nerrors: ${errors.length}${errors.length ? " (first ones above; all in the results file)" : ""}`);
  console.log(`results: ${outFile} (and bench/results/latest.json); server log: ${logFile}`);

  if (errors.length > 0) process.exitCode = 1;
  else if (args.strict && targets.some((t) => t.ok === false)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`\nbench failed: ${e instanceof Error ? e.message : String(e)}`);
  if (errors.length) console.error(`${errors.length} errors, e.g. ${JSON.stringify(errors.slice(0, 3))}`);
  console.error(`server log: ${logFile}`);
  process.exitCode = 2;
});
