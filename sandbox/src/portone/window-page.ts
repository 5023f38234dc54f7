import { html, raw } from "hono/html";
import { formatAmount, scriptJson, STYLE } from "../window-page";

// The V2 payment and billing-key window, built from the V1 window's pieces (its stylesheet, amount format and safe
// JSON embedding), Korean like PortOne's. Every button goes through __window/act; the result is delivered to the
// opener (postMessage to its origin, with the SDK call's nonce) or, in redirection mode, to redirectUrl's query.

export interface V2WindowView {
  cspNonce: string;
  kind: "payment" | "billing";
  paymentId: string | null;
  orderName: string | null;
  amount: number | null;
  currency: string;
  /** Set when a pre-check failed: the page reports it at once and shows no buttons. */
  failure: { code?: string; message?: string } & Record<string, unknown> | null;
  config: { kind: "payment" | "billing"; mode: "popup" | "redirect"; origin: string; nonce: string; redirect: string | null; p: string };
}

const SCRIPT = `
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("sbx-config").textContent);
  var status = document.getElementById("status");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-action]"));
  var cardNumber = document.getElementById("card_number");
  var expiry = document.getElementById("expiry");
  var inputs = [cardNumber, expiry].filter(Boolean);

  function say(text, isError) { status.textContent = text; status.className = isError ? "error" : ""; }

  function deliver(payload) {
    if (cfg.mode === "redirect") {
      var target;
      try { target = new URL(cfg.redirect, location.href); } catch (e) { target = null; }
      if (!target || (target.protocol !== "http:" && target.protocol !== "https:")) {
        say("redirectUrl이 올바르지 않습니다: " + cfg.redirect, true);
        return;
      }
      ["transactionType", "paymentId", "txId", "billingKey", "code", "message", "pgCode", "pgMessage"].forEach(function (k) {
        if (payload[k] !== undefined && payload[k] !== null) target.searchParams.set(k, String(payload[k]));
      });
      location.replace(target.toString());
      return;
    }
    if (window.opener && !window.opener.closed) {
      window.opener.postMessage({ type: "pocketpay-sandbox-portone:result", nonce: cfg.nonce, payload: payload }, cfg.origin);
      setTimeout(function () { window.close(); }, 50);
      var done = cfg.kind === "billing" ? "카드가 등록되었습니다. 창을 닫아주세요." : "결제가 완료되었습니다. 창을 닫아주세요.";
      say(payload.code === undefined ? done : (payload.message || "결제에 실패하였습니다."), payload.code !== undefined);
    } else {
      say("결제창을 연 페이지를 찾을 수 없습니다. 결과: " + (payload.code === undefined ? "완료" : payload.message), true);
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
      body: JSON.stringify({ kind: cfg.kind, p: cfg.p, action: action, mode: cfg.mode,
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

export function renderV2Window(v: V2WindowView) {
  const config = { ...v.config, failure: v.failure };
  const billing = v.kind === "billing";
  return html`<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${billing ? "카드 등록" : "결제"} - PortOne 샌드박스</title>
<style nonce="${v.cspNonce}">${raw(STYLE)}</style>
</head>
<body>
<main>
  <span class="badge">PortOne V2 샌드박스 · 실제 결제가 아닙니다</span>
  <h1>${v.failure ? "결제를 진행할 수 없습니다" : billing ? "정기결제 카드 등록" : "결제하기"}</h1>
  <dl>
    ${billing ? "" : html`<dt>주문명</dt><dd>${v.orderName ?? "-"}</dd>
    <dt>결제금액</dt><dd class="amount">${v.amount === null ? "-" : formatAmount(v.amount, v.currency)}</dd>
    <dt>결제 ID</dt><dd>${v.paymentId ?? "-"}</dd>`}
    <dt>결제수단</dt><dd>${billing ? "신용카드 (빌링키 발급)" : "신용카드"}</dd>
  </dl>
  ${
    v.failure
      ? html`<p class="error" role="alert">${v.failure.message ?? "요청이 올바르지 않습니다."} (${v.failure.code ?? ""})</p>`
      : billing
        ? html`<div class="hint"><p>지금은 결제되지 않습니다. 카드만 등록합니다. 테스트 카드:</p>
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
  </div>`
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
