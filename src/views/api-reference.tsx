/** @jsxImportSource hono/jsx */
import type { OpenApiDocument } from "../openapi/document";
import { LOCAL_ONLY_KEY } from "../openapi/describe";

// The API reference at /docs, rendered on the server from the OpenAPI document itself: no script, nothing from
// another origin, so it works offline under `npm run dev` and within the pages' CSP.

type Json = Record<string, any>;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const REF = "#/components/schemas/";

// Descriptions use Markdown's `code` spans and blank-line paragraphs; nothing else is interpreted.
const inline = (text: string) => text.split("`").map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part));

function Text(p: { text: string | undefined }) {
  if (!p.text) return null;
  return (
    <>
      {p.text.split("\n\n").map((para) => (
        <p>{inline(para)}</p>
      ))}
    </>
  );
}

const refName = (s: Json | undefined) => (typeof s?.$ref === "string" && s.$ref.startsWith(REF) ? s.$ref.slice(REF.length) : null);

/** One line saying what a schema accepts: type, nullability, enum, format and limits. */
function typeOf(s: Json | undefined): string {
  if (!s) return "any";
  const ref = refName(s);
  if (ref) return ref;
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf).map((x: Json) => typeOf(x)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : ["any"];
  return types.map((t) => (t === "array" ? `array of ${typeOf(s.items)}` : t)).join(" | ");
}

function limits(s: Json): string {
  const out: string[] = [];
  if (s.format) out.push(s.format);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined) out.push(`length ≥ ${s.minLength}`);
  if (s.maxLength !== undefined) out.push(`length ≤ ${s.maxLength}`);
  if (s.minItems !== undefined) out.push(`≥ ${s.minItems} items`);
  if (s.maxItems !== undefined) out.push(`≤ ${s.maxItems} items`);
  if (s.pattern) out.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out.join(", ");
}

interface Row {
  name: string;
  type: string;
  /** The component the field is, linked to its own table. */
  ref: string | null;
  required: boolean;
  note: string;
}

/** The fields of an object schema, nested ones as a.b (components by name, not expanded). */
function rows(s: Json | undefined, prefix = ""): Row[] {
  if (!s || refName(s)) return [];
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return variants.flatMap((v: Json, i: number) => rows(v, prefix ? prefix : `(${i + 1}) `));
  if (s.type !== "object" && !s.properties) return [];
  const required = new Set<string>(s.required ?? []);
  return Object.entries((s.properties ?? {}) as Record<string, Json>).flatMap(([name, p]) => {
    const inner = p.anyOf?.find((x: Json) => x.type !== "null") ?? p;
    const row = { name: prefix + name, type: typeOf(p), ref: refName(p) ?? refName(p.items), required: required.has(name), note: [inner.description ?? p.description, limits(inner)].filter(Boolean).join(" · ") };
    const nested = inner.type === "object" && inner.properties ? rows(inner, `${prefix}${name}.`) : inner.type === "array" && inner.items?.properties ? rows(inner.items, `${prefix}${name}[].`) : [];
    return [row, ...nested];
  });
}

function Fields(p: { schema: Json | undefined }) {
  const ref = refName(p.schema);
  if (ref) {
    return (
      <p>
        <a href={`#schema-${ref}`}>{ref}</a>
      </p>
    );
  }
  const list = rows(p.schema);
  if (list.length === 0) return <p class="muted">{typeOf(p.schema)}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        {list.map((r) => (
          <tr>
            <td>
              <code>{r.name}</code>
              {r.required ? <span class="req"> required</span> : null}
            </td>
            <td>{r.ref ? <a href={`#schema-${r.ref}`}>{r.type}</a> : r.type}</td>
            <td>{inline(r.note)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The codes an error response lists (its schema narrows Error's code to an enum). */
const errorCodes = (schema: Json | undefined): string[] | null =>
  schema?.allOf?.[1]?.properties?.error?.properties?.code?.enum ?? null;

function Operation(p: { method: string; path: string; op: Json; doc: OpenApiDocument }) {
  const { op } = p;
  const secured = (op.security ?? []).length > 0;
  const params = (op.parameters ?? []).map((x: Json) => (x.$ref ? (p.doc.components?.parameters as Json)?.[x.$ref.split("/").pop()] : x));
  const body = op.requestBody?.content as Record<string, Json> | undefined;
  return (
    <section class="op" id={op.operationId}>
      <h3>
        <span class={`method ${p.method}`}>{p.method.toUpperCase()}</span> <code>{p.path}</code>
      </h3>
      <p class="summary">{op.summary}</p>
      <Text text={op.description} />
      <p class="muted">
        {secured ? "Needs a session: the pp_session cookie or Authorization: Bearer <token>." : "No session needed."}
        {op[LOCAL_ONLY_KEY] ? " Outside production only." : ""}
      </p>
      {params.length > 0 ? (
        <>
          <h4>Parameters</h4>
          <table class="params">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">In</th>
                <th scope="col">Type</th>
                <th scope="col">Notes</th>
              </tr>
            </thead>
            <tbody>
              {params.map((x: Json) => (
                <tr>
                  <td>
                    <code>{x.name}</code>
                    {x.required ? <span class="req"> required</span> : null}
                  </td>
                  <td>{x.in}</td>
                  <td>{typeOf(x.schema)}</td>
                  <td>{inline([x.description ?? x.schema?.description, limits(x.schema ?? {})].filter(Boolean).join(" · "))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {body ? (
        <>
          <h4>Request body ({Object.keys(body).join(" or ")})</h4>
          <Fields schema={Object.values(body)[0]?.schema} />
        </>
      ) : null}
      <h4>Responses</h4>
      <dl class="responses">
        {Object.entries(op.responses as Record<string, Json>).map(([status, r]) => {
          const schema = r.content?.["application/json"]?.schema;
          const codes = errorCodes(schema);
          return (
            <>
              <dt class={Number(status) < 400 ? "ok" : "err"}>{status}</dt>
              <dd>
                {codes ? (
                  <p>
                    {r.description.split(":")[0]}: {codes.map((code, i) => <>{i > 0 ? ", " : ""}<code>{code}</code></>)}
                    {r.headers?.["Retry-After"] ? " (with Retry-After)" : null}
                  </p>
                ) : (
                  <>
                    <p>{inline(r.description)}</p>
                    {r.headers
                      ? Object.entries(r.headers as Record<string, Json>).map(([name, h]) => (
                          <p class="muted">
                            <code>{name}</code>: {inline(h.description)}
                          </p>
                        ))
                      : null}
                    {schema ? <Fields schema={schema} /> : null}
                  </>
                )}
              </dd>
            </>
          );
        })}
      </dl>
    </section>
  );
}

export function ApiReferencePage(p: { doc: OpenApiDocument; cssUrl: string }) {
  const doc = p.doc;
  const ops: Array<{ tag: string; method: string; path: string; op: Json }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Json)?.[method];
      if (op) ops.push({ tag: op.tags?.[0] ?? "Other", method, path, op });
    }
  }
  const tags = (doc.tags ?? []).filter((t) => ops.some((o) => o.tag === t.name));
  const webhooks = Object.entries((doc.webhooks ?? {}) as Record<string, Json>);
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, Json>).sort(([a], [b]) => a.localeCompare(b));
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${doc.info.title} API reference`}</title>
        <link rel="stylesheet" href={p.cssUrl} />
      </head>
      <body>
        <nav class="toc" aria-label="Operations">
          <a class="brand" href="/">
            pocket<span>pay</span>
          </a>
          {tags.map((t) => (
            <>
              <h2>{t.name}</h2>
              <ul>
                {ops
                  .filter((o) => o.tag === t.name)
                  .map((o) => (
                    <li>
                      <a href={`#${o.op.operationId}`}>{o.op.summary}</a>
                    </li>
                  ))}
              </ul>
            </>
          ))}
          {webhooks.length > 0 ? (
            <>
              <h2>Webhooks received</h2>
              <ul>
                {webhooks.map(([name, item]) => (
                  <li>
                    <a href={`#webhook-${name}`}>{item.post?.summary ?? name}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h2>
            <a href="#schemas">Schemas</a>
          </h2>
        </nav>
        <main>
          <h1>{doc.info.title} API reference</h1>
          <Text text={doc.info.description} />
          <p>
            The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI {doc.openapi}); generate a
            typed client from it, e.g. <code>npx openapi-typescript http://localhost:8787/openapi.json -o pocketpay.d.ts</code>.
          </p>
          {tags.map((t) => (
            <section>
              <h2>{t.name}</h2>
              {t.description ? <p class="muted">{inline(t.description)}</p> : null}
              {ops
                .filter((o) => o.tag === t.name)
                .map((o) => (
                  <Operation method={o.method} path={o.path} op={o.op} doc={doc} />
                ))}
            </section>
          ))}
          {webhooks.length > 0 ? (
            <section>
              <h2>Webhooks received</h2>
              <p class="muted">What other services send pocketpay (OpenAPI 3.1 webhooks).</p>
              {webhooks.map(([name, item]) => (
                <div id={`webhook-${name}`}>
                  <Operation method="post" path={name} op={item.post} doc={doc} />
                </div>
              ))}
            </section>
          ) : null}
          <section id="schemas">
            <h2>Schemas</h2>
            {schemas.map(([name, schema]) => (
              <section class="schema" id={`schema-${name}`}>
                <h3>{name}</h3>
                <Text text={schema.description} />
                <Fields schema={schema} />
              </section>
            ))}
          </section>
        </main>
      </body>
    </html>
  );
}

export const API_REFERENCE_CSS = String.raw`
*{box-sizing:border-box}
body{margin:0;display:grid;grid-template-columns:260px minmax(0,1fr);font:15px/1.5 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic",sans-serif;background:#f5f6f8;color:#111827}
a{color:#1d4ed8}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.toc{position:sticky;top:0;height:100vh;overflow:auto;background:#fff;border-right:1px solid #e5e7eb;padding:16px}
.toc h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#4b5563;margin:18px 0 6px}
.toc ul{list-style:none;margin:0;padding:0}
.toc li a{display:block;padding:3px 0;text-decoration:none}
.brand{font-weight:800;font-size:19px;color:#111827;text-decoration:none}
.brand span{color:#2563eb}
main{padding:24px 32px 64px;max-width:1000px}
h1{font-size:26px;margin:0 0 12px}
main>section>h2{font-size:21px;margin:36px 0 8px;border-bottom:1px solid #d1d5db;padding-bottom:4px}
.op,.schema{background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:16px 20px;margin:16px 0}
.op h3,.schema h3{margin:0 0 4px;font-size:17px;overflow-wrap:anywhere}
.op h4{margin:14px 0 6px;font-size:14px}
.summary{font-weight:600;margin:0 0 6px}
.method{display:inline-block;min-width:58px;text-align:center;border-radius:6px;padding:1px 6px;font-size:13px;color:#fff;background:#374151}
.method.get{background:#1d4ed8}.method.post{background:#047857}.method.delete{background:#b91c1c}.method.patch,.method.put{background:#92400e}
.muted{color:#4b5563;font-size:14px}
.req{color:#b91c1c;font-size:12px}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;border-radius:4px;padding:0 3px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:4px 0}
th,td{text-align:left;vertical-align:top;border-top:1px solid #e5e7eb;padding:5px 8px 5px 0;overflow-wrap:anywhere}
th{font-weight:600;color:#374151}
td:first-child,.params td:nth-child(2),.params td:nth-child(3){white-space:nowrap}
.responses{display:grid;grid-template-columns:56px minmax(0,1fr);gap:4px 12px;margin:0}
.responses dt{font-weight:700}
.responses dt.ok{color:#047857}.responses dt.err{color:#b91c1c}
.responses dd{margin:0}
.responses dd p{margin:0 0 4px}
@media (max-width:800px){body{display:block}.toc{position:static;height:auto;border-right:0;border-bottom:1px solid #e5e7eb}main{padding:16px}}
`;
