// Share controls (core/_share.html): progressive enhancement. Without JavaScript the links,
// the Mastodon form and the selectable link work; with it, a "copy" button and the device's
// share sheet (navigator.share) appear where the browser has them.
(function () {
  "use strict";
  document.querySelectorAll(".share").forEach(function (block) {
    var native = block.querySelector(".share-native");
    var shareButton = native && native.querySelector("button");
    if (shareButton && navigator.share) {
      native.hidden = false;
      shareButton.addEventListener("click", function () {
        navigator.share({ title: shareButton.dataset.shareTitle, url: shareButton.dataset.shareUrl })
          .catch(function () {});
      });
    }
    var copy = block.querySelector("[data-copy-target]");
    var status = block.querySelector(".share-copied");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        var field = document.getElementById(copy.dataset.copyTarget);
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) { status.textContent = status.dataset.copied; }
        });
      });
    }
  });
})();
