// One `vitest run` pass of npm test, watched for the pool's silent stall.
//
// @cloudflare/vitest-pool-workers (0.23, and 0.22 upstream: cloudflare/workers-sdk#15498) sometimes stops mid-run:
// after a test file passes, workerd and vitest both sit idle with the runner's WebSocket open, no test times out and
// nothing is printed again, ever. Seen here often in fresh clones, right after pipeline.test.ts. No test of ours
// is waiting then (every test has a 30 s timeout, which would fail it loudly), so the pass is run again, up to
// four times, saying so; a fifth stall, or any failure, fails npm test as usual. The longest silence of a healthy
// run is one long file (refunds: 35 s quiet, under 2 minutes loaded).
import { spawn } from "node:child_process";

const STALL_SECONDS = Number(process.env.VITEST_STALL_SECONDS ?? 150);
const ATTEMPTS = 5;

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
