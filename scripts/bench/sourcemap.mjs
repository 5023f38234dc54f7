// Just enough of Source Map v3 to say which original file a bundled line and column came from: the CPU profile's
// frames point into wrangler's bundle (index.js), and "where the time goes" is only useful per source file.

const B64 = Object.fromEntries([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/** Decodes one segment's base64 VLQ fields. */
function vlq(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64[ch];
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * Returns lookup(line0, column0) -> source path or null, for a parsed source map. Lines and columns are zero-based,
 * as in the DevTools protocol's call frames.
 */
export function sourceLookup(map) {
  const lines = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  map.mappings.split(";").forEach((line, i) => {
    const segs = [];
    let col = 0;
    for (const s of line.split(",")) {
      if (!s) continue;
      const f = vlq(s);
      col += f[0];
      if (f.length >= 4) {
        src += f[1];
        srcLine += f[2];
        srcCol += f[3];
        if (f.length >= 5) name += f[4];
        segs.push([col, src]);
      } else {
        segs.push([col, -1]);
      }
    }
    lines[i] = segs;
  });
  return (line, column) => {
    const segs = lines[line];
    if (!segs || segs.length === 0) return null;
    let lo = 0;
    let hi = segs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid][0] <= column) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const idx = found === -1 ? segs[0][1] : segs[found][1];
    return idx >= 0 ? map.sources[idx] : null;
  };
}
