// The portal's only script of its own, loaded from its own origin (the CSP allows no eval, so
// no script is ever sent as a string over the websocket).
// 1. `lang` and `dir` of <html> follow the page frame (`.portal`, which carries the citizen's
//    language), so screen readers, the browser's own controls and scroll bars read the whole
//    page in that language, right to left for Arabic; the tab's title is the page's own
//    heading, so it too is in the citizen's language (the routes' titles are Dutch).
// 2. The skip link moves keyboard focus to the main content (the client router only scrolls).
// 3. A button marked `data-print` opens the browser's print dialog.
// 4. A link in an error summary moves focus to the field it names (as GOV.UK's does).
// Clicks are taken in the capture phase, before the client router turns them into navigation.
(function () {
  "use strict";
  function sync() {
    var frame = document.querySelector(".portal[lang]");
    if (!frame) return;
    var lang = frame.getAttribute("lang");
    var dir = frame.getAttribute("dir") || "ltr";
    if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
    if (document.documentElement.dir !== dir) document.documentElement.dir = dir;
    var heading = document.querySelector("#main h1");
    var text = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    if (text && document.title !== text + " · Voorportaal") document.title = text + " · Voorportaal";
  }
  new MutationObserver(sync).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["lang", "dir"],
  });
  // The script may run after the page already switched language (it is loaded after the
  // page's own bundle), when no mutation is left to observe: follow once now as well.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sync);
  else sync();
  // And a slow check besides: a full CI run once saw <html> stay Dutch on a page the frame had
  // switched to Polish (the observer missed it; the cause is not known). Cheap: one selector.
  window.setInterval(sync, 1000);
  document.addEventListener("click", function (event) {
    var printer = event.target && event.target.closest && event.target.closest("[data-print]");
    if (printer) {
      window.print();
      return;
    }
    var toField = event.target && event.target.closest && event.target.closest(".error-summary a");
    if (toField && toField.hash) {
      var field = document.getElementById(toField.hash.slice(1));
      if (field) {
        event.preventDefault();
        event.stopPropagation();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
      return;
    }
    var link = event.target && event.target.closest && event.target.closest(".skip-link");
    if (!link) return;
    var main = document.getElementById("main");
    if (!main) return;
    event.preventDefault();
    event.stopPropagation();
    main.focus();
    main.scrollIntoView();
  }, true);
})();
