// "Copy ClaimReview": a button with data-copy="#id" copies that field's
// text to the clipboard and says so. Without JavaScript the JSON is still
// there to select in its disclosure.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button[data-copy]");
    if (!btn) return;
    var field = document.querySelector(btn.getAttribute("data-copy"));
    if (!field) return;
    var text = field.value || field.textContent;
    var label = btn.textContent;
    function done(msg) {
      btn.textContent = msg;
      setTimeout(function () { btn.textContent = label; }, 2000);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done("Copied"); }, function () {
        field.closest("details").open = true; field.select(); done("Select and copy");
      });
    } else {
      field.closest("details").open = true;
      field.select();
      done(document.execCommand && document.execCommand("copy") ? "Copied" : "Select and copy");
    }
  });
})();
