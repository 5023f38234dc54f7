/**
 * The drop-in browser SDK served at /sandbox/portone/v2/browser-sdk.js (stands in for cdn.portone.io/v2/browser-sdk.js).
 * Plain ES5-ish JavaScript, like the V1 sandbox's SDK (sdk-script.ts), so it runs anywhere without a build step.
 *
 * PortOne.requestPayment(request) and PortOne.requestIssueBillingKey(request) open the sandbox's V2 window and return
 * a promise of the SDK's response: {transactionType: "PAYMENT", paymentId, txId, code?, message?, pgCode?, pgMessage?}
 * or {transactionType: "ISSUE_BILLING_KEY", billingKey, code?, ...}; `code` is present only on failure. The window is
 * a popup that posts the result back (checked by origin, source window and a per-call nonce), or, in redirection
 * mode, a full-page navigation ending at redirectUrl with the same fields as query parameters.
 */
export function portoneSdkScript(basePath: string): string {
  return `/* pocketpay PortOne V2 sandbox SDK: PortOne.requestPayment / PortOne.requestIssueBillingKey */
(function () {
  "use strict";
  var BASE_PATH = ${JSON.stringify(basePath)};
  var MSG_TYPE = "pocketpay-sandbox-portone:result";
  var script = document.currentScript;
  var sandboxOrigin;
  try {
    sandboxOrigin = new URL(script && script.src ? script.src : location.href, location.href).origin;
  } catch (e) {
    sandboxOrigin = location.origin;
  }
  var base = sandboxOrigin + BASE_PATH;

  function nonce() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function failure(kind, request, code, message) {
    var r = kind === "payment"
      ? { transactionType: "PAYMENT", paymentId: request && request.paymentId != null ? String(request.paymentId) : "" }
      : { transactionType: "ISSUE_BILLING_KEY" };
    r.code = code;
    r.message = message;
    return r;
  }

  // PortOne redirects on mobile (and on PC only with windowType.pc "REDIRECTION"); redirection needs redirectUrl.
  function redirects(request) {
    if (typeof request.redirectUrl !== "string" || request.redirectUrl === "") return false;
    var wt = request.windowType || {};
    var uaData = navigator.userAgentData;
    var mobile = /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent) || !!(uaData && uaData.mobile) ||
      (navigator.maxTouchPoints > 0 && window.matchMedia("(pointer: coarse)").matches);
    return mobile ? wt.mobile !== "POPUP" && wt.mobile !== "IFRAME" : wt.pc === "REDIRECTION";
  }

  function open(kind, request) {
    return new Promise(function (resolve) {
      if (!request || typeof request !== "object") {
        resolve(failure(kind, null, "FAILURE_TYPE_PROCESS", "요청 객체가 필요합니다."));
        return;
      }
      var n = nonce();
      var redirect = redirects(request);
      var query = new URLSearchParams({
        kind: kind, p: JSON.stringify(request), mode: redirect ? "redirect" : "popup", origin: location.origin, nonce: n
      });
      var url = base + "/window?" + query.toString();
      if (redirect) { location.assign(url); return; }

      var popup = window.open(url, "pocketpay_sandbox_portone_" + n, "popup=yes,width=420,height=720");
      if (!popup) {
        resolve(failure(kind, request, "FAILURE_TYPE_PROCESS", "결제창 팝업이 차단되었습니다. 팝업을 허용해주세요."));
        return;
      }
      var done = false;
      var timer;
      function finish(payload) {
        if (done) return;
        done = true;
        window.removeEventListener("message", onMessage);
        clearInterval(timer);
        resolve(payload);
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
          var r = failure(kind, request, "FAILURE_TYPE_PG", "사용자가 결제를 취소하였습니다.");
          r.pgCode = "USER_CANCEL";
          r.pgMessage = "사용자가 결제를 취소하였습니다.";
          finish(r);
        }, 400);
      }, 300);
    });
  }

  window.PortOne = {
    requestPayment: function (request) { return open("payment", request); },
    requestIssueBillingKey: function (request) { return open("billing", request); }
  };
})();
`;
}
