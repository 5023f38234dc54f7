/**
 * Reads a form-urlencoded body the way Iamport (a PHP/Rails-style server) does: bracketed keys nest, so
 * `schedules[0][merchant_uid]=a` is `{schedules: [{merchant_uid: "a"}]}` and `merchant_uid[]=a&merchant_uid[]=b`
 * is `{merchant_uid: ["a", "b"]}`. Plain keys stay plain.
 */
export function formToObject(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  for (const [key, value] of params) {
    const path = splitKey(key);
    if (!path) {
      root[key] = value;
      continue;
    }
    let node: Record<string, unknown> = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const name = segment === "" ? String(Object.keys(node).length) : segment;
      if (last) {
        node[name] = value;
        return;
      }
      const child = node[name];
      if (child === null || typeof child !== "object") node[name] = Object.create(null);
      node = node[name] as Record<string, unknown>;
    });
  }
  return arraysFromIndexes(root) as Record<string, unknown>;
}

const UNSAFE = new Set(["__proto__", "prototype", "constructor"]);
// Deep enough for `schedules[0][extra][naverUseCfm]`; anything deeper is taken as a plain key.
const MAX_DEPTH = 4;

/** `a[0][b]` → ["a", "0", "b"]; null for a plain key or one that is not well-formed. */
function splitKey(key: string): string[] | null {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const rest = [...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? "");
  const path = [m[1], ...rest];
  if (path.length > MAX_DEPTH + 1 || path.some((p) => UNSAFE.has(p))) return null;
  return path;
}

/** Objects whose keys are exactly 0..n-1 become arrays (index order), recursively. */
function arraysFromIndexes(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = arraysFromIndexes(obj[k]);
  const isList = keys.length > 0 && keys.every((k) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < keys.length);
  return isList ? keys.sort((a, b) => Number(a) - Number(b)).map((k) => obj[k]) : { ...obj };
}
