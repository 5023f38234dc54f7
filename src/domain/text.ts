// Rules for every piece of text pocketpay stores or hands to Iamport (user, product, price and order names,
// reasons). Pure: no I/O, no project imports; src/lib/text-schema.ts wraps them for request validation.

/**
 * Characters never accepted in stored text: C0 controls (NUL, BEL, backspace, ESC, newlines…), DEL, C1
 * controls, the line/paragraph separators, and the bidi embeddings, overrides and isolates that make text read
 * differently from how it is stored (U+202E turns "gpj.exe" into "exe.jpg"). Lone surrogates are refused too:
 * they are not text, and Iamport's window and D1 would each mangle them differently.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// Multi-line text (a product description, a refund reason) may also hold line feeds and tabs, nothing else.
const UNSAFE_CHAR_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The first character that may not be stored, described for an error message; undefined when the text is clean. */
export function unsafeCharacter(text: string, opts: { multiline?: boolean } = {}): string | undefined {
  if (LONE_SURROGATE.test(text)) return "a broken (unpaired surrogate) character";
  const m = (opts.multiline ? UNSAFE_CHAR_MULTILINE : UNSAFE_CHAR).exec(text);
  if (!m) return undefined;
  return `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

export const isSafeText = (text: string) => unsafeCharacter(text) === undefined;

/** Length as people count it: user-perceived characters (grapheme clusters), not UTF-16 code units. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of graphemes(text)) n++;
  return n;
}

/**
 * Cuts text to at most `maxUnits` UTF-16 code units (what Iamport's and most PGs' length limits count) without
 * splitting a grapheme: never half an emoji or a Hangul syllable from its combining marks. Appends `ellipsis`
 * when something was cut and it fits.
 */
export function cutText(text: string, maxUnits: number, ellipsis = ""): string {
  if (text.length <= maxUnits) return text;
  const budget = maxUnits - ellipsis.length;
  let out = "";
  for (const g of graphemes(text)) {
    if (out.length + g.length > budget) break;
    out += g;
  }
  return out.trimEnd() + (budget >= 0 ? ellipsis : "");
}

function* graphemes(text: string): Generator<string> {
  // Intl.Segmenter exists in workerd and Node; the code-point fallback still never splits a surrogate pair.
  if (typeof Intl.Segmenter === "function") {
    for (const s of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)) yield s.segment;
  } else {
    yield* Array.from(text);
  }
}
