// Counts this page view without making the page itself uncacheable.
(function () {
  "use strict";
  var data = new URLSearchParams();
  data.set("p", location.pathname);
  var article = document.body.getAttribute("data-article");
  if (article) data.set("a", article);
  try {
    if (navigator.sendBeacon && navigator.sendBeacon("/thong-ke/b", data)) return;
  } catch (e) { /* fall through */ }
  if (window.fetch) fetch("/thong-ke/b", { method: "POST", body: data, keepalive: true, credentials: "same-origin" });
})();
