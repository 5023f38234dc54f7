// CPU time of the dev server's own processes, from Linux /proc, for every process in the server's process group
// (wrangler's node processes, its two workerd processes, esbuild), read around a phase or a request. Less sensitive
// to other load on the machine than latency: a busy neighbour slows a request down but does not make it burn more
// CPU. utime + stime (/proc/<pid>/stat) count in 10 ms ticks, too coarse for one request, so each reading also sums
// the threads' exact run time (/proc/<pid>/task/<tid>/schedstat, ns) and differences use that where it exists.
// Linux only; elsewhere every figure is null.
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on every Linux we run on (getconf CLK_TCK)

export const cpuAvailable = () => existsSync("/proc/self/stat");

/** Which part of the dev server a process is. */
function roleOf(pid, comm) {
  if (comm === "workerd") {
    // wrangler dev runs two: the Workers' runtime (our app, the sandbox, D1, queues; it has the inspector) and an
    // entry proxy in front of it that production does not have.
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      // gone
    }
    return cmd.includes("--inspector-addr") ? "workers" : "proxy";
  }
  if (comm === "node" || comm.startsWith("node")) return "wrangler";
  return "other";
}

const roles = new Map(); // pid -> role (a pid's role never changes while it lives)

/** Run time in ms of all live threads of `pid` (exact), or null without schedstat. */
function threadsMs(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // thread exited meanwhile
      }
    }
  } catch {
    return null;
  }
  return ns / 1e6;
}

/** {pid: {role, ticksMs, ms}} for every live process in the process group `pgid`. */
function readGroup(pgid) {
  const out = {};
  for (const d of readdirSync("/proc")) {
    if (d.charCodeAt(0) > 57) continue; // not a pid
    let stat;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" "); // fields[0] is field 3 (state)
    if (Number(fields[2]) !== pgid) continue;
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    if (!roles.has(d)) roles.set(d, roleOf(d, comm));
    const ticksMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    out[d] = { role: roles.get(d), ticksMs, ms: threadsMs(d) ?? ticksMs };
  }
  return out;
}

/** A reading of the server's CPU so far; `minus` of two readings is what ran in between. */
export function cpuReading(pgid) {
  return cpuAvailable() && pgid ? readGroup(pgid) : null;
}

export const ZERO_CPU = { workers: 0, proxy: 0, wrangler: 0, other: 0 };

/**
 * CPU ms per role between two readings (a process that started in between counts from zero). `ticks` uses
 * utime + stime alone: coarse, but it also counts threads that exited in between (for the long phases' cross-check).
 */
export function cpuBetween(before, after, { ticks = false } = {}) {
  if (!before || !after) return null;
  const key = ticks ? "ticksMs" : "ms";
  const d = { ...ZERO_CPU };
  for (const [pid, p] of Object.entries(after)) d[p.role] += Math.max(0, p[key] - (before[pid]?.[key] ?? 0));
  return d;
}

export const addCpu = (a, b) => (a && b ? Object.fromEntries(Object.keys(ZERO_CPU).map((k) => [k, a[k] + b[k]])) : null);

/** workerd = both workerd processes; total = everything in the group. */
export const cpuTotals = (d) =>
  d && { ...d, workerd: d.workers + d.proxy, total: d.workers + d.proxy + d.wrangler + d.other };

/** Divides every figure by n (per request, per payment), two decimals. */
export function cpuPer(d, n) {
  if (!d || !n) return null;
  const t = cpuTotals(d);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Number((v / n).toFixed(2))]));
}

/** The workerd process that runs the Workers (the one with the inspector), or null. */
export function workersPid(pgid) {
  const group = cpuReading(pgid);
  if (!group) return null;
  const found = Object.entries(group).find(([, p]) => p.role === "workers");
  return found ? Number(found[0]) : null;
}

/** TCP ports `pid` listens on (IPv4 and IPv6), from /proc/net/tcp*: how the bench finds workerd's inspector. */
export function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
      if (f[3] === "0A" && inodes.has(f[9])) ports.push(parseInt(f[1].split(":").pop(), 16));
    }
  }
  return ports;
}
