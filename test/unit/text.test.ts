import { describe, expect, it } from "vitest";
import { cutText, graphemeLength, isSafeText, unsafeCharacter } from "../../src/domain/text";
import { safeText } from "../../src/lib/text-schema";

describe("stored text", () => {
  it.each([
    ["NUL", "a\u0000b", "U+0000"],
    ["BEL", "a\u0007b", "U+0007"],
    ["backspace", "a\bb", "U+0008"],
    ["ESC", "a\u001b[31mred", "U+001B"],
    ["DEL", "a\u007fb", "U+007F"],
    ["a C1 control", "a\u0085b", "U+0085"],
    ["right-to-left override", "invoice\u202Egpj.exe", "U+202E"],
    ["a bidi isolate", "a\u2067b", "U+2067"],
    ["a line separator", "a\u2028b", "U+2028"],
    ["a newline", "two\nlines", "U+000A"],
  ])("refuses %s", (_what, text, found) => {
    expect(unsafeCharacter(text)).toBe(found);
    expect(isSafeText(text)).toBe(false);
  });

  it("refuses a lone surrogate, but not an emoji", () => {
    expect(unsafeCharacter("a\ud83d")).toMatch(/surrogate/);
    expect(unsafeCharacter("\udc00b")).toMatch(/surrogate/);
    expect(unsafeCharacter("선물 🎁")).toBeUndefined();
  });

  it("accepts Korean, accents and emoji, and newlines only in multi-line text", () => {
    expect(isSafeText("아메리카노 2잔 — café")).toBe(true);
    expect(unsafeCharacter("line one\n\tline two", { multiline: true })).toBeUndefined();
    expect(unsafeCharacter("a\u0000b", { multiline: true })).toBe("U+0000");
  });

  it("counts characters as people do", () => {
    expect(graphemeLength("가나다")).toBe(3);
    expect(graphemeLength("👩‍👩‍👧")).toBe(1);
    expect(graphemeLength("e\u0301")).toBe(1);
  });

  it("cuts at grapheme boundaries, never inside an emoji", () => {
    const name = "김철수🎁🎁🎁🎁🎁🎁🎁"; // 3 + 7 × 2 code units
    const cut = cutText(name, 16);
    expect(cut).toBe("김철수🎁🎁🎁🎁🎁🎁");
    expect(cut.length).toBeLessThanOrEqual(16);
    expect(unsafeCharacter(cut)).toBeUndefined();
    expect(cutText("👩‍👩‍👧abc", 4)).toBe("");
    expect(cutText("Americano and friends", 12, "…")).toBe("Americano a…");
    expect(cutText("Americano and friends", 11, "…")).toBe("Americano…");
    expect(cutText("short", 16)).toBe("short");
  });
});

describe("safeText()", () => {
  const schema = safeText({ max: 5 });
  it("trims, then checks length in characters", () => {
    expect(schema.parse("  가나다라마  ")).toBe("가나다라마");
    expect(schema.safeParse("가나다라마바").success).toBe(false);
    expect(schema.safeParse("   ").error?.issues[0]?.message).toBe("is required");
  });
  it("names the character it refuses", () => {
    expect(schema.safeParse("a\u202Eb").error?.issues[0]?.message).toMatch(/U\+202E/);
  });
});
