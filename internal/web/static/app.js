// danvan: small enhancements. Every page works without this script.
(function () {
  "use strict";
  // Focus the error summary after a failed submit so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Close the navigation menu by default on small screens; it stays open on desktops.
  var nav = document.querySelector("details.nav-toggle");
  if (nav && window.matchMedia && window.matchMedia("(max-width: 720px)").matches) {
    nav.removeAttribute("open");
  }
  // Confirm buttons marked data-confirm (a server-side confirmation page exists too).
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (t && !window.confirm(t.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
  // Disable a form's submit buttons once it is sent, to avoid double submits.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.method && f.method.toLowerCase() === "post") {
      setTimeout(function () {
        f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });
})();
