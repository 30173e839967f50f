// letterkit: starts the NHS design system's scripts on letterkit's pages (nhsuk-frontend, in
// /static/nhsuk/): the error summary takes focus, character counts count as you type. Every
// page works without it. No inline script (the page's CSP forbids it), so the "supported" mark
// on <body> is set here.
import { initAll } from "/static/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// A list button's page opens at the item it moved, added or left in place of a removed one:
// the field there has autofocus; make sure its section is open and the item is in view.
// (A page opened at an anchor skips autofocus, so the focus is moved here once it has loaded.)
function focusTheItem() {
  var focused = document.querySelector("#letter-form [autofocus]");
  if (!focused || document.querySelector(".nhsuk-error-summary")) return;
  var section = focused.closest("details");
  if (section) section.open = true;
  if (document.activeElement !== focused) focused.focus({ preventScroll: true });
}
if (document.readyState === "complete") focusTheItem();
else window.addEventListener("load", focusTheItem);

// A link to a field in a folded section (the error summary, "What is still missing", "How it
// reads") opens the section first, so the field can take the focus.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[href^='#']");
  if (!link) return;
  var target = document.getElementById(link.getAttribute("href").slice(1));
  var section = target && target.closest("details");
  while (section) {
    section.open = true;
    section = section.parentElement && section.parentElement.closest("details");
  }
}, true);
