// The pages' one script, served at /assets/app.js: plain modern JavaScript, no build step. It drives the JSON API
// (same origin, so the browser sends Origin with every POST), shows the API's errors beside the fields they name,
// and runs Iamport's IMP.request_pay with the exact parameters the server returned.
export const CLIENT_JS = String.raw`(function () {
  "use strict";
  var qs = function (sel, root) { return (root || document).querySelector(sel); };
  var qsa = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var krw = function (n) { return "\u20a9" + String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ","); };

  async function api(method, path, body, headers) {
    var init = { method: method, credentials: "same-origin", headers: Object.assign({ accept: "application/json" }, headers || {}) };
    if (body !== undefined) { init.headers["content-type"] = "application/json"; init.body = JSON.stringify(body); }
    var res;
    try { res = await fetch(path, init); } catch (e) {
      return { status: 0, body: { error: { code: "network_error", message: "pocketpay could not be reached. Check your connection and try again." } } };
    }
    var data = null;
    if (res.status !== 204) { try { data = await res.json(); } catch (e) { data = null; } }
    return { status: res.status, body: data };
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // ---- errors beside their fields ------------------------------------------------------------------------------
  function clearErrors(form) {
    qsa("[data-error-for]", form).forEach(function (el) { el.hidden = true; el.textContent = ""; });
    qsa("[aria-invalid]", form).forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var top = qs("[data-form-error]", form);
    if (top) { top.hidden = true; top.textContent = ""; }
  }

  function showErrors(form, res, fieldForCode) {
    var err = (res.body && res.body.error) || { message: "Something went wrong (HTTP " + res.status + "). Please try again." };
    var fields = (err.details && err.details.fields) || [];
    if (fieldForCode && fieldForCode[err.code]) fields = [{ field: fieldForCode[err.code], message: err.message, whole: true }];
    var first = null;
    var unplaced = [];
    fields.forEach(function (f) {
      var input = form.elements.namedItem(f.field);
      var box = qsa("[data-error-for]", form).filter(function (b) { return b.getAttribute("data-error-for") === f.field; })[0];
      if (input && box && input.offsetParent !== null) {
        box.textContent = f.whole ? f.message : box.getAttribute("data-label") + " " + f.message + ".";
        box.hidden = false;
        input.setAttribute("aria-invalid", "true");
        if (!first) first = input;
      } else {
        unplaced.push(f.field === "(body)" ? f.message : f.field + " " + f.message + ".");
      }
    });
    var top = qs("[data-form-error]", form);
    if (top && (!first || unplaced.length)) {
      top.textContent = unplaced.length ? unplaced.join(" ") : err.message;
      top.hidden = false;
    }
    var target = first || top;
    if (target) target.focus();
  }

  function say(el, text, isError) {
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("field-error", !!isError);
  }

  // ---- sign up, log in, log out -----------------------------------------------------------------------------------
  qsa("form[data-auth]").forEach(function (form) {
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var button = qs("button[type=submit]", form);
      if (button.disabled) return;
      clearErrors(form);
      button.disabled = true;
      var body = {};
      qsa("input[name]", form).forEach(function (i) { body[i.name] = i.value; });
      var res = await api("POST", form.getAttribute("data-auth"), body);
      if (res.status === 200 || res.status === 201) { location.assign(form.getAttribute("data-next") || "/checkout"); return; }
      button.disabled = false;
      showErrors(form, res, { email_taken: "email" });
    });
  });

  qsa("[data-logout]").forEach(function (button) {
    button.addEventListener("click", async function () {
      button.disabled = true;
      await api("POST", "/api/auth/logout");
      location.assign("/login");
    });
  });

  // ---- Iamport ------------------------------------------------------------------------------------------------------
  // Redirect mode (the whole page goes to the payment window and comes back through m_redirect_url) on phones, or
  // when asked for with ?mode=redirect; the choice is kept for this tab so "pay again" uses it too.
  function payMode() {
    var mode = new URLSearchParams(location.search).get("mode");
    try {
      if (mode === "redirect" || mode === "popup") sessionStorage.setItem("pp_mode", mode);
      else mode = sessionStorage.getItem("pp_mode");
    } catch (e) { /* storage disabled */ }
    if (mode === "redirect" || mode === "popup") return mode;
    return window.matchMedia && matchMedia("(max-width: 640px)").matches ? "redirect" : "popup";
  }

  var sdk = null;
  function loadSdk(url) {
    if (window.IMP) return Promise.resolve(window.IMP);
    if (!sdk) {
      sdk = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.onload = function () { if (window.IMP) resolve(window.IMP); else reject(new Error("no IMP")); };
        s.onerror = function () { reject(new Error("load failed")); };
        document.head.appendChild(s);
      }).catch(function (e) { sdk = null; throw e; });
    }
    return sdk;
  }

  // Resolves only if the SDK could not start; otherwise the page moves on to the payment's own page.
  async function startPayment(checkout) {
    var IMP;
    try { IMP = await loadSdk(checkout.sdk_url); } catch (e) {
      return "The payment window could not be loaded. Check your connection and try again.";
    }
    var params = Object.assign({}, checkout.params);
    if (payMode() === "redirect") params.m_redirect_url = checkout.m_redirect_url;
    IMP.init(checkout.imp_code);
    IMP.request_pay(params, function (rsp) { finishPayment(params.merchant_uid, rsp || {}); });
    return new Promise(function () {});
  }

  // The callback is a hint, never the truth: the imp_uid goes to the server, which asks Iamport what happened.
  async function finishPayment(merchantUid, rsp) {
    var uid = encodeURIComponent(merchantUid);
    if (rsp.imp_uid) {
      for (var attempt = 0; attempt < 3; attempt++) {
        var res = await api("POST", "/api/payments/" + uid + "/complete", { imp_uid: rsp.imp_uid });
        if (res.status !== 0 && res.status < 500) break;
        await new Promise(function (r) { setTimeout(r, 1000 * (attempt + 1)); });
      }
    }
    var q = new URLSearchParams();
    if (rsp.success === false || rsp.imp_success === false || rsp.error_code) {
      q.set("result", "failed");
      if (rsp.error_code) q.set("code", String(rsp.error_code).slice(0, 32));
      if (rsp.error_msg) q.set("message", String(rsp.error_msg).slice(0, 300));
    }
    var query = q.toString();
    location.assign("/payments/" + uid + (query ? "?" + query : ""));
  }

  // ---- checkout -----------------------------------------------------------------------------------------------------
  var form = qs("#checkout");
  if (form) {
    var key = form.getAttribute("data-idempotency-key") || newKey();
    var button = qs("button[type=submit]", form);
    var status = qs("[data-checkout-status]", form);
    var busy = false;
    var order = function () {
      var item = qs("input[name=item]:checked", form);
      if (item && item.value !== "custom") return { name: item.getAttribute("data-name"), amount: Number(item.getAttribute("data-amount")) };
      var raw = form.elements.namedItem("amount").value.replace(/[\s,\u20a9]/g, "");
      // Anything not numeric is sent as typed: the API's own validation names the problem beside the field.
      return { name: form.elements.namedItem("name").value, amount: /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw || undefined };
    };
    var sync = function () {
      var item = qs("input[name=item]:checked", form);
      qs("#custom-fields", form).hidden = !!item && item.value !== "custom";
      if (busy) return;
      var o = order();
      var total = typeof o.amount === "number" && o.amount > 0 ? krw(o.amount) : "\u2014";
      qs("[data-total]", form).textContent = total;
      button.textContent = typeof o.amount === "number" && o.amount > 0 ? "Pay " + total : "Pay";
    };
    form.addEventListener("change", sync);
    form.addEventListener("input", sync);
    sync();
    var hint = qs("[data-mode-hint]", form);
    if (hint) {
      hint.textContent = payMode() === "redirect"
        ? "You will go to the payment page and come back here when you are done."
        : "The payment window opens in a popup. Keep this page open.";
    }
    // A page restored from the back/forward cache is a new form: it must not replay the last order.
    window.addEventListener("pageshow", function (e) {
      if (!e.persisted) return;
      key = newKey();
      busy = false;
      button.disabled = false;
      say(status, "");
      sync();
    });

    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      if (busy) return;
      busy = true;
      button.disabled = true;
      button.textContent = "Creating your order\u2026";
      clearErrors(form);
      say(status, "");
      var body = order();
      var res = await api("POST", "/api/payments", body, { "Idempotency-Key": key });
      if (res.status === 422 && res.body && res.body.error && res.body.error.code === "idempotency_key_reused") {
        // The form changed after an earlier order was created with this key: this is a new order.
        key = newKey();
        res = await api("POST", "/api/payments", body, { "Idempotency-Key": key });
      }
      if (res.status !== 201) {
        busy = false;
        button.disabled = false;
        sync();
        showErrors(form, res);
        return;
      }
      button.textContent = "Waiting for the payment\u2026";
      say(status, payMode() === "redirect" ? "Opening the payment page\u2026" : "Complete the payment in the Iamport window.");
      var problem = await startPayment(res.body.checkout);
      var q = new URLSearchParams({ result: "failed", message: problem });
      location.assign("/payments/" + encodeURIComponent(res.body.merchant_uid) + "?" + q.toString());
    });
  }

  // ---- admin: refund a payment -----------------------------------------------------------------------------------
  qsa("form[data-refund]").forEach(function (form) {
    var key = newKey();
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var button = qs("button[type=submit]", form);
      if (button.disabled) return;
      clearErrors(form);
      var raw = form.elements.namedItem("amount").value.replace(/[\s,₩]/g, "");
      // Sent as a number when it is one; anything else goes as typed, so the server names the problem.
      var amount = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      var body = { amount: amount, reason: form.elements.namedItem("reason").value };
      button.disabled = true;
      say(qs("[data-refund-status]", form), "Refunding…");
      var res = await api("POST", "/api/payments/" + encodeURIComponent(form.getAttribute("data-refund")) + "/refunds", body, { "Idempotency-Key": key });
      // Same URL: only a reload shows the refunded payment (a changed #hash alone would not load it).
      if (res.status === 201) { location.reload(); return; }
      // The key keeps the body it was first sent with. Only an unknown outcome (no answer, 503: the refund may be
      // pending) is retried with it; after any answer, an edited form is a new request with a new key.
      if (res.status !== 0 && res.status !== 503) key = newKey();
      button.disabled = false;
      say(qs("[data-refund-status]", form), "");
      showErrors(form, res, { amount_exceeds_refundable: "amount", balance_changed: "amount", refund_in_progress: "amount" });
    });
  });

  // ---- a payment's page: pay again, cancel, follow verification ---------------------------------------------------
  var payment = qs("#payment");
  if (payment) {
    var uid = encodeURIComponent(payment.getAttribute("data-merchant-uid"));
    var live = qs("[data-live]");
    var payAgain = qs("[data-pay-again]");
    var cancel = qs("[data-cancel-order]");
    var polling = false;
    var setBusy = function (on) { [payAgain, cancel].forEach(function (b) { if (b) b.disabled = on; }); };

    var poll = function () {
      if (polling) return;
      polling = true;
      var started = Date.now();
      var delay = 800;
      var tick = async function () {
        var res = await api("GET", "/api/payments/" + uid);
        if (res.status === 401) { location.assign("/login?next=" + encodeURIComponent(location.pathname)); return; }
        if (res.status === 200 && (res.body.status !== payment.getAttribute("data-status") ||
            (res.body.imp_uid || "") !== payment.getAttribute("data-imp-uid"))) {
          location.replace(location.pathname);
          return;
        }
        if (Date.now() - started > 30000) {
          var slow = qs("[data-slow]");
          if (slow) slow.hidden = false;
        }
        delay = Math.min(delay * 1.3, 5000);
        setTimeout(tick, delay);
      };
      setTimeout(tick, delay);
    };

    if (payAgain) {
      payAgain.addEventListener("click", async function () {
        setBusy(true);
        say(live, payMode() === "redirect" ? "Opening the payment page\u2026" : "Complete the payment in the Iamport window.");
        var problem = await startPayment(JSON.parse(payment.getAttribute("data-checkout")));
        say(live, problem, true);
        setBusy(false);
      });
    }
    if (cancel) {
      cancel.addEventListener("click", async function () {
        setBusy(true);
        say(live, "Cancelling the order\u2026");
        var res = await api("POST", "/api/payments/" + uid + "/cancel");
        if (res.status === 200) { location.replace(location.pathname); return; }
        var err = res.body && res.body.error;
        say(live, err ? err.message : "The order could not be cancelled (HTTP " + res.status + "). Try again.", true);
        if (err && err.code === "payment_exists") poll(); else setBusy(false);
      });
    }
    if (payment.hasAttribute("data-poll")) poll();
  }
})();
`;
