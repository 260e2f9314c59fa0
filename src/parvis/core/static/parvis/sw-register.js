// Registers the service worker (served at the site root, /sw.js) that shows the offline page
// when a page cannot be loaded. Progressive enhancement: nothing depends on it.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
}
