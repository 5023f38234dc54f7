// Starts pocketpay with its Iamport sandbox as `npm run dev` does (scripts/dev.mjs): D1 migrations for DB and
// SANDBOX_DB with --persist-to, the demo catalogue, then `wrangler dev -c wrangler.toml -c sandbox/wrangler.toml`. Differences: a free
// port and inspector port, and a fresh temporary persist dir, so a run shares no state with `npm run dev`, the e2e
// tests or another bench. The server runs in its own process group, which stop() ends (wrangler and workerd).
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { listeningPorts, workersPid } from "./cpu.mjs";

export const WRANGLER = resolve("node_modules/wrangler/bin/wrangler.js");
export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/**
 * A copy of the working tree as it is now (tracked and untracked files, .gitignore respected; node_modules linked),
 * so that edits made while the bench runs cannot make wrangler dev reload and mix two versions of the code.
 * Returns {dir, commit, dirty, remove}.
 */
export function snapshotTree() {
  const git = (...a) => execFileSync("git", a, { encoding: "utf8" });
  const files = git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), "pocketpay-bench-src-"));
  for (const f of files) {
    if (!existsSync(f)) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(f, join(dir, f));
  }
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
  // The copy is served as built: its browser assets once, now, and no [build] in its wrangler.toml. wrangler's
  // watcher of [build] watch_dir (src/client) sometimes reports a change that never happened, even minutes into a
  // run, and restarts the server mid-request.
  execFileSync(process.execPath, ["scripts/build-assets.mjs"], { cwd: dir, stdio: "ignore" });
  const toml = join(dir, "wrangler.toml");
  writeFileSync(toml, readFileSync(toml, "utf8").replace(/^\[build\]\n(?:[^[\n][^\n]*\n|\n)*/m, ""));
  let commit = null;
  let dirty = null;
  try {
    commit = git("rev-parse", "HEAD").trim();
    dirty = git("status", "--porcelain").trim() !== "";
  } catch {
    // not a git checkout with commits; the copy above already needed git, so this is rare
  }
  return { dir, commit, dirty, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const REBUILD = /changed, restarting build|Reloading local server/g;

/**
 * wrangler's watcher of [build] watch_dir (src/client) sometimes reports a change just after startup though
 * nothing changed, and rebuilds and restarts the server, failing the requests in flight (503 "Your worker
 * restarted mid-request"). Returns once the log has shown no rebuild for 3 s and /healthz answers.
 */
async function settled(logFile, baseUrl, deadline) {
  const rebuilds = () => (readFileSync(logFile, "utf8").match(REBUILD) ?? []).length;
  let seen = rebuilds();
  for (;;) {
    await new Promise((r) => setTimeout(r, 3000));
    const now = rebuilds();
    if (now === seen) {
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) return;
      } catch {
        // restarting
      }
    }
    seen = now;
    if (Date.now() > deadline) throw new Error(`pocketpay kept rebuilding after startup; see ${logFile}`);
  }
}

function wrangler(args, cwd) {
  try {
    return execFileSync(process.execPath, [WRANGLER, ...args], { cwd, env: WRANGLER_ENV, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 }).toString();
  } catch (e) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${String(e.stdout ?? "")}${String(e.stderr ?? "")}`);
  }
}

/**
 * Returns {baseUrl, pgid, inspectorPort, stop}: pgid is the server's process group (wrangler's node processes,
 * workerd, esbuild), whose CPU the bench reads from /proc; inspectorPort is wrangler's inspector proxy. stop() is idempotent and also runs on process exit and on SIGINT/SIGTERM, so the
 * server never outlives the bench, whatever happens.
 */
export async function startServer({ logFile, cwd = process.cwd(), startupMs = 90_000, testClock = false, seed = null }) {
  const state = mkdtempSync(join(tmpdir(), "pocketpay-bench-"));
  let child;
  let stopped = false;

  const killGroup = (signal) => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => {
    killGroup("SIGKILL");
    rmSync(state, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    killGroup("SIGKILL");
    rmSync(state, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  /** With keepState, the databases stay for reading (query) until removeState(). */
  const stop = async ({ keepState = false } = {}) => {
    if (stopped) return;
    stopped = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      killGroup("SIGTERM");
      if ((await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000, "timeout"))])) === "timeout") {
        killGroup("SIGKILL");
        await exited;
      }
    }
    if (keepState) return;
    rmSync(state, { recursive: true, force: true });
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };

  try {
    const persist = ["--persist-to", state];
    wrangler(["d1", "migrations", "apply", "DB", "--local", ...persist], cwd);
    wrangler(["d1", "migrations", "apply", "SANDBOX_DB", "--local", "-c", "sandbox/wrangler.toml", ...persist], cwd);
    wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/demo-catalogue.sql", ...persist], cwd);
    // A run's own fixtures (e.g. the renewal run's due subscriptions): SQL files for the app's and the sandbox's D1.
    if (seed?.app) wrangler(["d1", "execute", "DB", "--local", "--file", seed.app, ...persist], cwd);
    if (seed?.sandbox) wrangler(["d1", "execute", "SANDBOX_DB", "--local", "-c", "sandbox/wrangler.toml", "--file", seed.sandbox, ...persist], cwd);

    const port = await freePort();
    const inspector = await freePort();
    const log = openSync(logFile, "w");
    child = spawn(
      process.execPath,
      [
        WRANGLER, "dev", "-c", "wrangler.toml", "-c", "sandbox/wrangler.toml",
        "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspector), "--test-scheduled",
        "--show-interactive-dev-session=false", ...persist,
        // The test clock costs each request one D1 read; the payment run measures pocketpay without it (README
        // "Moving time"). A run that moves time passes testClock: true.
        "--var", `TEST_CLOCK:${testClock ? "true" : "false"}`,
      ],
      // A dev registry of its own: in the shared one, every other `wrangler dev` on the machine (e2e servers, other
      // benches) that starts or stops a Worker named pocketpay makes this server restart its runtime, failing the
      // requests in flight (503 "Your worker restarted mid-request"). Both Workers run in this one process anyway.
      // wrangler's debug log (every DevTools event it relays: megabytes per run) goes with the run's state, not to
      // ~/.config/.wrangler/logs.
      { cwd, env: { ...WRANGLER_ENV, WRANGLER_REGISTRY_PATH: join(state, "registry"), WRANGLER_LOG_PATH: join(state, "wrangler-logs") }, stdio: ["ignore", log, log], detached: true },
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + startupMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}; see ${logFile}`);
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`pocketpay did not answer /healthz within ${startupMs} ms; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await settled(logFile, baseUrl, deadline);
    // Queries against the run's databases once it has stopped (stop({ keepState: true })): workerd locks them while
    // it serves.
    const query = (db, sql) =>
      JSON.parse(wrangler(["d1", "execute", db, "--local", "--json", "--command", sql, ...(db === "SANDBOX_DB" ? ["-c", "sandbox/wrangler.toml"] : []), ...persist], cwd))[0].results;
    const removeState = () => rmSync(state, { recursive: true, force: true });
    return { baseUrl, pgid: child.pid, inspectorPort: inspector, stop, query, removeState };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The address of the Workers runtime's own entry socket, behind wrangler's dev proxy (a second workerd that
 * forwards every request, and that production does not have): the port of the runtime process that answers
 * GET /healthz. Same app, same config, same D1, queues and sandbox; only the proxy hop is gone. Linux only (/proc).
 */
export async function directUrl(pgid, publicUrl) {
  const pid = workersPid(pgid);
  if (!pid) throw new Error("--direct: the Workers runtime process was not found (Linux /proc only)");
  const publicPort = Number(new URL(publicUrl).port);
  for (const port of listeningPorts(pid)) {
    if (port === publicPort) continue;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (res.ok && (await res.json()).status === "ok") return `http://127.0.0.1:${port}`;
    } catch {
      // not the app's socket (the inspector, a loopback service)
    }
  }
  throw new Error("--direct: no socket of the Workers runtime answered /healthz");
}
