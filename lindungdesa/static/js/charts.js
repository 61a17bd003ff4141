// The choropleth map (Leaflet). Its data come from JSON addresses on the same site; the same figures are
// in the tables. No inline scripts (CSP). Trend charts are drawn on the server as SVG (indicators/charts.py).
// Leaflet (about 45 KB compressed) and the shapes are fetched once the page has loaded: on a slow link the
// page is read and used first, the map comes after (docs/benchmarks.md).
(function () {
  "use strict";
  var pct = new Intl.NumberFormat("id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var whole = new Intl.NumberFormat("id-ID");
  function percent(v) { return v === null || v === undefined ? "–" : pct.format(v) + "\u00a0%"; }

  function colourOf(classes, noData, value) {
    if (value === null || value === undefined) { return noData; }
    var colour = classes[0].colour;
    classes.forEach(function (c) { if (value >= c.from) { colour = c.colour; } });
    return colour;
  }

  function failed(el) {
    el.textContent = "Peta tidak dapat dimuat. Angka yang sama ada di tabel.";
    el.classList.add("map-failed");
  }

  // Leaflet's stylesheet and script, added to the page; the map once both are there.
  function withLeaflet(el, then) {
    var waiting = 2;
    function one() { waiting -= 1; if (!waiting) { then(); } }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = el.getAttribute("data-leaflet-css");
    css.onload = one;
    css.onerror = function () { failed(el); };
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = el.getAttribute("data-leaflet");
    script.onload = one;
    script.onerror = function () { failed(el); };
    document.head.appendChild(script);
  }

  function map() {
    var el = document.getElementById("peta");
    if (!el || !window.L) { return; }
    var select = document.getElementById("peta-indikator");
    var leaflet = window.L.map(el, { zoomSnap: 0.25, scrollWheelZoom: false, zoomControl: false });
    // The zoom buttons' titles in the page's language (data-zoom-in, data-zoom-out from the template).
    window.L.control.zoom({
      zoomInTitle: el.getAttribute("data-zoom-in") || "+",
      zoomOutTitle: el.getAttribute("data-zoom-out") || "-"
    }).addTo(leaflet);
    function json(url) {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    }
    // The shapes are kept by the browser (they rarely change); only the month's figures travel each time.
    Promise.all([json(el.getAttribute("data-shapes")), json(el.getAttribute("data-url"))])
      .then(function (both) {
        var shapes = both[0], data = both[1];
        shapes.features.forEach(function (f) {
          var figures = data.figures[f.properties.code] || {};
          Object.keys(figures).forEach(function (k) { f.properties[k] = figures[k]; });
        });
        leaflet.attributionControl.setPrefix(false);
        leaflet.attributionControl.addAttribution(data.attribution);
        var indicator = select ? select.value : "aparat";
        function style(feature) {
          return {
            fillColor: colourOf(data.classes, data.no_data, feature.properties[indicator]),
            fillOpacity: 0.85, color: "#ffffff", weight: 1
          };
        }
        function tooltip(p) {
          var lines = ["<strong>" + p.name.replace(/</g, "&lt;") + "</strong>",
            "Aparat: " + percent(p.aparat) + " (" + whole.format(p.aparat_protected || 0) + "/" + whole.format(p.aparat_serving || 0) + ")",
            "BPD: " + percent(p.bpd) + " (" + whole.format(p.bpd_protected || 0) + "/" + whole.format(p.bpd_serving || 0) + ")",
            "Desa terdaftar: " + percent(p.desa) + "; belum mendaftar: " + whole.format(p.villages_unregistered || 0)];
          if (p.ucj !== null && p.ucj !== undefined) { lines.push("UCJ " + (p.ucj_year || "") + ": " + percent(p.ucj)); }
          return lines.join("<br>");
        }
        var layer = window.L.geoJSON(shapes, {
          style: style,
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(tooltip(feature.properties), { sticky: true });
            shape.on("mouseover", function () { shape.setStyle({ weight: 3, color: "#333333" }); });
            shape.on("mouseout", function () { layer.resetStyle(shape); });
            shape.on("click", function () { if (feature.properties.url) { window.location.href = feature.properties.url; } });
          }
        }).addTo(leaflet);
        leaflet.fitBounds(layer.getBounds(), { padding: [8, 8] });
        if (select) {
          select.addEventListener("change", function () { indicator = select.value; layer.setStyle(style); });
        }
      })
      .catch(function () { failed(el); });
  }

  // The legend's colours at once (inline style attributes are refused by the Content-Security-Policy).
  document.querySelectorAll(".swatch[data-colour]").forEach(function (s) {
    s.style.backgroundColor = s.getAttribute("data-colour");
  });
  var el = document.getElementById("peta");
  if (el) {
    if (document.readyState === "complete") {
      withLeaflet(el, map);
    } else {
      window.addEventListener("load", function () { withLeaflet(el, map); });
    }
  }
})();
