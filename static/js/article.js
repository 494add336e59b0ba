// Article page: text size control (remembered), share and copy link. The page works without it.
(function () {
  "use strict";
  var KEY = "mttq-textsize";
  var STEPS = [80, 90, 100, 115, 130, 150];
  var target = document.querySelector("[data-textsize-target]");
  var output = document.querySelector(".textsize__value");
  function stored() {
    try { var v = parseInt(localStorage.getItem(KEY), 10); return STEPS.indexOf(v) >= 0 ? v : 100; }
    catch (e) { return 100; }
  }
  function apply(size) {
    if (!target) return;
    target.style.fontSize = size + "%";
    if (output) output.textContent = size + "%";
    try { localStorage.setItem(KEY, String(size)); } catch (e) { /* private mode */ }
  }
  var current = stored();
  apply(current);
  document.querySelectorAll("[data-textsize]").forEach(function (button) {
    button.addEventListener("click", function () {
      var i = STEPS.indexOf(current) + parseInt(button.getAttribute("data-textsize"), 10);
      current = STEPS[Math.max(0, Math.min(STEPS.length - 1, i))];
      apply(current);
    });
  });
  var status = document.querySelector(".share__status");
  function say(text) { if (status) status.textContent = text; }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-copy");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { say("Đã sao chép liên kết."); },
          function () { window.prompt("Sao chép liên kết:", url); });
      } else { window.prompt("Sao chép liên kết:", url); }
    });
  });
  document.querySelectorAll("[data-share]").forEach(function (button) {
    if (!navigator.share) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.getAttribute("data-share-title"), url: button.getAttribute("data-share") })
        .catch(function () { /* closed by the reader */ });
    });
  });
})();
