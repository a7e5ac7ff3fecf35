// The public map: villages with a flagship product, a proposal or products as circles, coloured and
// outlined as the page's legend (static/css/coverage.css), each with a link. A regency's places are
// read from the page's list of places (its items' data-ll, class and links); a
// larger area's are asked for by the visible box (catalogue:map_points), as clusters until few enough
// to show one by one. The page lists the (first) places and draws them without
// JavaScript; the map only shows once Leaflet has loaded. When the base
// map's tiles fail (offline, blocked) the points stay and a notice says why the map is blank.
// Leaflet puts a string given to bindTooltip, bindPopup or an attribution into innerHTML: every piece
// of the map's UI is built here from elements and text nodes instead, so names stay text.
(function () {
  "use strict";
  var element = document.getElementById("ovop-map");
  var source = document.getElementById("ovop-map-config");
  if (!element || !source || typeof L === "undefined") return;
  var config = JSON.parse(source.textContent);
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false, attributionControl: false });
  var notice = document.getElementById("ovop-map-notice");
  function tilesFailed() {
    if (notice) notice.hidden = false;
    element.dataset.tiles = "failed";
  }
  if (!config.tiles) tilesFailed();
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18 }).on("tileerror", tilesFailed).addTo(map);
    var Attribution = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-control-attribution");
        var leaflet = document.createElement("a");
        leaflet.href = "https://leafletjs.com";
        leaflet.textContent = "Leaflet";
        box.append(leaflet, " | " + (config.attribution || ""));
        return box;
      },
    });
    new Attribution().addTo(map);
  }
  // As the legend: colour and outline (solid, dashed, dotted) tell the situations apart.
  var styles = {
    flagship: { radius: 9, color: "#0c2f1c", weight: 3, fillColor: "#1f6f43" },
    proposed: { radius: 7, color: "#4f2d00", weight: 2, dashArray: "4 3", fillColor: "#a15c00" },
    products: { radius: 6, color: "#0d2d57", weight: 2, dashArray: "1 3", fillColor: "#1d5fb8" },
  };
  function drawPoint(point, layer) {
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.name;
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.product || point.situation_label;
    popup.append(title, document.createElement("br"), link, document.createElement("br"), config.district_label + " " + point.district);
    var tooltip = document.createElement("span");
    tooltip.textContent = point.product || point.name + ": " + point.situation_label;
    var style = Object.assign(
      { fillOpacity: 0.85, className: "cv-marker-" + point.situation }, styles[point.situation] || styles.products
    );
    L.circleMarker([point.lat, point.lng], style).bindPopup(popup).bindTooltip(tooltip).addTo(layer);
  }
  // A cluster of a larger area: its number of places; a click zooms in on it.
  function drawCluster(cluster, layer) {
    var tooltip = document.createElement("span");
    tooltip.textContent = cluster.count + " " + config.cluster_label;
    var radius = Math.min(28, 8 + 3 * Math.log(cluster.count + 1));
    L.circleMarker([cluster.lat, cluster.lng], {
      radius: radius, color: "#0d2d57", weight: 2, fillColor: "#1d5fb8", fillOpacity: 0.6, className: "cv-marker-cluster",
    }).bindTooltip(tooltip).on("click", function () {
      map.setView([cluster.lat, cluster.lng], Math.min(map.getZoom() + 2, 18));
    }).addTo(layer);
  }
  // A listed place as a marker: its village link and name, its flagship's link if it has one.
  function listedPoint(item) {
    var links = item.querySelectorAll("a");
    var situation = item.className.replace("cv-place-", "");
    var position = item.dataset.ll.split(",");
    return {
      name: links[0].textContent,
      url: (links[1] || links[0]).getAttribute("href"),
      product: links[1] ? links[1].textContent : "",
      situation: situation,
      situation_label: config.situation_labels[situation] || "",
      district: item.closest("[data-district]").dataset.district,
      lat: parseFloat(position[0]),
      lng: parseFloat(position[1]),
    };
  }
  if (config.points_in_list) {
    var bounds = [];
    Array.prototype.map.call(document.querySelectorAll(".cv-places li[data-ll]"), listedPoint).forEach(function (point) {
      drawPoint(point, map);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
    } else {
      map.setView([-6.12, 106.2], 10);
    }
  } else if (config.points_url) {
    // A province or the country: the places of the area shown, asked for as the map moves. The box is
    // widened to whole grid cells so that nearby views ask the same address (and share its cache).
    var layer = L.layerGroup().addTo(map);
    var asked = 0;
    var load = function () {
      var zoom = map.getZoom();
      var cell = 360 / Math.pow(2, zoom) / 4;
      var box = map.getBounds();
      var snap = function (value, up) { return (up ? Math.ceil(value / cell) : Math.floor(value / cell)) * cell; };
      var clamp = function (value, limit) { return Math.max(-limit, Math.min(limit, value)); };
      var bbox = [
        clamp(snap(box.getWest(), false), 180), clamp(snap(box.getSouth(), false), 90),
        clamp(snap(box.getEast(), true), 180), clamp(snap(box.getNorth(), true), 90),
      ].map(function (value) { return value.toFixed(4); }).join(",");
      var ask = ++asked;
      fetch(config.points_url + "?bbox=" + bbox + "&zoom=" + zoom, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { points: [], clusters: [] }; })
        .then(function (data) {
          if (ask !== asked) return;  // a later view's answer wins
          layer.clearLayers();
          data.clusters.forEach(function (cluster) { drawCluster(cluster, layer); });
          data.points.forEach(function (point) { drawPoint(point, layer); });
          element.dataset.loaded = String(data.points.length + data.clusters.length);
        });
    };
    map.on("moveend", load);
    if (config.bounds) {
      map.fitBounds(config.bounds, { padding: [30, 30] });
    } else {
      map.setView([-2.5, 118], 5);
    }
  }
  element.dataset.ready = "true";
})();
