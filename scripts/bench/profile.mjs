// CPU profiles of the dev server's isolates under load (`npm run bench -- --profile`), through workerd's own
// inspector and the Chrome DevTools protocol over WebSocket: every isolate is a target (the app, the sandbox, each
// D1 database and the queue broker), so the profile says which of them burns the CPU, and, through wrangler's
// source maps, which source file inside the app and the sandbox. Profiles are saved as .cpuprofile files (open
// them in Chrome DevTools > Performance, or https://www.speedscope.app).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { listeningPorts } from "./cpu.mjs";
import { sourceLookup } from "./sourcemap.mjs";

/** Isolates worth profiling; the rest (caches, explorers, the ip-stripping shims) do no work in the bench. */
const INTERESTING = /^(core:user:|core:entry|d1:db:0|queues:queue:)/;

/** A minimal DevTools protocol session over one WebSocket. */
export async function session(url) {
  // wrangler's proxy refuses an upgrade without an Origin it knows (undici's WebSocket takes extra headers).
  const ws = new WebSocket(url, { headers: { origin: "http://127.0.0.1" } });
  let next = 0;
  const pending = new Map();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data));
    const p = m.id !== undefined && pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.fail(new Error(`${p.method}: ${JSON.stringify(m.error)}`));
    else p.ok(m.result);
  };
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = () => fail(new Error(`cannot connect to ${url}`));
  });
  return {
    send: (method, params = {}) =>
      new Promise((ok, fail) => {
        const id = ++next;
        pending.set(id, { ok, fail, method });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** workerd's inspector: the port of `pid` that answers GET /json with a list of targets. */
async function findTargets(pid) {
  for (const port of listeningPorts(pid)) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(2000) });
      const list = await res.json();
      if (Array.isArray(list) && list.every((t) => typeof t.webSocketDebuggerUrl === "string")) return list;
    } catch {
      // the app's own port, or another socket
    }
  }
  throw new Error(`no inspector found among the ports of workerd (pid ${pid})`);
}

/**
 * Starts sampling every interesting isolate; returns stop() -> {target id: profile}. wrangler keeps the app's
 * isolate to its own inspector proxy (`wranglerInspectorPort`; workerd accepts a second session there but answers
 * nothing), so the app is profiled through that proxy and the other isolates through workerd's inspector.
 */
export async function startProfiling(workerdPid, wranglerInspectorPort, appTarget, { intervalUs = 250 } = {}) {
  if (typeof WebSocket === "undefined") throw new Error("profiling needs a global WebSocket (node >= 22, or --experimental-websocket)");
  const [viaWrangler] = await (await fetch(`http://127.0.0.1:${wranglerInspectorPort}/json`)).json();
  const targets = [
    { id: appTarget, webSocketDebuggerUrl: viaWrangler.webSocketDebuggerUrl },
    ...(await findTargets(workerdPid)).filter((t) => INTERESTING.test(t.id) && t.id !== appTarget),
  ];
  const sessions = [];
  for (const t of targets) {
    const s = await session(t.webSocketDebuggerUrl);
    await s.send("Profiler.enable");
    await s.send("Profiler.setSamplingInterval", { interval: intervalUs });
    sessions.push({ id: t.id, s });
  }
  await Promise.all(sessions.map(({ s }) => s.send("Profiler.start")));
  return async () => {
    const profiles = {};
    for (const { id, s } of sessions) {
      profiles[id] = (await s.send("Profiler.stop")).profile;
      s.close();
    }
    return profiles;
  };
}

/** Source maps of the bundles wrangler dev built under `dir`: {app, sandbox} (either may be missing). */
function bundleMaps(dir) {
  const found = {};
  for (const [name, base, prefix] of [["app", dir, ""], ["sandbox", join(dir, "sandbox"), "sandbox/"]]) {
    const tmp = join(base, ".wrangler", "tmp");
    let entries = [];
    try {
      entries = readdirSync(tmp).filter((d) => d.startsWith("dev-"));
    } catch {
      continue;
    }
    for (const d of entries) {
      try {
        const map = JSON.parse(readFileSync(join(tmp, d, "index.js.map"), "utf8"));
        found[name] = { prefix, lookup: sourceLookup(map) };
      } catch {
        // not built (yet)
      }
    }
  }
  return found;
}

/** A readable name for a source path: the npm package, or the project file. */
function area(source, prefix) {
  const nm = source.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = source.slice(nm + 13).split("/");
    const pkg = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    if (pkg === "wrangler") return "wrangler dev middleware (dev only)";
    // drizzle-orm's own source maps point one level too high, at node_modules/src/….
    if (pkg === "src") return "drizzle-orm";
    return pkg;
  }
  return prefix + source.replace(/^(\.\.\/)+/, "");
}

/** Samples that are not JavaScript of this isolate: waiting, or native code that no JS frame called. */
const NOT_JS = new Set(["(idle)", "(program)", "(root)"]);

/**
 * Summarises one isolate's profile by sample counts: how many samples caught this isolate in its own JavaScript
 * (or its garbage collector), and their shares by where the code comes from (through the bundle's source map) and
 * by function. Built-ins (JSON, crypto, Response, …) have no source; their samples go to the nearest caller that
 * has one. Counts, not the profile's time deltas: workerd runs many isolates on one thread and an isolate is only
 * sampled while it runs, so a delta also spans other isolates' work. Absolute CPU comes from /proc; this says
 * where inside an isolate it goes.
 */
function summarizeProfile(profile, map) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sourceOf = (cf) => {
    if (!cf.url) return null;
    if (cf.url.startsWith("node-internal:")) return "workerd node-compat (console formatting)";
    if (cf.url.startsWith("cloudflare-internal:") || cf.url.startsWith("cloudflare:")) return `workerd ${cf.url}`;
    const s = map && cf.url.endsWith("index.js") ? map.lookup(cf.lineNumber, cf.columnNumber) : null;
    return s ? area(s, map.prefix) : basename(cf.url);
  };
  const areaOfNode = new Map();
  const areaOf = (id) => {
    if (areaOfNode.has(id)) return areaOfNode.get(id);
    const n = nodes.get(id);
    const a = n.callFrame.functionName === "(garbage collector)" ? "(garbage collector)" : sourceOf(n.callFrame) ?? (parent.has(id) ? areaOf(parent.get(id)) : "(native)");
    areaOfNode.set(id, a);
    return a;
  };
  const byArea = new Map();
  const byFunction = new Map();
  let js = 0;
  for (const id of profile.samples) {
    const n = nodes.get(id);
    if (NOT_JS.has(n.callFrame.functionName)) continue;
    js++;
    const a = areaOf(id);
    byArea.set(a, (byArea.get(a) ?? 0) + 1);
    const fn = `${n.callFrame.functionName || "(anonymous)"} [${a}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
  }
  const top = (m, k) =>
    [...m]
      .sort((x, y) => y[1] - x[1])
      .slice(0, k)
      .map(([name, count]) => ({ name, samples: count, percent: Number(((count / js) * 100).toFixed(1)) }));
  return { jsSamples: js, byArea: top(byArea, 20), topFunctions: top(byFunction, 15) };
}

/** Saves each profile beside `prefix` and returns the summaries, busiest isolate first. */
export function saveProfiles(profiles, prefix, bundleDir) {
  const maps = bundleMaps(bundleDir);
  const out = [];
  for (const [id, profile] of Object.entries(profiles)) {
    const file = `${prefix}.${id.replace(/[^A-Za-z0-9_.-]+/g, "_")}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    const map = id === "core:user:pocketpay" ? maps.app : id === "core:user:pocketpay-sandbox" ? maps.sandbox : null;
    out.push({ target: id, file, ...summarizeProfile(profile, map) });
  }
  return out.sort((a, b) => b.jsSamples - a.jsSamples);
}
