// The portal's only script of its own, loaded from its own origin (the CSP allows no eval, so
// no script is ever sent as a string over the websocket).
// 1. `lang` and `dir` of <html> follow the page frame (`.portal`, which carries the citizen's
//    language), so screen readers, the browser's own controls and scroll bars read the whole
//    page in that language, right to left for Arabic.
// 2. The skip link moves keyboard focus to the main content (the client router only scrolls).
(function () {
  "use strict";
  function sync() {
    var frame = document.querySelector(".portal[lang]");
    if (!frame) return;
    var lang = frame.getAttribute("lang");
    var dir = frame.getAttribute("dir") || "ltr";
    if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
    if (document.documentElement.dir !== dir) document.documentElement.dir = dir;
  }
  new MutationObserver(sync).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["lang", "dir"],
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest(".skip-link");
    if (!link) return;
    var main = document.getElementById("main");
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  });
})();
