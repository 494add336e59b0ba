// Counts this page view without making the page itself uncacheable, and refreshes the numbers
// of the counter box (the cached page may be a few minutes old; the answer is at most 5 s old).
(function () {
  "use strict";
  var data = new URLSearchParams();
  data.set("p", location.pathname);
  var article = document.body.getAttribute("data-article");
  if (article) data.set("a", article);
  var box = document.querySelector("[data-counter-box]");
  function show(values) {
    if (!box || !values) return;
    box.querySelectorAll("[data-counter]").forEach(function (cell) {
      var value = values[cell.getAttribute("data-counter")];
      if (typeof value === "number") cell.textContent = value.toLocaleString("vi-VN");
    });
  }
  if (window.fetch) {
    if (box) data.set("box", "1");
    fetch("/thong-ke/b", { method: "POST", body: data, keepalive: true, credentials: "same-origin" })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(show)
      .catch(function () { /* counting is best effort; the page does not depend on it */ });
    return;
  }
  try { if (navigator.sendBeacon) navigator.sendBeacon("/thong-ke/b", data); } catch (e) { /* nothing */ }
})();
