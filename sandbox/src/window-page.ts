import { html, raw } from "hono/html";
import type { CallbackPayload } from "./payment";

export interface WindowView {
  cspNonce: string;
  impCode: string;
  merchantUid: string | null;
  name: string | null;
  amount: number | null;
  currency: string;
  buyerEmail: string | null;
  /**
   * A virtual account asks for a bank and issues an account instead of approving a charge; `billing` (request_pay
   * with customer_uid) takes a card and registers it as a billing key, approving nothing.
   */
  payMethod: "card" | "vbank" | "billing";
  banks: ReadonlyArray<{ code: string; name: string }>;
  /** Set when a pre-check failed: the page reports it at once and shows no buttons. */
  failure: CallbackPayload | null;
  config: {
    mode: "popup" | "redirect";
    origin: string;
    nonce: string;
    redirect: string | null;
    p: string;
    imp: string;
  };
}

/** The window is Korean, like Iamport's: won as 12,000원. */
export function formatAmount(amount: number, currency: string): string {
  if (currency === "KRW") return Math.round(amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "원";
  const [int = "0", frac = "00"] = amount.toFixed(2).split(".");
  return `${currency} ${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}

/** JSON that is safe inside a <script> element: no "</script>", no HTML comment openers. */
export const scriptJson = (v: unknown): string =>
  JSON.stringify(v).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Apple SD Gothic Neo","Malgun Gothic",sans-serif;background:#f3f4f6;color:#111827}
main{max-width:420px;margin:0 auto;padding:20px 16px}
.badge{display:inline-block;font-size:12px;font-weight:600;color:#92400e;background:#fef3c7;border-radius:999px;padding:2px 10px}
h1{font-size:20px;margin:12px 0 16px}
dl{background:#fff;border-radius:12px;padding:16px;margin:0 0 20px;display:grid;grid-template-columns:auto 1fr;gap:10px 12px}
dt{color:#6b7280;font-size:14px}
dd{margin:0;text-align:right;font-size:15px;word-break:break-all}
dd.amount{font-size:22px;font-weight:700}
.actions{display:grid;gap:10px}
.field{display:grid;gap:6px;margin:0 0 16px}
label{font-size:14px;color:#374151;font-weight:600}
select,input{font:inherit;font-size:16px;min-height:48px;border-radius:10px;border:1px solid #6b7280;background:#fff;padding:0 12px;width:100%}
select:focus-visible,input:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.hint{font-size:13px;color:#374151;background:#fff;border-radius:10px;padding:10px 12px;margin:0 0 16px}
.hint p{margin:0}
.hint ul{margin:4px 0 0;padding-left:18px}
button{font:inherit;font-size:16px;min-height:48px;border-radius:10px;border:1px solid transparent;cursor:pointer;width:100%}
button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
button[disabled]{opacity:.5;cursor:wait}
.approve{background:#2563eb;color:#fff}
.decline{background:#fff;color:#b91c1c;border-color:#fca5a5}
.close{background:#fff;color:#374151;border-color:#d1d5db}
#status{min-height:24px;margin-top:16px;font-size:14px}
.error{color:#b91c1c}
`;

// Runs in the window. Every action goes through the sandbox's own JSON endpoint, then the result is delivered:
// postMessage to the opener (restricted to its origin) or a redirect to m_redirect_url.
const SCRIPT = `
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("sbx-config").textContent);
  var status = document.getElementById("status");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-action]"));
  var bank = document.getElementById("bank");
  var cardNumber = document.getElementById("card_number");
  var expiry = document.getElementById("expiry");
  var inputs = [bank, cardNumber, expiry].filter(Boolean);

  function say(text, isError) { status.textContent = text; status.className = isError ? "error" : ""; }

  function deliver(payload) {
    if (cfg.mode === "redirect") {
      var target;
      try { target = new URL(cfg.redirect, location.href); } catch (e) { target = null; }
      if (!target || (target.protocol !== "http:" && target.protocol !== "https:")) {
        say("m_redirect_url이 올바르지 않습니다: " + cfg.redirect, true);
        return;
      }
      if (payload.imp_uid) target.searchParams.set("imp_uid", payload.imp_uid);
      target.searchParams.set("merchant_uid", payload.merchant_uid || "");
      target.searchParams.set("imp_success", payload.success ? "true" : "false");
      if (!payload.success) {
        target.searchParams.set("error_code", payload.error_code || "");
        target.searchParams.set("error_msg", payload.error_msg || "");
      }
      location.replace(target.toString());
      return;
    }
    if (window.opener && !window.opener.closed) {
      window.opener.postMessage({ type: "pocketpay-sandbox-iamport:result", nonce: cfg.nonce, payload: payload }, cfg.origin);
      setTimeout(function () { window.close(); }, 50);
      var done = payload.vbank_num ? "가상계좌가 발급되었습니다: " + payload.vbank_name + " " + payload.vbank_num
        : payload.pg_type === "billing" ? "카드가 등록되었습니다. 창을 닫아주세요." : "결제가 완료되었습니다. 창을 닫아주세요.";
      say(payload.success ? done : (payload.error_msg || "결제에 실패하였습니다."), !payload.success);
    } else {
      say("결제창을 연 페이지를 찾을 수 없습니다. 결과: " + (payload.success ? "결제 완료" : payload.error_msg), true);
    }
  }

  function act(action) {
    if (action === "register" && (!cardNumber.value.trim() || !expiry.value.trim())) {
      say("카드번호와 유효기간을 입력해주세요.", true);
      (cardNumber.value.trim() ? expiry : cardNumber).focus();
      return;
    }
    buttons.forEach(function (b) { b.disabled = true; });
    inputs.forEach(function (i) { i.disabled = true; });
    say("처리 중…", false);
    fetch("__window/act", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ p: cfg.p, imp: cfg.imp, action: action, mode: cfg.mode, bank: bank ? bank.value : undefined,
        card_number: cardNumber ? cardNumber.value.trim() : undefined, expiry: expiry ? expiry.value.trim() : undefined })
    }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    }).then(deliver).catch(function (e) {
      buttons.forEach(function (b) { b.disabled = false; });
      inputs.forEach(function (i) { i.disabled = false; });
      say("요청에 실패하였습니다. 다시 시도해주세요. (" + e.message + ")", true);
    });
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () { act(b.getAttribute("data-action")); });
  });
  if (cfg.failure) deliver(cfg.failure);
})();
`;

export function renderWindow(v: WindowView) {
  const config = { ...v.config, failure: v.failure };
  const amount = v.amount === null ? "-" : formatAmount(v.amount, v.currency);
  return html`<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${v.payMethod === "billing" ? "카드 등록" : "결제"} - Iamport 샌드박스</title>
<style nonce="${v.cspNonce}">${raw(STYLE)}</style>
</head>
<body>
<main>
  <span class="badge">Iamport 샌드박스 · 실제 결제가 아닙니다</span>
  <h1>${v.failure ? "결제를 진행할 수 없습니다" : v.payMethod === "billing" ? "정기결제 카드 등록" : "결제하기"}</h1>
  <dl>
    <dt>상품명</dt><dd>${v.name ?? "-"}</dd>
    <dt>${v.payMethod === "billing" ? "정기결제 금액" : "결제금액"}</dt><dd class="amount">${amount}</dd>
    <dt>주문번호</dt><dd>${v.merchantUid ?? "-"}</dd>
    <dt>결제수단</dt><dd>${v.payMethod === "vbank" ? "가상계좌" : v.payMethod === "billing" ? "신용카드 (빌링키 발급)" : "신용카드"}</dd>
    <dt>가맹점</dt><dd>${v.impCode}</dd>
    ${v.buyerEmail ? html`<dt>구매자</dt><dd>${v.buyerEmail}</dd>` : ""}
  </dl>
  ${
    v.failure
      ? html`<p class="error" role="alert">${v.failure.error_msg} (${v.failure.error_code})</p>`
      : v.payMethod === "vbank"
        ? vbankActions(v.banks)
        : v.payMethod === "billing"
          ? billingActions()
          : html`<div class="actions" role="group" aria-label="결제 선택">
    <button type="button" class="approve" data-action="approve" autofocus>결제 승인</button>
    <button type="button" class="decline" data-action="decline">카드 거절</button>
    <button type="button" class="close" data-action="close">창 닫기</button>
  </div>`
  }
  <p id="status" role="status" aria-live="polite"></p>
</main>
<script type="application/json" id="sbx-config">${raw(scriptJson(config))}</script>
<script nonce="${v.cspNonce}">${raw(SCRIPT)}</script>
</body>
</html>`;
}

/** The buyer picks the bank to deposit at; the account (number, deadline) comes back in the result. */
function vbankActions(banks: WindowView["banks"]) {
  return html`<div class="field">
    <label for="bank">입금 은행</label>
    <select id="bank" name="bank" autofocus>
      ${banks.map((b) => html`<option value="${b.code}">${b.name}</option>`)}
    </select>
  </div>
  <div class="actions" role="group" aria-label="가상계좌 선택">
    <button type="button" class="approve" data-action="approve">가상계좌 발급</button>
    <button type="button" class="close" data-action="close">창 닫기</button>
  </div>`;
}

/**
 * The billing-key window: the buyer types a card, which the card company checks and the PG stores as a key.
 * The amount above is what later charges will be; nothing is approved here.
 */
function billingActions() {
  return html`<div class="hint"><p>지금은 결제되지 않습니다. 카드만 등록합니다. 테스트 카드:</p>
    <ul>
      <li>끝자리 0002: 등록 거절</li>
      <li>끝자리 0051: 등록되지만 결제 시 항상 한도 초과</li>
      <li>그 밖의 15–16자리 번호: 정상</li>
    </ul></div>
  <div class="field">
    <label for="card_number">카드번호</label>
    <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="0000-0000-0000-0000" maxlength="30" autofocus>
  </div>
  <div class="field">
    <label for="expiry">유효기간 (YYYY-MM)</label>
    <input id="expiry" name="expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="2030-12" maxlength="10">
  </div>
  <div class="actions" role="group" aria-label="카드 등록 선택">
    <button type="button" class="approve" data-action="register">카드 등록</button>
    <button type="button" class="close" data-action="close">창 닫기</button>
  </div>`;
}
