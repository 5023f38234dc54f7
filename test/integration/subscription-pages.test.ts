import { describe, expect, it } from "vitest";
import { renewSubscription } from "../../src/services/renew-subscription";
import { cancelByCustomer } from "../../src/services/manage-subscription";
import { startSubscription } from "../../src/services/subscribe";
import { adminUser, call } from "../helpers/http";
import { DAY, monthlyPlan, ORIGIN, runDue, setDeclining, subscribed, subscriptionDeps, testClock, userRow } from "../helpers/subscriptions";

const page = (path: string, token: string, lang: string) =>
  call("GET", path, { headers: { accept: "text/html", "accept-language": lang }, cookie: `pp_session=${token}` });

// Every subscription page, in each state the portal words differently, in Korean and English: no missing message,
// no unfilled placeholder (the same checks as test/integration/i18n.test.ts makes for the other pages). Run once
// per gateway (V2_SUITES): the pages hand the browser the configured gateway's SDK.
describe("subscription pages", () => {
  it("render in both languages, in every state", async () => {
    const clock = testClock(Date.now());
    const { deps } = subscriptionDeps(clock);
    const buyer = await userRow();
    const admin = await adminUser();
    const plans = await Promise.all([monthlyPlan(19_000), monthlyPlan(35_000, 14), monthlyPlan(9_900), monthlyPlan(4_900), monthlyPlan(1_000)]);
    const active = await subscribed(deps, { priceId: plans[0].priceId, user: buyer });
    await renewSubscription(deps, active.id);
    const trialing = await subscribed(deps, { priceId: plans[1].priceId, user: buyer });
    await cancelByCustomer(deps, buyer, trialing.id);
    const incomplete = await startSubscription(deps, buyer, plans[2].priceId, ORIGIN);
    const pastDue = await subscribed(deps, { priceId: plans[3].priceId, user: buyer });
    await renewSubscription(deps, pastDue.id);
    await setDeclining(deps, pastDue.billingKey, true);
    await runDue(deps, clock, pastDue.id);
    const canceled = await subscribed(deps, { priceId: plans[4].priceId, user: buyer });
    await cancelByCustomer(deps, buyer, canceled.id);
    clock.advance(DAY);

    const pages: [string, string, number][] = [
      ["/subscriptions", buyer.token, 200],
      ...[active.id, trialing.id, incomplete.id, pastDue.id, canceled.id].map((id) => [`/subscriptions/${id}`, buyer.token, 200] as [string, string, number]),
      [`/subscriptions/${active.id}?card=registered`, buyer.token, 200],
      [`/subscriptions/${active.id}?card=failed&code=card_not_registered&message=${encodeURIComponent("사용자가 취소")}`, buyer.token, 200],
      [`/subscriptions/sub_${"0".repeat(32)}`, buyer.token, 404],
      [`/subscriptions/${active.id}`, admin.token, 302],
      ["/admin/subscriptions", admin.token, 200],
      ["/admin/subscriptions?status=past_due", admin.token, 200],
      [`/admin/subscriptions/${pastDue.id}`, admin.token, 200],
      [`/admin/subscriptions/${active.id}`, admin.token, 200],
      ["/admin/subscriptions", buyer.token, 403],
    ];
    for (const lang of ["ko-KR", "en-US"]) {
      for (const [path, token, status] of pages) {
        const res = await page(path, token, lang);
        expect(res.status, `${lang} ${path}`).toBe(status);
        if (status === 302) continue;
        const html = await res.text();
        expect(html, `${lang} ${path}`).toContain(`<html lang="${lang.slice(0, 2)}">`);
        expect(html, `${lang} ${path}`).not.toContain("⟦");
        const visible = html.replace(/<script type="application\/json" id="pp-messages">.*?<\/script>/s, "");
        expect(visible, `${lang} ${path}`).not.toMatch(/\{[a-zA-Z]+\}/);
      }
    }
    const ko = await (await page(`/subscriptions/${pastDue.id}`, buyer.token, "ko")).text();
    expect(ko).toContain("정기결제가 실패했습니다.");
    expect(ko).toContain("매월 4,900원");
    const en = await (await page(`/subscriptions/${active.id}`, buyer.token, "en")).text();
    expect(en).toContain("Monthly, ₩19,000");
    expect(en).toMatch(/Next charge<\/dt><dd data-next-charge="true">\d+ \w+ \d{4}, \d\d:\d\d KST · ₩19,000/);
  });
});
