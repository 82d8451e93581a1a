/* Nothing a resident typed is lost: a form marked <form data-draft="KEY"> keeps its text
 * fields in this tab's sessionStorage while they are typed, and fills them in again when the
 * form comes back empty (the back button after a 413 or a dropped connection, a reload, a
 * sign-in detour). sessionStorage, not localStorage: a shared phone must not show one
 * person's complaint to the next once the tab is closed. A page that confirms the form was
 * received carries [data-draft-sent="KEY"] and the draft is dropped; signing out drops all. */
(function () {
  "use strict";
  var PREFIX = "jiaoliuba:draft:";
  var SKIP = /^(csrfmiddlewaretoken|idempotency_key|challenge_token|challenge_answer)$/;

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || SKIP.test(el.name) || el.closest(".honeypot")) { return false; }
      if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return true; }
      return el.tagName === "INPUT" && /^(text|tel|email|search|number|date|datetime-local)$/.test(el.type);
    });
  }

  function save(form, key, s) {
    var data = {};
    var any = false;
    fields(form).forEach(function (el) {
      data[el.name] = el.value;
      if (el.tagName !== "SELECT" && el.value.trim()) { any = true; }
    });
    try {
      if (any) { s.setItem(PREFIX + key, JSON.stringify(data)); } else { s.removeItem(PREFIX + key); }
    } catch (e) { /* storage full or blocked: the form still works */ }
  }

  function restore(form, key, s) {
    var raw = s.getItem(PREFIX + key);
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { s.removeItem(PREFIX + key); return; }
    var typed = fields(form).some(function (el) {
      return el.tagName !== "SELECT" && el.value.trim() && el.value !== el.defaultValue;
    }) || fields(form).some(function (el) { return el.tagName === "TEXTAREA" && el.value.trim(); });
    if (typed) { return; }
    var restored = false;
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name)) { return; }
      if (el.tagName === "SELECT" && !el.querySelector('option[value="' + CSS.escape(data[el.name]) + '"]')) { return; }
      if (el.value !== data[el.name]) { el.value = data[el.name]; restored = true; }
    });
    if (restored && form.dataset.draftRestored) {
      var note = document.createElement("p");
      note.className = "notice draft-restored";
      note.setAttribute("role", "status");
      note.textContent = form.dataset.draftRestored;
      form.insertBefore(note, form.firstChild);
      form.querySelectorAll("textarea").forEach(function (t) {
        t.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
  }

  function init() {
    var s = store();
    if (!s) { return; }
    document.querySelectorAll("[data-draft-sent]").forEach(function (el) {
      s.removeItem(PREFIX + el.getAttribute("data-draft-sent"));
    });
    document.querySelectorAll("form[data-draft-clear-all]").forEach(function (form) {
      form.addEventListener("submit", function () {
        Object.keys(s).forEach(function (k) { if (k.indexOf(PREFIX) === 0) { s.removeItem(k); } });
      });
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = form.getAttribute("data-draft");
      var timer = null;
      restore(form, key, s);
      var later = function () {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(function () { timer = null; save(form, key, s); }, 300);
      };
      form.addEventListener("input", later);
      form.addEventListener("change", later);
      var flush = function () { if (timer) { clearTimeout(timer); timer = null; } save(form, key, s); };
      form.addEventListener("submit", flush);
      // Leaving the page (reload, back, a closed tab) must not lose the last 300 ms of typing.
      window.addEventListener("pagehide", flush);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden") { flush(); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
