// Starts GOV.UK Frontend's components (error summary focus, double-click prevention, ...)
// without an inline script, and again on content that htmx swaps in.
import { initAll } from "./../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
document.addEventListener("htmx:after:swap", function (evt) {
  var target = evt.target instanceof Element ? evt.target : document.body;
  try { initAll({ scope: target }); } catch (e) { /* already initialised */ }
});
