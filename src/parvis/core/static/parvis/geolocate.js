/* "Around me" buttons (progressive enhancement: hidden without JavaScript or geolocation; the
   page's other filters remain). [data-geolocate]: on click only, the browser asks the visitor
   for their position, then goes to data-url with data-query plus pres=<lat>,<lon> (rounded to
   about 100 m) and km (kept, or 10). Messages go to the element named by data-status. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }
  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    var status = document.getElementById(button.dataset.status);
    function say(text) {
      if (status) {
        status.textContent = text || "";
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say(button.dataset.waiting);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var params = new URLSearchParams(button.dataset.query || "");
          params.delete("page");
          params.set(
            "pres",
            position.coords.latitude.toFixed(3) + "," + position.coords.longitude.toFixed(3)
          );
          if (!params.get("km")) {
            params.set("km", "10");
          }
          window.location.assign(button.dataset.url + "?" + params.toString());
        },
        function () {
          button.disabled = false;
          say(button.dataset.failed);
        },
        { maximumAge: 600000, timeout: 15000 }
      );
    });
  });
})();
