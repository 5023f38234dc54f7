// One `vitest run` pass of npm test, watched for the pool's silent stall.
//
// The stall (cloudflare/workers-sdk#15498 as we met it): vitest-pool-workers 0.23 holds console output written from
// another request's context (a queue batch, a webhook from the sandbox) until the runner next sends a message, and
// vitest waits for every console message before it reports a file finished; a log after a file's last test stopped
// the run for good, silently. test/setup.ts cures it with a heartbeat from the runner's own context (before it,
// pipeline.test.ts with subscriptions.test.ts stalled 3 runs in 3; after it, 4 runs in 4 finished). This watch stays as a safety net for any other
// silence: after STALL_SECONDS with no output the pass is run again, saying so, up to ATTEMPTS times in all; any
// failure still fails npm test. The longest silence of a healthy run is one long file (refunds: 35 s quiet,
// under 2 minutes loaded).
import { spawn } from "node:child_process";

const STALL_SECONDS = Number(process.env.VITEST_STALL_SECONDS ?? 150);
const ATTEMPTS = 3;

function runOnce(args) {
  return new Promise((resolve) => {
    // Its own process group, so a stalled run's workerd children go with it.
    const child = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: process.env,
    });
    let last = Date.now();
    const seen = (stream, out) =>
      stream.on("data", (chunk) => {
        last = Date.now();
        out.write(chunk);
      });
    seen(child.stdout, process.stdout);
    seen(child.stderr, process.stderr);
    let stalled = false;
    const watch = setInterval(() => {
      if (Date.now() - last < STALL_SECONDS * 1000) return;
      stalled = true;
      clearInterval(watch);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    child.on("exit", (code, signal) => {
      clearInterval(watch);
      resolve({ stalled, code: code ?? (signal ? 1 : 0) });
    });
  });
}

const args = process.argv.slice(2);
for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
  const { stalled, code } = await runOnce(args);
  if (!stalled) process.exit(code);
  const again = attempt < ATTEMPTS;
  console.error(
    `\n[vitest-pass] vitest printed nothing for ${STALL_SECONDS} s: the pool's known silent stall ` +
      `(cloudflare/workers-sdk#15498). ${again ? `Running the pass again (attempt ${attempt + 1} of ${ATTEMPTS}).` : "Giving up."}\n`,
  );
  if (!again) process.exit(1);
}
