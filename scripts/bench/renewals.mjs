// The renewal run of `npm run bench`: N subscriptions (1,000 by default) are due at once; one cron run must renew
// them all. Seeds the app's D1 with N buyers on the demo's 커피 클럽 베이직 plan, each with a billing key the sandbox
// holds, every one due a minute ago (setup, not measured); starts pocketpay; triggers the cron (wrangler dev
// --test-scheduled); waits until the queue has taken every renewal and its webhook in; then checks, from both
// databases, that each subscription was charged exactly once for its new period (0 double charges) and reports the
// time, D1 round trips and Iamport calls per renewal (from GET /__metrics: the cron, the queue, the webhooks).
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "./server.mjs";

const hex = (n) => randomBytes(n).toString("hex");
const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
const rows = (list) => list.map((r) => `(${r.map(q).join(", ")})`).join(",\n");

function chunks(list, n) {
  const out = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** SQL for the app's and the sandbox's databases: N active subscriptions whose next period is due now. */
function seedSql(count, now) {
  const DAY = 86_400_000;
  const anchor = now - 31 * DAY - 60_000;
  const due = now - 60_000;
  const users = [];
  const subs = [];
  const keys = [];
  const customers = [];
  for (let i = 0; i < count; i++) {
    const user = `usr_bench_${hex(8)}`;
    const sub = `sub_${hex(16)}`;
    const cus = `cus_${hex(16)}`;
    users.push([user, `renewal-${i}-${hex(4)}@example.com`, `구독자 ${i}`, "pbkdf2-sha256", 100000, hex(16), hex(32), now]);
    subs.push([sub, user, "price_demo_club_basic", "active", anchor, 1, anchor, due, 1, 1, cus, "신한카드", "411111*********1", due, now - 40 * DAY, now - 40 * DAY]);
    keys.push([cus, sub, user, `reg_${hex(16)}`, "active", "신한카드", "411111*********1", now - 40 * DAY, now - 40 * DAY]);
    const s = Math.floor(now / 1000);
    const customer = {
      customer_uid: cus, pg_provider: "html5_inicis", pg_id: "INIBillTst", sandbox: false, customer_id: null,
      card_name: "신한카드", card_code: "366", card_issuer_code: null, card_issuer_name: null, card_publisher_code: null,
      card_publisher_name: null, card_number: "411111*********1", card_type: 0, customer_name: `구독자 ${i}`, customer_tel: null,
      customer_email: null, customer_addr: null, customer_postcode: null, inserted: s, updated: s,
    };
    customers.push([cus, JSON.stringify(customer), 0, s, s]);
  }
  const app = [
    ...chunks(users, 100).map((c) => `INSERT INTO users (id, email, name, password_algorithm, password_iterations, password_salt, password_hash, created_at) VALUES\n${rows(c)};`),
    ...chunks(subs, 100).map(
      (c) =>
        `INSERT INTO subscriptions (id, user_id, price_id, status, anchor_at, period, current_period_start, current_period_end, attempt, settled_attempt, customer_uid, card_name, card_number, next_action_at, created_at, updated_at) VALUES\n${rows(c)};`,
    ),
    ...chunks(keys, 100).map((c) => `INSERT INTO billing_keys (customer_uid, subscription_id, user_id, registration_uid, status, card_name, card_number, created_at, confirmed_at) VALUES\n${rows(c)};`),
  ].join("\n");
  const sandbox = chunks(customers, 100)
    .map((c) => `INSERT INTO sandbox_customers (customer_uid, data, declines, inserted, updated) VALUES\n${rows(c)};`)
    .join("\n");
  return { app, sandbox };
}

const QUEUE_KEY = "queue pocketpay-payment-validation";
const sum = (m, keys, field) => keys.reduce((a, k) => a + (m[k]?.[field] ?? 0), 0);
const per = (v, n) => (n ? Number((v / n).toFixed(2)) : null);

/**
 * Runs the renewal bench on its own server. Returns the results (also printed); `failures` lists what went wrong.
 */
export async function renewalBench({ count, cwd, resultsDir, stamp, deadlineMs = 600_000 }) {
  const failures = [];
  const now = Date.now();
  const { app, sandbox } = seedSql(count, now);
  const appFile = join(resultsDir, `${stamp}.renewals-app.sql`);
  const sandboxFile = join(resultsDir, `${stamp}.renewals-sandbox.sql`);
  writeFileSync(appFile, app);
  writeFileSync(sandboxFile, sandbox);
  const logFile = join(resultsDir, `${stamp}.renewals.server.log`);
  process.stdout.write(`renewal run: seeding ${count} due subscriptions, starting wrangler dev... `);
  const server = await startServer({ logFile, cwd, seed: { app: appFile, sandbox: sandboxFile } });
  console.log(server.baseUrl);
  const get = async (path, init) => {
    const res = await fetch(server.baseUrl + path, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${res.status} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  try {
    // Warm the isolate (compilation, the D1 files) outside the measurement, then start from zeroed counters.
    await get("/healthz");
    await get("/__metrics", { method: "DELETE" });
    process.stdout.write(`one cron run over ${count} due subscriptions... `);
    const started = performance.now();
    await get(`/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    const sweptMs = performance.now() - started;
    // Each renewal is one renewal message and one webhook (its validation message): done when the queue took both.
    let m;
    for (;;) {
      m = await get("/__metrics");
      if ((m[QUEUE_KEY]?.units ?? 0) >= 2 * count) break;
      if (performance.now() - started > deadlineMs) {
        failures.push(`the queue took ${m[QUEUE_KEY]?.units ?? 0} of ${2 * count} messages within ${deadlineMs / 1000} s`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const wallMs = performance.now() - started;
    console.log(`${(wallMs / 1000).toFixed(1)} s`);
    // Let late webhooks and retries land, then read both databases with the server stopped (workerd locks them).
    await new Promise((r) => setTimeout(r, 2_000));
    await server.stop({ keepState: true });

    const renewed = server.query("DB", "SELECT count(*) AS n FROM subscriptions WHERE status = 'active' AND period = 2 AND settled_attempt = 1")[0].n;
    const paidInvoices = server.query("DB", "SELECT count(*) AS n FROM invoices WHERE period = 2 AND status = 'paid'")[0].n;
    const attempts = server.query("DB", "SELECT count(*) AS n FROM payments WHERE kind = 'subscription'")[0].n;
    const charges = server.query("SANDBOX_DB", "SELECT count(*) AS n FROM sandbox_payments WHERE customer_uid IS NOT NULL AND status = 'paid'")[0].n;
    const doubles = server.query(
      "SANDBOX_DB",
      "SELECT count(*) AS n FROM (SELECT customer_uid FROM sandbox_payments WHERE customer_uid IS NOT NULL AND status = 'paid' GROUP BY customer_uid HAVING count(*) > 1)",
    )[0].n;
    if (renewed !== count) failures.push(`${renewed} of ${count} subscriptions renewed`);
    if (paidInvoices !== count) failures.push(`${paidInvoices} of ${count} invoices paid`);
    if (charges !== count) failures.push(`${charges} approved charges at the sandbox for ${count} renewals`);
    if (doubles !== 0) failures.push(`${doubles} billing keys charged more than once`);

    const keys = ["cron", QUEUE_KEY, "POST /webhooks/iamport"];
    const result = {
      subscriptions: count,
      renewed,
      charges_at_iamport: charges,
      double_charges: doubles,
      charge_attempts: attempts,
      cron_ms: Math.round(sweptMs),
      wall_ms: Math.round(wallMs),
      renewals_per_s: Number((renewed / (wallMs / 1000)).toFixed(1)),
      per_renewal: {
        d1_round_trips: per(sum(m, keys, "d1RoundTrips"), renewed),
        d1_statements: per(sum(m, keys, "d1Statements"), renewed),
        iamport_api_calls: per(sum(m, keys, "iamportApi"), renewed),
        iamport_token_calls: per(sum(m, keys, "iamportToken"), renewed),
      },
      by_part: Object.fromEntries(keys.map((k) => [k, m[k] ?? null])),
      failures,
    };
    console.log("\nRenewal run (one cron run; per renewal = cron + its queue messages + its webhook)");
    console.log(`   ${renewed}/${count} renewed, ${charges} charges at Iamport, ${doubles} double charges, ${attempts} attempts`);
    console.log(`   cron run ${result.cron_ms} ms; all settled in ${(wallMs / 1000).toFixed(1)} s (${result.renewals_per_s} renewals/s)`);
    console.log(
      `   per renewal: ${result.per_renewal.d1_round_trips} D1 round trips (${result.per_renewal.d1_statements} statements), ` +
        `${result.per_renewal.iamport_api_calls} Iamport API calls, ${result.per_renewal.iamport_token_calls} token calls`,
    );
    for (const f of failures) console.log(`   FAIL ${f}`);
    return result;
  } finally {
    await server.stop();
    server.removeState();
  }
}
