// Parts of a page that differ per reader (the poll box, the comment form) are not in the cached
// page: an element with data-fragment="URL" is replaced by what URL returns. With
// data-fragment-lazy it waits until the reader comes near it (or activates a link inside it).
// Without JavaScript the placeholders still work: they link to pages that do the same.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) return;

  function load(slot, focus) {
    if (slot.getAttribute("data-fragment-state")) return;
    slot.setAttribute("data-fragment-state", "loading");
    fetch(slot.getAttribute("data-fragment"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
        var nodes = Array.prototype.slice.call(parsed.childNodes);
        var parent = slot.parentNode;
        nodes.forEach(function (node) { parent.insertBefore(document.importNode(node, true), slot); });
        parent.removeChild(slot);
        if (focus) {
          var field = parent.querySelector("input:not([type=hidden]):not([tabindex='-1']), textarea");
          if (field) field.focus();
        }
      })
      .catch(function () { slot.setAttribute("data-fragment-state", "failed"); });
  }

  var slots = document.querySelectorAll("[data-fragment]");
  var lazy = [];
  Array.prototype.forEach.call(slots, function (slot) {
    if (!slot.hasAttribute("data-fragment-lazy")) { load(slot, false); return; }
    lazy.push(slot);
    slot.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) { event.preventDefault(); load(slot, true); }
    });
  });
  if (!lazy.length) return;
  var wanted = location.hash === "#y-kien" || location.hash === "#gui-y-kien";
  if (wanted || !("IntersectionObserver" in window)) { lazy.forEach(function (s) { load(s, false); }); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); load(entry.target, false); }
    });
  }, { rootMargin: "800px 0px" });
  lazy.forEach(function (s) { observer.observe(s); });
})();
