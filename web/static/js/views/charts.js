// Small SVG charts: a line chart over time and horizontal competency bars. No library.
import { h, scoreColor, svg } from "../dom.js";

export function lineChart(points, { height = 220, label = "Overall score" } = {}) {
  const width = 640;
  const pad = { l: 34, r: 12, t: 12, b: 26 };
  const box = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
  for (const v of [0, 25, 50, 75, 100]) {
    const y = pad.t + (1 - v / 100) * (height - pad.t - pad.b);
    box.append(svg("line", { x1: pad.l, x2: width - pad.r, y1: y, y2: y, stroke: "#edf0f6" }), svg("text", { x: 4, y: y + 4 }, v));
  }
  if (!points.length) return box;
  const x = (i) => pad.l + (points.length === 1 ? 0.5 : i / (points.length - 1)) * (width - pad.l - pad.r);
  const y = (v) => pad.t + (1 - v / 100) * (height - pad.t - pad.b);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  box.append(svg("path", { d: path, fill: "none", stroke: "#3b5bdb", "stroke-width": 2.5 }));
  points.forEach((p, i) => {
    const dot = svg("circle", { cx: x(i), cy: y(p.value), r: 4.5, fill: "#fff", stroke: "#3b5bdb", "stroke-width": 2 });
    dot.append(svg("title", {}, `${p.label}: ${Math.round(p.value)}`));
    box.append(dot);
  });
  const first = points[0].label, last = points[points.length - 1].label;
  box.append(svg("text", { x: pad.l, y: height - 6 }, first), svg("text", { x: width - pad.r, y: height - 6, "text-anchor": "end" }, last));
  return box;
}

export function sparkline(values) {
  const width = 120, height = 28;
  const box = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "trend" });
  if (values.length < 2) return box;
  const path = values.map((v, i) => `${i ? "L" : "M"}${((i / (values.length - 1)) * (width - 4) + 2).toFixed(1)},${(height - 2 - (v / 100) * (height - 4)).toFixed(1)}`).join(" ");
  box.append(svg("path", { d: path, fill: "none", stroke: "#3b5bdb", "stroke-width": 2 }));
  return box;
}

export function competencyBars(rows) {
  return h("div", { class: "stack", id: "competency-bars" }, rows.map((r) => {
    const bar = h("div", { class: "bar" }, h("div"));
    bar.firstChild.style.width = `${r.score}%`;
    bar.firstChild.style.background = scoreColor(r.score).replace(/(\d+)%\)$/, "45%)");
    return h("div", { class: "competency-head", dataset: { competency: r.id } },
      h("div", { class: "bar-label" }, r.name), bar, h("span", { class: "score" }, Math.round(r.score)),
      h("span", { class: "badge" }, r.level), r.trend ? h("span", { class: "muted small" }, r.trend) : null);
  }));
}
