// Create forms (those with a one-time "form_token", core/idempotency.py) are sent once.
// Progressive enhancement: without JavaScript the server tells a second sending apart anyway
// when the browser restores the page from its memory (the same token comes back).
// - A second click while the first sending is on its way does nothing; the button says so.
// - The back button to a page the browser loads anew (no back-forward cache) restores the text
//   typed but the page has a new token: the token this form was sent with is put back, so
//   that sending it again is recognised. Only for history navigations: a page opened afresh
//   keeps its new token, for a new message.
(function () {
  "use strict";

  var KEY = "parvis:sent-form-tokens";
  var KEPT = 30;

  function tokenForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return form.querySelector("input[name=form_token]");
    });
  }

  function formKey(form) {
    return location.pathname + location.search + "|" + tokenForms().indexOf(form);
  }

  function readSent() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || "[]");
    } catch (error) {
      return [];
    }
  }

  function remember(form) {
    try {
      var sent = readSent().filter(function (entry) { return entry[0] !== formKey(form); });
      sent.push([formKey(form), form.querySelector("input[name=form_token]").value]);
      sessionStorage.setItem(KEY, JSON.stringify(sent.slice(-KEPT)));
    } catch (error) {
      // Storage refused (private mode, quota): the server still tells most sendings apart.
    }
  }

  function lock(form) {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
      .forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("is-sending");
      });
  }

  function unlock(form) {
    delete form.dataset.sending;
    form.querySelectorAll(".is-sending").forEach(function (button) {
      button.removeAttribute("aria-disabled");
      button.classList.remove("is-sending");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector("input[name=form_token]")) {
      return;
    }
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    remember(form);
    // After this event: a disabled button would not send its own name and value.
    window.setTimeout(function () { lock(form); }, 0);
  });

  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0] : null;
  if (navigation && navigation.type === "back_forward") {
    var sent = readSent();
    tokenForms().forEach(function (form) {
      var key = formKey(form);
      sent.forEach(function (entry) {
        if (entry[0] === key) {
          form.querySelector("input[name=form_token]").value = entry[1];
        }
      });
    });
  }

  // Back to a page kept in the browser's memory: its forms may be sent again (the server
  // answers "already sent" for the same token).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-sending]").forEach(unlock);
    }
  });
})();
