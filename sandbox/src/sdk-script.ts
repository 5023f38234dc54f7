/**
 * The drop-in browser SDK served at /sandbox/iamport/v1/iamport.js (stands in for cdn.iamport.kr/v1/iamport.js).
 * Plain ES5-ish JavaScript so it runs anywhere without a build step.
 *
 * request_pay opens the sandbox payment window: a popup that posts the result back to this page (checked by
 * origin, source window and a per-call nonce), or, when m_redirect_url is set, a full-page navigation that ends at
 * m_redirect_url?imp_uid=..&merchant_uid=..&imp_success=..[&error_code=..&error_msg=..].
 */
export function sdkScript(basePath: string): string {
  return `/* pocketpay Iamport sandbox SDK: IMP.init / IMP.request_pay */
(function () {
  "use strict";
  var BASE_PATH = ${JSON.stringify(basePath)};
  var MSG_TYPE = "pocketpay-sandbox-iamport:result";
  var script = document.currentScript;
  var sandboxOrigin;
  try {
    sandboxOrigin = new URL(script && script.src ? script.src : location.href, location.href).origin;
  } catch (e) {
    sandboxOrigin = location.origin;
  }
  var base = sandboxOrigin + BASE_PATH;
  var impCode = null;

  function failure(merchantUid, code, msg) {
    return { success: false, imp_success: false, imp_uid: null, merchant_uid: merchantUid,
      error_code: code, error_msg: msg, paid_amount: null, status: null };
  }

  function nonce() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function safeCall(cb, payload) {
    if (payload && payload.imp_success === undefined) payload.imp_success = payload.success;
    try { cb(payload); } catch (e) { setTimeout(function () { throw e; }); }
  }

  function request_pay(params, callback) {
    params = params || {};
    var cb = typeof callback === "function" ? callback : function () {};
    var merchantUid = params.merchant_uid != null ? String(params.merchant_uid) : null;
    if (!impCode) {
      setTimeout(function () {
        safeCall(cb, failure(merchantUid, "F0003", "IMP.init()으로 가맹점 식별코드를 먼저 설정하세요."));
      });
      return;
    }
    var n = nonce();
    var redirect = typeof params.m_redirect_url === "string" && params.m_redirect_url !== "";
    var query = new URLSearchParams({
      p: JSON.stringify(params), imp: impCode, mode: redirect ? "redirect" : "popup",
      origin: location.origin, nonce: n
    });
    var url = base + "/window?" + query.toString();
    if (redirect) { location.assign(url); return; }

    var popup = window.open(url, "pocketpay_sandbox_iamport_" + n, "popup=yes,width=420,height=700");
    if (!popup) {
      setTimeout(function () {
        safeCall(cb, failure(merchantUid, "F0006", "결제창 팝업이 차단되었습니다. 팝업을 허용해주세요."));
      });
      return;
    }
    var done = false;
    var timer;
    function finish(payload) {
      if (done) return;
      done = true;
      window.removeEventListener("message", onMessage);
      clearInterval(timer);
      safeCall(cb, payload);
    }
    function onMessage(ev) {
      if (ev.origin !== sandboxOrigin || ev.source !== popup) return;
      var d = ev.data;
      if (!d || d.type !== MSG_TYPE || d.nonce !== n || !d.payload) return;
      finish(d.payload);
    }
    window.addEventListener("message", onMessage);
    // The buyer may close the popup with the browser's own button: that is the same as "창 닫기".
    timer = setInterval(function () {
      if (!popup.closed) return;
      clearInterval(timer);
      // A result posted just before the window closed may still be in flight.
      setTimeout(function () {
        finish(failure(merchantUid, "F0005", "사용자가 결제를 취소하셨습니다"));
      }, 400);
    }, 300);
  }

  window.IMP = {
    init: function (code) { impCode = String(code); },
    agency: function (code) { impCode = String(code); },
    request_pay: request_pay
  };
})();
`;
}
