// A "Copy" button beside each citation (progressive enhancement: without JavaScript the citation
// is plain text to select and copy, and the rest of the page works the same).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("cite[data-copy]").forEach(function (cite) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy citation";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(cite.getAttribute("data-copy")).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy citation"; }, 2000);
      }, function () {
        button.textContent = "Select the citation to copy it";
      });
    });
    cite.insertAdjacentElement("afterend", button);
  });
})();
