/* Maps of Parvis: local reports, events (progressive enhancement: without Leaflet, tiles or
   JavaScript the page stays a complete list and a form with latitude and longitude fields).
   core/_map_assets.html links Leaflet's stylesheet, core/_map_scripts.html this file, which
   fetches Leaflet's script once the page has loaded.

   - [data-map="points"]: the points of a page (JSON in the element named by data-points:
     [{lat, lon, label, url, detail}]), each a marker whose popup links to its page and shows
     its detail line (a status, a date); points closer than a marker's size on the screen
     share one marker (their number; its popup lists them), so every marker is a target of
     28 px with room around it (WCAG 2.5.8), re-grouped at each zoom;
   - [data-map="picker"]: a click on the map fills the form's latitude and longitude (the
     elements named by data-latitude and data-longitude).

   The stylesheet keeps a map's room while the page loads (no shift when it is drawn); a map
   that cannot be drawn gives it back (.map-off). When the tiles do not load (no connection to
   the tile server), the map says so in a corner (data-tiles-failed) and the markers still work. */
(function () {
  "use strict";
  // Leaflet itself (data-leaflet, 150 kB) is fetched once the page has loaded: the page's
  // text is read first, the maps' room is kept meanwhile.
  var script = document.currentScript;
  var leafletSrc = script ? script.dataset.leaflet : "";
  var waiting = null;

  function giveRoomBack() {
    document.querySelectorAll("[data-map]:not([data-ready])").forEach(function (element) {
      element.classList.add("map-off");
    });
  }

  function withLeaflet(callback) {
    if (window.L) {
      callback();
      return;
    }
    if (!leafletSrc) {
      giveRoomBack();
      return;
    }
    if (!waiting) {
      waiting = [];
      var tag = document.createElement("script");
      tag.src = leafletSrc;
      if (script.nonce) tag.nonce = script.nonce;
      tag.onload = function () {
        waiting.forEach(function (waiter) {
          waiter();
        });
        waiting = [];
      };
      tag.onerror = giveRoomBack;
      document.head.appendChild(tag);
    }
    waiting.push(callback);
  }

  var OISE = [49.41, 2.42];
  var MARKER = 28; // px, the marker's side (a target of at least 24 px)
  var ROOM = MARKER + 8; // px between two markers' centres, or they are grouped

  function tilesFailedNote(map, text) {
    var shown = false;
    return function () {
      if (shown || !text) return;
      shown = true;
      var note = L.control({ position: "bottomleft" });
      note.onAdd = function () {
        var box = L.DomUtil.create("p", "map-note");
        box.setAttribute("role", "status");
        box.textContent = text;
        return box;
      };
      note.addTo(map);
    };
  }

  // The map, shown where place(map) puts it before its tiles are asked for.
  function baseMap(element, place) {
    element.hidden = false;
    // No fading of tiles and popups: each fading frame restyled the page (long tasks on a
    // phone's processor while the tiles arrive).
    var map = L.map(element, { scrollWheelZoom: false, fadeAnimation: false });
    place(map);
    if (element.dataset.tiles) {
      // detectRetina: on a phone's dense screen, tiles of the next zoom drawn at half their
      // size (sharp, and each image the size it is shown at).
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        detectRetina: true,
        attribution: element.dataset.attribution || "",
      })
        .on("tileerror", tilesFailedNote(map, element.dataset.tilesFailed))
        .addTo(map);
    }
    return map;
  }

  // A marker drawn by the stylesheet (.map-marker): a round target with the number of the
  // points it holds when more than one, and their names for assistive technologies.
  function markerIcon(labels) {
    var html = document.createElement("span");
    if (labels.length > 1) {
      var count = document.createElement("span");
      count.setAttribute("aria-hidden", "true");
      count.textContent = String(labels.length);
      html.appendChild(count);
    }
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = labels.join(" ; ");
    html.appendChild(name);
    return L.divIcon({
      className: "map-marker" + (labels.length > 1 ? " map-marker-group" : ""),
      html: html,
      iconSize: [MARKER, MARKER],
      iconAnchor: [MARKER / 2, MARKER / 2],
      popupAnchor: [0, -MARKER / 2],
    });
  }

  function popupOf(points) {
    var popup = document.createElement(points.length > 1 ? "ul" : "div");
    points.forEach(function (point) {
      var item = points.length > 1 ? document.createElement("li") : popup;
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.label;
      item.appendChild(link);
      if (point.detail) {
        var detail = document.createElement("p");
        detail.textContent = point.detail;
        item.appendChild(detail);
      }
      if (item !== popup) popup.appendChild(item);
    });
    return popup;
  }

  // The points grouped by what the screen shows at this zoom: a point joins the first group
  // whose first point is less than ROOM pixels away (horizontally and vertically).
  function groups(map, points) {
    var found = [];
    points.forEach(function (point) {
      var at = map.latLngToLayerPoint([point.lat, point.lon]);
      for (var i = 0; i < found.length; i++) {
        if (Math.abs(found[i].at.x - at.x) < ROOM && Math.abs(found[i].at.y - at.y) < ROOM) {
          found[i].points.push(point);
          return;
        }
      }
      found.push({ at: at, points: [point] });
    });
    return found;
  }

  function pointsMap(element) {
    var source = document.getElementById(element.dataset.points);
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) {
      element.classList.add("map-off");
      element.dataset.ready = "true";
      return;
    }
    var map = baseMap(element, function (map) {
      // Room around the points: no marker under the zoom buttons (top left) or the attribution.
      map.fitBounds(
        points.map(function (point) {
          return [point.lat, point.lon];
        }),
        { maxZoom: 16, paddingTopLeft: [64, 24], paddingBottomRight: [24, 40] }
      );
    });
    var markers = L.layerGroup().addTo(map);
    function draw() {
      markers.clearLayers();
      groups(map, points).forEach(function (group) {
        var first = group.points[0];
        var labels = group.points.map(function (point) {
          return point.label;
        });
        L.marker([first.lat, first.lon], { icon: markerIcon(labels) })
          .bindPopup(popupOf(group.points))
          .addTo(markers);
      });
    }
    draw();
    map.on("zoomend", draw);
    element.dataset.ready = "true";
  }

  function pickerMap(element) {
    var latitude = document.getElementById(element.dataset.latitude);
    var longitude = document.getElementById(element.dataset.longitude);
    if (!latitude || !longitude) {
      return;
    }
    var lat = parseFloat(latitude.value.replace(",", "."));
    var lon = parseFloat(longitude.value.replace(",", "."));
    var chosen = !isNaN(lat) && !isNaN(lon);
    var map = baseMap(element, function (map) {
      if (chosen) {
        map.setView([lat, lon], 16);
      } else {
        map.setView(OISE, 9);
      }
    });
    var marker = null;
    function place(lat, lon) {
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.marker([lat, lon], {
          icon: markerIcon([element.dataset.markerLabel || ""]),
          interactive: false,
          keyboard: false,
        }).addTo(map);
      }
    }
    if (chosen) {
      place(lat, lon);
    }
    map.on("click", function (event) {
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng);
    });
    element.dataset.ready = "true";
  }

  function drawMaps(root) {
    root.querySelectorAll("[data-map]:not([data-ready])").forEach(function (element) {
      (element.dataset.map === "picker" ? pickerMap : pointsMap)(element);
    });
  }

  function start() {
    if (document.querySelector("[data-map]")) {
      withLeaflet(function () {
        drawMaps(document);
      });
    }
  }
  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
  // A part of the page replaced in place (htmx: a member changed the agenda's filters) may
  // bring a new map: draw it.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt;
    if (root.querySelector("[data-map]:not([data-ready])")) {
      withLeaflet(function () {
        drawMaps(root);
      });
    }
  });
})();
