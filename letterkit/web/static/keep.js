// letterkit: nothing typed is lost. Any <form data-keep-work="PAGE"> on a letter's page keeps
// what is typed into it as it is typed (sent, a moment after typing stops, to
// /letters/NAME/typed, where the server keeps it beside the letter, never as a draft), and asks
// "leave page?" while anything typed is not kept yet or not saved. With data-keep-restore, what
// was kept from before is put back into the form when the page opens, with a notice.
// Without JavaScript the form posts as usual. No inline script (the page's CSP forbids it).
(function () {
  "use strict";
  var WAIT = 700;
  var SUBMITTED = "letterkit-sent:";

  function letterName() {
    var parts = window.location.pathname.split("/");
    return parts[1] === "letters" && parts[2] ? parts[2] : null;
  }

  function fieldsOf(form) {
    var data = new FormData(form);
    var out = new URLSearchParams();
    data.forEach(function (value, key) {
      if (typeof value === "string") out.append(key, value);
    });
    return out;
  }

  function say(form, words) {
    var status = form.querySelector("[data-keep-status]");
    if (status) status.textContent = words;
  }

  function setUp(form) {
    var name = letterName();
    if (!name) return;
    var page = form.getAttribute("data-keep-work") || "letter";
    var url = "/letters/" + name + "/typed";
    var timer = null;
    var sent = fieldsOf(form).toString();
    var typedHere = false; // typed on this page and not saved by the form yet
    var pending = false; // typed and not kept by the server yet
    var submitting = false;

    function keep() {
      timer = null;
      var body = fieldsOf(form);
      body.set("_page", page);
      var now = body.toString();
      if (now === sent) {
        pending = false;
        return;
      }
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      })
        .then(function (answer) {
          if (!answer.ok) throw new Error(String(answer.status));
          return answer.json();
        })
        .then(function (kept) {
          sent = now;
          if (!timer) pending = false;
          say(form, kept.kept ? "What you typed is kept (" + kept.kept + "), but it is not saved as a draft yet." : "");
        })
        .catch(function () {
          say(form, "What you typed could not be kept just now. Please do not close this page until you have saved.");
        });
    }

    function typed() {
      typedHere = true;
      pending = true;
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(keep, WAIT);
    }

    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
    form.addEventListener("submit", function () {
      submitting = true;
      if (timer) window.clearTimeout(timer); // the form itself carries what was typed
      timer = null;
      try { window.sessionStorage.setItem(SUBMITTED + url + page, "1"); } catch (e) { /* private mode */ }
    });
    // Leaving the page: keep what was typed at once, and ask while anything is unsaved.
    window.addEventListener("pagehide", function () {
      if (!pending || submitting) return;
      var body = fieldsOf(form);
      body.set("_page", page);
      if (navigator.sendBeacon) navigator.sendBeacon(url, new Blob([body.toString()], { type: "application/x-www-form-urlencoded" }));
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !(pending || typedHere)) return;
      if (timer) {
        window.clearTimeout(timer);
        keep();
      }
      event.preventDefault();
      event.returnValue = "";
    });

    if (form.hasAttribute("data-keep-restore")) restore(form, url, page);
  }

  // Put back what was kept from before (the therapist's form), unless the form already holds it.
  function restore(form, url, page) {
    var submitted = null;
    try {
      submitted = window.sessionStorage.getItem(SUBMITTED + url + page);
      window.sessionStorage.removeItem(SUBMITTED + url + page);
    } catch (e) { /* private mode */ }
    if (submitted) {
      // This page is the answer to the form just sent: what was typed was sent with it.
      fetch(url + "/forget?page=" + encodeURIComponent(page), { method: "POST", credentials: "same-origin" });
      return;
    }
    fetch(url + "?page=" + encodeURIComponent(page), { credentials: "same-origin" })
      .then(function (answer) {
        return answer.ok ? answer.json() : null;
      })
      .then(function (kept) {
        if (!kept || !kept.kept) return;
        var differs = false;
        Object.keys(kept.fields).forEach(function (key) {
          var field = form.elements.namedItem(key);
          if (!field || field.length !== undefined && !field.tagName) return;
          if (field.type === "checkbox" || field.type === "radio") {
            var on = field.value === kept.fields[key];
            if (field.checked !== on) { field.checked = on; differs = true; }
          } else if (field.value !== kept.fields[key]) {
            field.value = kept.fields[key];
            differs = true;
          }
        });
        if (!differs) {
          fetch(url + "/forget?page=" + encodeURIComponent(page), { method: "POST", credentials: "same-origin" });
          return;
        }
        var notice = document.createElement("p");
        notice.className = "notice kept";
        notice.setAttribute("role", "status");
        notice.textContent = "We kept what you typed on " + kept.kept + " — it is not saved yet. It is back in the form below; save when you are ready.";
        form.insertBefore(notice, form.firstChild);
      });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-keep-work]");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
