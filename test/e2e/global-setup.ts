import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { seedLocalAdmin } from "../../scripts/admin/seed.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /**
     * A second server with GATEWAY=portone-v2 (as `npm run dev -- --gateway portone-v2` starts it), its own state
     * and the demo catalogue, for the scenarios of PortOne V2's pages (test/e2e/portone-checkout.e2e.ts).
     */
    baseURLV2: string;
    /** The local administrator, seeded exactly as `npm run dev` seeds it. */
    admin: { email: string; password: string };
    /** The server's --persist-to directory, for `npm run admin -- … --persist-to` against its database. */
    statePath: string;
  }
}

// Starts pocketpay as `npm run dev` does (scripts/dev.mjs): D1 migrations for DB and SANDBOX_DB applied with
// --persist-to, the demo catalogue seeded, then `wrangler dev -c wrangler.toml -c sandbox/wrangler.toml`. Differences: a free port (and
// inspector port), and a fresh temporary persist dir, so runs share no state with each other or with a developer's
// own `npm run dev`. The server's output goes to test-artifacts/e2e-server.log. A second server, started after it
// with `--var GATEWAY:portone-v2` (what `npm run dev -- --gateway portone-v2` adds), serves the PortOne V2
// scenarios at `baseURLV2`; its output goes to test-artifacts/e2e-server-v2.log.

const WRANGLER = resolve("node_modules/wrangler/bin/wrangler.js");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

function wrangler(args: string[]) {
  execFileSync(process.execPath, [WRANGLER, ...args], { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
}

async function waitUntilUp(url: string, child: ChildProcess, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}; see test-artifacts/e2e-server.log`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`pocketpay did not answer ${url} within ${ms} ms; see test-artifacts/e2e-server.log`);
}

interface Server {
  baseURL: string;
  state: string;
  stop: () => Promise<void>;
}

/** One `npm run dev`-like server: fresh state, migrations, the demo catalogue, then wrangler dev on a free port. */
async function startServer(logName: string, extra: string[], beforeStart?: (state: string) => void): Promise<Server> {
  const state = mkdtempSync(join(tmpdir(), "pocketpay-e2e-"));
  mkdirSync("test-artifacts", { recursive: true });
  const log = openSync(`test-artifacts/${logName}`, "w");
  let child: ChildProcess | undefined;
  let onExit: (() => void) | undefined;

  const stop = async () => {
    if (onExit) process.off("exit", onExit);
    if (child && child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child!.once("exit", r));
      // The whole process group: wrangler and the workerd it started.
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timeout = new Promise((r) => setTimeout(r, 10_000, "timeout"));
      if ((await Promise.race([exited, timeout])) === "timeout") {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    rmSync(state, { recursive: true, force: true });
  };

  try {
    const persist = ["--persist-to", state];
    wrangler(["d1", "migrations", "apply", "DB", "--local", ...persist]);
    wrangler(["d1", "migrations", "apply", "SANDBOX_DB", "--local", "-c", "sandbox/wrangler.toml", ...persist]);
    wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/demo-catalogue.sql", ...persist]);
    beforeStart?.(state);

    const port = await freePort();
    const inspector = await freePort();
    child = spawn(
      process.execPath,
      [
        WRANGLER, "dev", "-c", "wrangler.toml", "-c", "sandbox/wrangler.toml",
        "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspector), "--test-scheduled",
        "--show-interactive-dev-session=false", ...persist, ...extra,
      ],
      // Its own process group, so that stopping it stops workerd too.
      { env: ENV, stdio: ["ignore", log, log], detached: true },
    );
    const started = child;
    onExit = () => {
      if (started.pid && started.exitCode === null) {
        try {
          process.kill(-started.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    };
    process.once("exit", onExit);

    await waitUntilUp(`http://127.0.0.1:${port}/healthz`, child, 60_000);
    return { baseURL: `http://localhost:${port}`, state, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export default async function setup(project: TestProject) {
  // One after the other: each wrangler dev runs wrangler.toml's [build] (scripts/build-assets.mjs), and two at once
  // race on .build/assets.
  const v1 = await startServer("e2e-server.log", [], (state) => {
    // The administrator `npm run dev` provides, by the same code; the scenarios log in with its password.
    const admin = seedLocalAdmin({ persistTo: state });
    if (!admin.password) throw new Error("the local admin seed gave no password");
    project.provide("admin", { email: admin.email, password: admin.password });
    project.provide("statePath", state);
  });
  let v2: Server;
  try {
    v2 = await startServer("e2e-server-v2.log", ["--var", "GATEWAY:portone-v2"]);
  } catch (e) {
    await v1.stop();
    throw e;
  }
  project.provide("baseURL", v1.baseURL);
  project.provide("baseURLV2", v2.baseURL);
  return async () => {
    await Promise.all([v1.stop(), v2.stop()]);
  };
}
