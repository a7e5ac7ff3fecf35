// The public map: villages with a flagship product as circles, each with a link to the product.
// The page lists the same places without JavaScript; the map only shows once Leaflet has loaded.
(function () {
  "use strict";
  var element = document.getElementById("ovop-map");
  var source = document.getElementById("ovop-map-config");
  if (!element || !source || typeof L === "undefined") return;
  var config = JSON.parse(source.textContent);
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.attribution }).addTo(map);
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
    L.circleMarker([point.lat, point.lng], {
      radius: 8, color: "#14502f", weight: 2, fillColor: "#1f6f43", fillOpacity: 0.8,
    }).bindPopup(popup).bindTooltip(point.product).addTo(map);
    bounds.push([point.lat, point.lng]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  } else {
    map.setView([-6.12, 106.2], 10);
  }
  element.dataset.ready = "true";
})();
