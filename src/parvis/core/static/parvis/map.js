/* Maps of Parvis: local reports, events (progressive enhancement: without Leaflet, tiles or
   JavaScript the page stays a complete list and a form with latitude and longitude fields).
   The templates core/_map_assets.html and core/_map_scripts.html load Leaflet and this file.

   - [data-map="points"]: the points of a page (JSON in the element named by data-points:
     [{lat, lon, label, url, detail}]), each a marker whose popup links to its page and shows
     its detail line (a status, a date);
   - [data-map="picker"]: a click on the map fills the form's latitude and longitude (the
     elements named by data-latitude and data-longitude). */
(function () {
  "use strict";
  if (!window.L) {
    return;
  }
  var OISE = [49.41, 2.42];

  function baseMap(element) {
    element.hidden = false;
    L.Icon.Default.imagePath = element.dataset.icons;
    var map = L.map(element, { scrollWheelZoom: false }).setView(OISE, 9);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution || "",
      }).addTo(map);
    }
    return map;
  }

  function pointsMap(element) {
    var source = document.getElementById(element.dataset.points);
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) {
      return;
    }
    var map = baseMap(element);
    var bounds = [];
    points.forEach(function (point) {
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.label;
      var popup = document.createElement("div");
      popup.appendChild(link);
      if (point.detail) {
        var detail = document.createElement("p");
        detail.textContent = point.detail;
        popup.appendChild(detail);
      }
      L.marker([point.lat, point.lon], { title: point.label, alt: point.label })
        .bindPopup(popup)
        .addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    map.fitBounds(bounds, { maxZoom: 16, padding: [24, 24] });
    element.dataset.ready = "true";
  }

  function pickerMap(element) {
    var latitude = document.getElementById(element.dataset.latitude);
    var longitude = document.getElementById(element.dataset.longitude);
    if (!latitude || !longitude) {
      return;
    }
    var map = baseMap(element);
    var marker = null;
    function place(lat, lon) {
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.marker([lat, lon], { alt: element.dataset.markerLabel || "" }).addTo(map);
      }
    }
    if (latitude.value && longitude.value) {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lon = parseFloat(longitude.value.replace(",", "."));
      if (!isNaN(lat) && !isNaN(lon)) {
        place(lat, lon);
        map.setView([lat, lon], 16);
      }
    }
    map.on("click", function (event) {
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng);
    });
    element.dataset.ready = "true";
  }

  document.querySelectorAll('[data-map="points"]').forEach(pointsMap);
  document.querySelectorAll('[data-map="picker"]').forEach(pickerMap);
  // A part of the page replaced in place (htmx: a member changed the agenda's filters) may
  // bring a new map: draw it when Leaflet is on the page.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!window.L) return;
    event.detail.elt.querySelectorAll('[data-map="points"]:not([data-ready])').forEach(pointsMap);
  });
})();
