// Create forms (those with a one-time "form_token", core/idempotency.py) are sent once: a
// second click while the first sending is on its way does nothing, and the button says so.
// Progressive enhancement: without JavaScript the server tells a second sending apart anyway.
(function () {
  "use strict";

  function lock(form) {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
      .forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("is-sending");
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
    // After this event: a disabled button would not send its own name and value.
    window.setTimeout(function () { lock(form); }, 0);
  });

  // Back to a page kept in the browser's memory: its forms may be sent again (the server
  // answers "already sent" for the same token).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll(".is-sending").forEach(function (button) {
        button.removeAttribute("aria-disabled");
        button.classList.remove("is-sending");
      });
    });
  });
})();
