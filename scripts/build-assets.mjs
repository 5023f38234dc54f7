// Builds the pages' browser assets: src/client/main.ts (TypeScript, checked by `npm run typecheck`) and
// src/client/style.css, bundled and minified by esbuild into content-hashed files that Workers static assets
// serve ([assets] in wrangler.toml) with a year-long immutable cache. The Worker learns the hashed names from
// the manifest (imported by src/views/assets.ts), so a deploy changes the URLs and never serves a stale file.
//
// Runs by itself wherever the assets are needed: wrangler's [build] (dev, deploy, the e2e server), the vitest
// config, and before `tsc` (npm's pretypecheck), so a fresh clone needs no manual step.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, ".build/assets");
const publicDir = join(out, "public");

// name the pages ask for → its source. Add an entry here for another asset; the manifest gives its URL.
const ENTRIES = {
  "app.js": "src/client/main.ts",
  "app.css": "src/client/style.css",
};

const HEADERS = `# Content-hashed: a changed file gets a new name, so the old one may be kept for a year.
/assets/*
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
`;

async function bundle(entry) {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    write: false,
    format: "iife",
    target: ["es2020", "chrome100", "safari15"],
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].contents;
}

const manifest = {};
const files = [];
for (const [name, entry] of Object.entries(ENTRIES)) {
  const contents = await bundle(entry);
  const hash = createHash("sha256").update(contents).digest("hex").slice(0, 12);
  const dot = name.lastIndexOf(".");
  const file = `assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  manifest[name] = `/${file}`;
  files.push([file, contents]);
}

const manifestText = JSON.stringify(manifest, null, 2) + "\n";
const same = (path, contents) => existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(contents)) === 0;
// Nothing changed: nothing is touched. Several `wrangler dev` at once (the e2e suite's V1 and V2 servers) each run
// this build; rewriting identical files would make the running ones reload their assets mid-request.
const unchanged =
  same(join(out, "manifest.json"), manifestText) &&
  same(join(publicDir, "_headers"), HEADERS) &&
  existsSync(join(publicDir, "assets")) &&
  readdirSync(join(publicDir, "assets")).length === files.length &&
  files.every(([file, contents]) => same(join(publicDir, file), contents));
if (!unchanged) {
  // Written only once everything built: a failed build leaves the previous assets in place.
  rmSync(publicDir, { recursive: true, force: true });
  mkdirSync(join(publicDir, "assets"), { recursive: true });
  for (const [file, contents] of files) writeFileSync(join(publicDir, file), contents);
  writeFileSync(join(publicDir, "_headers"), HEADERS);
  writeFileSync(join(out, "manifest.json"), manifestText);
}
if (!process.env.QUIET_ASSETS) {
  console.log(`assets: ${files.map(([f, c]) => `${f} (${(c.length / 1024).toFixed(1)} KiB)`).join(", ")}`);
}
