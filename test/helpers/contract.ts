import { Validator, type Schema } from "@cfworker/json-schema";
import { exports } from "cloudflare:workers";
import type { OpenApiDocument } from "../../src/openapi/document";

// Holds every answer the tests receive to the OpenAPI document the Worker serves: a status the operation does not
// list, a body its schema does not allow (an unknown field, a wrong type, an error code it does not name) or a
// missing required header fails the test that received it. call() (helpers/http.ts) runs this on every response.

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  op: Json;
}

interface Contract {
  doc: OpenApiDocument;
  operations: Operation[];
  /** The document's schemas with $refs pointing into `$defs`, where the validator resolves them. */
  defs: Json;
  validators: Map<string, Validator>;
}

const contracts = new Map<string, Promise<Contract>>();

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const toPattern = (template: string) =>
  new RegExp(`^${template.split(/\{[^}]+\}/).map(escape).join("[^/]+")}$`);

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" ? v.replace("#/components/schemas/", "#/$defs/") : rewriteRefs(v),
    ]),
  );
}

export function contractOf(doc: OpenApiDocument): Contract {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Json)) operations.push({ method: method.toUpperCase(), template, pattern: toPattern(template), op });
  }
  // Literal paths before templated ones, so /api/payments/quote is not read as /api/payments/{merchant_uid}.
  operations.sort((a, b) => Number(a.template.includes("{")) - Number(b.template.includes("{")));
  return { doc, operations, defs: rewriteRefs(doc.components?.schemas ?? {}) as Json, validators: new Map() };
}

/** The document this Worker serves (fetched once per test file). */
export function servedContract(): Promise<Contract> {
  const key = "served";
  let contract = contracts.get(key);
  if (!contract) {
    contract = exports.default
      .fetch(new Request("http://localhost:8787/openapi.json"))
      .then(async (res) => {
        if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
        return contractOf((await res.json()) as OpenApiDocument);
      });
    contracts.set(key, contract);
  }
  return contract;
}

function validatorFor(contract: Contract, key: string, schema: Json): Validator {
  let v = contract.validators.get(key);
  if (!v) {
    v = new Validator({ ...(rewriteRefs(schema) as Json), $defs: contract.defs } as Schema, "2020-12", false);
    contract.validators.set(key, v);
  }
  return v;
}

export class ContractViolation extends Error {
  override name = "ContractViolation";
}

/**
 * Checks one answer against the document. A request no operation describes (a page, an asset, an unknown path)
 * may be answered only with something other than JSON, or with the JSON 404 not_found of an unknown route.
 */
export async function checkResponse(contract: Contract, method: string, url: string, res: Response): Promise<void> {
  const path = new URL(url).pathname;
  const where = `${method} ${path} → ${res.status}`;
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const text = await res.clone().text();
  const found = contract.operations.find((o) => o.method === method && o.pattern.test(path));
  if (!found) {
    if (type !== "application/json") return;
    const body = JSON.parse(text);
    if (res.status === 404 && body?.error?.code === "not_found") return;
    throw new ContractViolation(`${where}: no operation in the document answers this, yet it answered JSON: ${text.slice(0, 300)}`);
  }
  const response = found.op.responses?.[String(res.status)] ?? found.op.responses?.default;
  if (!response) {
    throw new ContractViolation(
      `${where}: ${found.op.operationId} documents only ${Object.keys(found.op.responses ?? {}).join(", ")}: ${text.slice(0, 300)}`,
    );
  }
  for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
    const h = header.$ref ? (contract.doc.components?.headers as Json)?.[header.$ref.split("/").pop()] : header;
    if (h?.required && !res.headers.has(name)) throw new ContractViolation(`${where}: the ${name} header is required`);
  }
  const content = response.content as Record<string, Json> | undefined;
  if (!content) {
    if (text.length > 0) throw new ContractViolation(`${where}: documented without a body, answered ${text.slice(0, 200)}`);
    return;
  }
  const media = content[type];
  if (!media) throw new ContractViolation(`${where}: answered ${type || "no content type"}, documented ${Object.keys(content).join(", ")}`);
  if (type !== "application/json") return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ContractViolation(`${where}: not JSON: ${text.slice(0, 200)}`);
  }
  const result = validatorFor(contract, `${found.op.operationId} ${res.status}`, media.schema).validate(body);
  if (!result.valid) {
    const errors = result.errors.map((e) => `${e.instanceLocation} ${e.error}`).slice(0, 8).join("\n  ");
    throw new ContractViolation(`${where}: the body does not match ${found.op.operationId}'s documented ${res.status}:\n  ${errors}\nbody: ${text.slice(0, 500)}`);
  }
}
