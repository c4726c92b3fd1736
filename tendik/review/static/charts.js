/* Tendik review: a tiny SVG charting module (no dependencies, no network).
 * Reads the JSON data block #dashboard-data and draws into every .chart[data-chart][data-series]:
 *   bars  - vertical bars (a time series), hbars - horizontal bars (top N), donut - shares.
 * Labels are set with textContent only, never as HTML. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f5fbf", "#d9822b", "#1c7c3c", "#b3261e", "#7a4fbf", "#0f8a8a", "#9a6700", "#5b6779"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, value, attrs) {
    var t = el("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    t.textContent = String(value);
    return t;
  }
  function svg(container, w, h, title) {
    var s = el("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": title || "chart" });
    container.appendChild(s);
    return s;
  }
  function empty(container) {
    var p = document.createElement("p");
    p.className = "muted";
    p.textContent = "No data in this period.";
    container.appendChild(p);
  }
  function total(series) { return series.reduce(function (a, d) { return a + (Number(d.value) || 0); }, 0); }

  function bars(container, series) {
    var w = 640, h = 240, pad = { l: 36, r: 8, t: 10, b: 40 };
    var max = Math.max.apply(null, series.map(function (d) { return d.value; }).concat([1]));
    var s = svg(container, w, h, "bar chart");
    var bw = (w - pad.l - pad.r) / Math.max(series.length, 1);
    [0, 0.5, 1].forEach(function (f) {
      var y = pad.t + (h - pad.t - pad.b) * (1 - f);
      el("line", { x1: pad.l, x2: w - pad.r, y1: y, y2: y, stroke: "#e3e7ee" }, s);
      text(s, pad.l - 4, y + 4, Math.round(max * f), { "text-anchor": "end" });
    });
    var every = Math.ceil(series.length / 10);
    series.forEach(function (d, i) {
      var bh = (h - pad.t - pad.b) * (d.value / max);
      var x = pad.l + i * bw;
      var r = el("rect", { x: x + 1, y: h - pad.b - bh, width: Math.max(bw - 2, 1), height: bh, fill: COLORS[0] }, s);
      el("title", {}, r).textContent = d.label + ": " + d.value;
      if (i % every === 0) text(s, x + bw / 2, h - pad.b + 14, d.label, { "text-anchor": "middle" });
    });
  }

  function hbars(container, series) {
    if (!series.length) return empty(container);
    var row = 22, w = 640, labelW = 250, h = series.length * row + 10;
    var max = Math.max.apply(null, series.map(function (d) { return d.value; }).concat([1]));
    var s = svg(container, w, h, "horizontal bar chart");
    series.forEach(function (d, i) {
      var y = 5 + i * row;
      text(s, labelW - 6, y + 14, d.label, { "text-anchor": "end" });
      var bw = (w - labelW - 50) * (d.value / max);
      el("rect", { x: labelW, y: y + 3, width: Math.max(bw, 1), height: row - 6, fill: COLORS[i % COLORS.length] }, s);
      text(s, labelW + bw + 4, y + 14, d.value);
    });
  }

  function donut(container, series) {
    var sum = total(series);
    if (!sum) return empty(container);
    var w = 420, h = 200, cx = 100, cy = 100, r = 80, r0 = 48;
    var s = svg(container, w, h, "donut chart");
    var angle = -Math.PI / 2;
    series.forEach(function (d, i) {
      var frac = d.value / sum;
      var color = COLORS[i % COLORS.length];
      if (frac >= 0.9999) {
        el("circle", { cx: cx, cy: cy, r: (r + r0) / 2, fill: "none", stroke: color, "stroke-width": r - r0 }, s);
      } else if (frac > 0) {
        var a1 = angle + frac * 2 * Math.PI, large = frac > 0.5 ? 1 : 0;
        var p = [
          "M", cx + r * Math.cos(angle), cy + r * Math.sin(angle),
          "A", r, r, 0, large, 1, cx + r * Math.cos(a1), cy + r * Math.sin(a1),
          "L", cx + r0 * Math.cos(a1), cy + r0 * Math.sin(a1),
          "A", r0, r0, 0, large, 0, cx + r0 * Math.cos(angle), cy + r0 * Math.sin(angle), "Z"
        ].join(" ");
        var path = el("path", { d: p, fill: color }, s);
        el("title", {}, path).textContent = d.label + ": " + d.value;
        angle = a1;
      }
      var ly = 20 + i * 22;
      el("rect", { x: 215, y: ly - 10, width: 12, height: 12, fill: color }, s);
      text(s, 233, ly, d.label + " — " + d.value + " (" + Math.round(100 * frac) + "%)");
    });
  }

  var DRAW = { bars: bars, hbars: hbars, donut: donut };

  function init() {
    var block = document.getElementById("dashboard-data");
    if (!block) return;
    var data;
    try { data = JSON.parse(block.textContent); } catch (e) { return; }
    document.querySelectorAll(".chart[data-chart][data-series]").forEach(function (container) {
      var draw = DRAW[container.getAttribute("data-chart")];
      var series = data[container.getAttribute("data-series")] || [];
      if (draw) draw(container, series);
      container.setAttribute("data-drawn", "1");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
