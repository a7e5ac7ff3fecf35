// The public map: villages with a flagship product as circles, each with a link to the product.
// The page lists the same places without JavaScript; the map only shows once Leaflet has loaded.
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
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18 }).addTo(map);
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
  var bounds = [];
  config.points.forEach(function (point) {
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.name;
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.product;
    popup.append(title, document.createElement("br"), link, document.createElement("br"), config.district_label + " " + point.district);
    var tooltip = document.createElement("span");
    tooltip.textContent = point.product;
    L.circleMarker([point.lat, point.lng], {
      radius: 8, color: "#14502f", weight: 2, fillColor: "#1f6f43", fillOpacity: 0.8,
    }).bindPopup(popup).bindTooltip(tooltip).addTo(map);
    bounds.push([point.lat, point.lng]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  } else {
    map.setView([-6.12, 106.2], 10);
  }
  element.dataset.ready = "true";
})();
