// Runs in Node, inside vitest's own process: the tests in workerd reach it through the OPENAPI_TOOLS service
// binding (vitest.config.ts) with the document the Worker serves, so what is linted and compiled is exactly what
// a client downloads. Nothing here reaches the network: the document has no external $refs (a lint rule holds
// it), the lint config is built in memory, and the typed client is compiled from files written here.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import openapiTS, { astToString } from "openapi-typescript";

const run = promisify(execFile);
// vitest runs from the repository root.
const ROOT = process.cwd();

/**
 * Redocly's strictest built-in ruleset (every warning an error), less three rules that do not fit this API:
 * /healthz, /docs and /openapi.json answer no client error; the mobile return's answer is a redirect (303), not a
 * 2xx; pocketpay is not published under a license.
 */
const LINT_RULES = {
  extends: ["recommended-strict"],
  rules: { "operation-4xx-response": "off", "operation-2xx-response": "off", "info-license": "off" },
};

async function lint(source: string) {
  const config = await createConfig(LINT_RULES as never);
  const problems = await lintFromString({ source, absoluteRef: join(ROOT, ".build/openapi.json"), config });
  return problems.map((p) => ({
    severity: p.severity,
    rule: p.ruleId,
    message: p.message,
    at: p.location?.[0]?.pointer ?? "",
  }));
}

/** The README's typed-client example: the ```ts block after the `typed-client-example` marker. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("<!-- typed-client-example");
  const block = start < 0 ? null : readme.slice(start).match(/```ts\n([\s\S]*?)```/);
  if (!block) throw new Error("README.md has no ```ts block after its <!-- typed-client-example … --> marker");
  return block[1]!;
}

/**
 * Generates the client types from the document as the README says (openapi-typescript), then compiles the README's
 * example against them with tsc. `extra` is appended to the program (a test adds calls that must not compile).
 */
async function compileClient(document: string, extra: string) {
  const dir = join(ROOT, ".build/openapi-client", extra ? "broken" : "example");
  await mkdir(dir, { recursive: true });
  const types = astToString(await openapiTS(JSON.parse(document)));
  await writeFile(join(dir, "pocketpay.d.ts"), types);
  await writeFile(join(dir, "example.ts"), (await readmeExample()) + extra);
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["es2022", "dom"],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      files: ["example.ts"],
    }),
  );
  try {
    await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: ROOT });
    return { compiled: true, output: "" };
  } catch (e) {
    const { stdout = "", stderr = "" } = e as { stdout?: string; stderr?: string };
    return { compiled: false, output: `${stdout}${stderr}` };
  }
}

export async function openapiTools(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const document = await request.text();
  try {
    if (url.pathname === "/lint") return Response.json({ problems: await lint(document) });
    if (url.pathname === "/client") return Response.json(await compileClient(document, url.searchParams.get("append") ?? ""));
    return new Response("unknown tool", { status: 404 });
  } catch (e) {
    return new Response(e instanceof Error ? (e.stack ?? e.message) : String(e), { status: 500 });
  }
}
