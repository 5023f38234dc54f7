import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/domain/errors";
import { EVENT_SOURCES, PAYMENT_STATUSES } from "../../src/domain/payment-state";
import { decide, mismatchReason, type GatewayFacts } from "../../src/domain/verification";
import { CATALOGUES, clientMessages, i18nFor, LOCALES } from "../../src/i18n";
import { formatAmount, formatDateTime } from "../../src/i18n/format";
import { interpolate } from "../../src/i18n/interpolate";
import { FIELD_ISSUE_CODES } from "../../src/lib/field-issues";
import { useI18n, withPageScope } from "../../src/views/i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the message catalogues", () => {
  it("have the same keys in every language, each with the same placeholders and a non-empty text", () => {
    const [first, ...others] = LOCALES;
    const keys = Object.keys(CATALOGUES[first]).sort();
    expect(keys.length).toBeGreaterThan(100);
    for (const locale of others) {
      const catalogue = CATALOGUES[locale];
      expect(Object.keys(catalogue).sort(), locale).toEqual(keys);
      for (const key of keys) {
        const text = catalogue[key as keyof typeof catalogue];
        expect(text.trim().length, `${locale} ${key}`).toBeGreaterThan(0);
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(CATALOGUES[first][key as keyof typeof catalogue]));
      }
    }
  });

  it("explain every API error code, every field issue code, every status and every event source", () => {
    for (const locale of LOCALES) {
      const { has } = i18nFor(locale);
      for (const code of ERROR_CODES) expect(has(`error.${code}`), `${locale} error.${code}`).toBe(true);
      for (const code of FIELD_ISSUE_CODES) expect(has(`field.${code}`), `${locale} field.${code}`).toBe(true);
      for (const s of PAYMENT_STATUSES) expect(has(`status.${s}`), `${locale} status.${s}`).toBe(true);
      for (const s of EVENT_SOURCES) expect(has(`source.${s}`), `${locale} source.${s}`).toBe(true);
    }
  });

  it("mark a missing key or an unfilled placeholder visibly instead of rendering a blank", () => {
    const { t } = i18nFor("ko");
    expect(t("no.such.key" as never)).toBe("⟦no.such.key⟧");
    expect(t("client.payAmount")).toBe("⟦{amount}⟧ 결제하기");
    expect(interpolate("{a} and {b}", { a: 1, b: "x" })).toBe("1 and x");
  });

  it("give the browser script only its own texts and those for the API's codes", () => {
    const sent = Object.keys(clientMessages("en"));
    expect(sent).toContain("client.payAmount");
    expect(sent).toContain("error.amount_exceeds_refundable");
    expect(sent).toContain("field.too_short");
    expect(sent.every((k) => /^(client|error|field)\./.test(k))).toBe(true);
  });
});

describe("amounts and times", () => {
  it("write won as 12,000원 in Korean and ₩12,000 in English", () => {
    expect(formatAmount("ko", 12_000)).toBe("12,000원");
    expect(formatAmount("en", 12_000)).toBe("₩12,000");
    expect(formatAmount("ko", 100)).toBe("100원");
    expect(formatAmount("en", 1_234_567)).toBe("₩1,234,567");
  });

  it("write instants in Korea Standard Time, the Korean way and the English way", () => {
    // 11:07 UTC is 20:07 in Seoul (UTC+9, no daylight saving).
    expect(formatDateTime("ko", "2026-11-26T11:07:05.000Z")).toBe("2026년 11월 26일 20:07");
    expect(formatDateTime("ko", "2026-11-26T11:07:05.000Z", { seconds: true })).toBe("2026년 11월 26일 20:07:05");
    expect(formatDateTime("en", "2026-11-26T11:07:05.000Z")).toBe("26 Nov 2026, 20:07 KST");
    // The day changes at Seoul's midnight, not UTC's.
    expect(formatDateTime("ko", "2026-12-31T15:30:00.000Z")).toBe("2027년 1월 1일 00:30");
    expect(formatDateTime("en", null)).toBe("—");
    expect(formatDateTime("en", "not a time")).toBe("—");
  });
});

describe("recorded reasons", () => {
  const describeIn = (locale: "ko" | "en", text: string) => i18nFor(locale).reason(text);
  const truth: GatewayFacts = {
    gatewayId: "imp_1",
    merchantUid: "pay_a",
    status: "paid",
    amount: 1_000,
    cancelledAmount: 0,
    currency: "KRW",
    payMethod: "card",
    failReason: null,
    paidAtMs: 1,
    cancelledAtMs: null,
    sandbox: false,
  };
  const order = { merchantUid: "pay_a", impUid: null, amount: 12_000, currency: "KRW", status: "ready" as const, cancelledAmount: 0, wasPaid: false };

  it("are shown in Korean when pocketpay wrote them, from the texts the domain and services really write", () => {
    const written = [
      mismatchReason(order, truth, true)!,
      mismatchReason(order, { ...truth, amount: 12_000, currency: "USD" }, true)!,
      mismatchReason(order, { ...truth, merchantUid: "pay_b" }, true)!,
      mismatchReason({ ...order, amount: 1_000 }, { ...truth, sandbox: true }, false)!,
      (decide({ ...order, status: "rejected" }, { ...truth, amount: 12_000 }, true) as { reason: string }).reason,
      (decide({ ...order, status: "cancelled" }, { ...truth, amount: 12_000 }, true) as { reason: string }).reason,
      (decide(order, { ...truth, status: "failed" }, true) as { reason: string }).reason,
      // The services' own (validate-payment, cancel-order, iamport-cancels, refund-payment):
      "verified with Iamport: 12000 KRW by card",
      "cancelled by the buyer before paying",
      "cancelled at Iamport",
      "cancelled amount now 2000",
      "rejected: amount mismatch: ordered 12000, paid 1000",
      "Iamport refused: 취소할 결제건이 존재하지 않습니다.",
      "Iamport has no record of this refund",
      "refund 2000 (c_1), cancelled at Iamport 500 (legacy:1:500:)",
    ];
    for (const text of written) {
      const ko = describeIn("ko", text);
      expect(ko, text).not.toBe(text);
      // No English word is left (ids, method codes and Iamport's own Korean are kept).
      expect(ko.replace(/pay_\w+|imp_\w+|legacy:[\w:]*|c_\d+|USD|KRW/g, ""), text).not.toMatch(/[A-Za-z]{3,}/);
      expect(ko, text).not.toContain("⟦");
    }
    expect(describeIn("ko", "amount mismatch: ordered 12000, paid 1000")).toBe("금액 불일치: 주문 12,000원, 결제 1,000원");
    expect(describeIn("en", "amount mismatch: ordered 12000, paid 1000")).toBe("amount mismatch: ordered ₩12,000, paid ₩1,000");
    expect(describeIn("ko", "verified with Iamport: 12000 KRW by card")).toBe("아임포트에서 확인: 12,000원, 카드");
  });

  it("are shown as given when someone else wrote them (a card company's message, an administrator's reason)", () => {
    for (const text of ["[3011] 카드 한도 초과", "One cup spilled", "refund 2000 because the buyer asked"]) {
      expect(describeIn("ko", text)).toBe(text);
      expect(describeIn("en", text)).toBe(text);
    }
  });
});

describe("a page's scope", () => {
  it("exists only while its page renders, and refuses an async component that could outlive it", () => {
    const scope = { i18n: i18nFor("en"), here: "/x" };
    expect(withPageScope(scope, () => useI18n().t("nav.shop"))).toBe("Shop");
    expect(() => useI18n()).toThrow(/render\(\)/);
    expect(() => withPageScope(scope, () => Promise.resolve("late"))).toThrow(/synchronously/);
    expect(() => withPageScope(scope, () => withPageScope(scope, () => 1))).toThrow(/inside another/);
    expect(() => useI18n()).toThrow(/render\(\)/);
  });
});
