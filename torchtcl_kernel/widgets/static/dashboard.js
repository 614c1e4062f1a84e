// The live dashboard's page side (an anywidget module; uPlot's own build is prepended to it).
//
// The kernel sends data only: a `snapshot` trait (every curve, thinned; set when a cell ends, and
// what a saved notebook keeps) and `delta` messages of new points, a few a second. This
// module keeps the points per widget model, so every view of it (a re-rendered output, a second
// tab) draws the same curves, and redraws at most once per animation frame.

const PANELS = [
  ["scale", "loss scale (log2)"],
  ["lr", "learning rate"],
  ["scalar", "logged scalars"],
];
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                "#bcbd22", "#7f7f7f"];
const OVERFLOW = "#d62728";
// per widget model, by its `key` trait: anywidget hands initialize and each view a different
// proxy of the model, so the proxy cannot be the key
const STORES = new Map();

// --- the points ------------------------------------------------------------------------------
function f64(view) {
  // a copy: buffers may sit at any byte offset of a larger message buffer
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  return new Float64Array(bytes.buffer);
}
function u8(view) {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

class Series {
  constructor(kind, label) {
    this.kind = kind;
    this.label = label;
    this.n = 0;
    this.step = new Float64Array(64);
    this.value = new Float64Array(64);
    this.skipped = new Uint8Array(64);
    this.tail = null;
    this.cached = null;                    // points(), until the series changes
  }
  clear() { this.n = 0; this.setTail(null); }
  setTail(tail) { this.tail = tail; this.cached = null; }
  append(step, value, skipped) {
    const need = this.n + step.length;
    if (need > this.step.length) {
      const size = Math.max(need, 2 * this.step.length);
      for (const name of ["step", "value", "skipped"]) {
        const grown = new this[name].constructor(size);
        grown.set(this[name].subarray(0, this.n));
        this[name] = grown;
      }
    }
    this.step.set(step, this.n);
    this.value.set(value, this.n);
    this.skipped.set(skipped, this.n);
    this.n = need;
    this.cached = null;
  }
  size() { return this.n + (this.tail ? this.tail.step.length : 0); }
  // committed points and the filling bucket's records, as plain arrays for drawing (made once
  // per change: every panel, the overflow marks and the shading read them)
  points() {
    if (!this.cached) this.cached = this.join();
    return this.cached;
  }
  join() {
    const t = this.tail;
    const k = t ? t.step.length : 0;
    const step = new Float64Array(this.n + k), value = new Float64Array(this.n + k);
    const skipped = new Uint8Array(this.n + k);
    step.set(this.step.subarray(0, this.n)); value.set(this.value.subarray(0, this.n));
    skipped.set(this.skipped.subarray(0, this.n));
    if (t) { step.set(t.step, this.n); value.set(t.value, this.n); skipped.set(t.skipped, this.n); }
    return { step, value, skipped };
  }
}

class Store {
  constructor() {
    this.series = new Map();
    this.listeners = new Set();
    this.final = false;
    this.status = "waiting for the first training step";
    this.messages = 0;
  }
  get(kind, label) {
    const key = kind + "\u0000" + label;
    let s = this.series.get(key);
    if (!s) { s = new Series(kind, label); this.series.set(key, s); }
    return s;
  }
  load(snapshot) {
    if (!snapshot || !snapshot.curves) return;
    this.series.clear();
    for (const c of snapshot.curves) {
      this.get(c.kind, c.label).append(f64(c.step), f64(c.value), u8(c.skipped));
    }
    this.final = !!snapshot.final;
    this.status = snapshot.status || "";
    this.notify();
  }
  apply(msg, buffers) {
    if (msg.type !== "delta") return;
    this.messages += 1;
    if (msg.reset) this.series.clear();
    let b = 0;
    for (const c of msg.curves) {
      const s = this.get(c.kind, c.label);
      if (c.mode === "replace") s.clear();
      s.append(f64(buffers[b]), f64(buffers[b + 1]), u8(buffers[b + 2]));
      b += 3;
      s.setTail(null);
      if (c.tail) {
        s.setTail({ step: f64(buffers[b]), value: f64(buffers[b + 1]), skipped: u8(buffers[b + 2]) });
        b += 3;
      }
    }
    this.final = false;
    this.status = msg.status;
    this.notify();
  }
  notify() { for (const f of this.listeners) f(); }
  ofKind(kind) {
    const list = [...this.series.values()].filter((s) => s.kind === kind && s.size() > 0);
    // a launched job's ranks ("rank0 loss", "rank1 loss") side by side in rank order, where the
    // first of them appeared, so each rank keeps its colour in every panel (series.py does the same)
    const first = new Map();
    const keys = new Map(list.map((s) => {
      const m = /^rank(\d+) ([\s\S]+)$/.exec(s.label);
      const name = m ? "rank\u0000" + m[2] : s.label;
      if (!first.has(name)) first.set(name, first.size);
      return [s, [first.get(name), m ? Number(m[1]) : -1]];
    }));
    return list.sort((a, b) => keys.get(a)[0] - keys.get(b)[0] || keys.get(a)[1] - keys.get(b)[1]);
  }
}

// --- what the page shows -----------------------------------------------------------------------
function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const a = Math.abs(v);
  return a >= 1e6 || (a !== 0 && a < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(5));
}

function ema(values, weight) {
  const out = new Array(values.length);
  let acc = null, norm = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) { out[i] = acc === null ? null : acc / norm; continue; }
    acc = acc === null ? v * (1 - weight) : acc * weight + v * (1 - weight);
    norm = norm * weight + (1 - weight);
    out[i] = acc / norm;                       // debiased, as TensorBoard smooths
  }
  return out;
}

// the loss scale's axis: powers of two only, at most six of them
function log2Splits(u, axis, min, max) {
  const lo = Math.ceil(Math.log2(min)), hi = Math.floor(Math.log2(max));
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 6));
  const out = [];
  for (let k = lo; k <= hi; k += every) out.push(2 ** k);
  return out;
}
function pow2(v) {
  if (v === null) return "";              // a label uPlot left out for want of room
  const k = Math.round(Math.log2(v));
  return v >= 1e5 || v < 1 ? "2^" + k : String(v);
}

// Whether a curve has a single value in view: it has no line to draw, so it gets a dot (a metric
// logged once among a loss logged at every step would not show at all).
function lone(ys, i0, i1) {
  let n = 0;
  for (let i = i0; i <= i1 && n < 2; i++) if (ys[i] !== null && ys[i] !== undefined) n++;
  return n === 1;
}

// rows for uPlot: one x (the union of steps) and a y per curve (null where it has no point)
function table(list, logY) {
  const tables = list.map((s) => {
    const p = s.points();
    const y = Array.from(p.value, (v) => (!Number.isFinite(v) || (logY && v <= 0) ? null : v));
    return [Array.from(p.step), y];
  });
  if (!tables.length) return [[]];
  return tables.length === 1 ? tables[0] : uPlot.join(tables);
}

function skippedSteps(store) {
  const steps = [];
  for (const s of store.ofKind("scale")) {
    const p = s.points();
    for (let i = 0; i < p.step.length; i++) if (p.skipped[i]) steps.push(p.step[i]);
  }
  return steps;
}

function shadeSkipped(getSteps) {
  return (u) => {
    const steps = getSteps();
    if (!steps.length) return;
    const ctx = u.ctx, { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.fillStyle = "rgba(214, 39, 40, 0.13)";
    for (const s of steps) {
      const x0 = u.valToPos(s - 0.5, "x", true), x1 = u.valToPos(s + 0.5, "x", true);
      ctx.fillRect(x0, top, Math.max(x1 - x0, 2 * uPlot.pxRatio), height);
    }
    ctx.restore();
  };
}

function render({ model, el }) {
  const store = STORES.get(model.get("key"));
  const root = document.createElement("div");
  root.className = "torchtcl-dashboard";
  const status = document.createElement("div");
  status.className = "torchtcl-status";
  const help = document.createElement("div");
  help.className = "torchtcl-help";
  help.textContent = "drag: zoom · ctrl+wheel: zoom · shift+wheel: pan · double-click: all steps · shaded: skipped steps";
  const body = document.createElement("div");
  root.append(status, body, help);
  el.appendChild(root);

  const syncKey = "torchtcl-" + Math.random().toString(36).slice(2);
  const panels = new Map();        // kind -> {div, plot, layout, log, smooth}
  let zoom = null;                 // the x range the reader chose, or null: follow the data
  let width = Math.max(320, el.clientWidth || 640);
  let frame = 0;
  let skipped = [];                // the scalers' skipped steps, shaded in every panel

  function panel(kind, title) {
    let p = panels.get(kind);
    if (p) return p;
    const div = document.createElement("div");
    div.className = "torchtcl-panel";
    const head = document.createElement("div");
    head.className = "torchtcl-panel-head";
    const name = document.createElement("span");
    name.textContent = title;
    head.appendChild(name);
    const chart = document.createElement("div");
    div.append(head, chart);
    p = { div, chart, plot: null, layout: "", log: false, smooth: false, weight: 0.9 };
    if (kind !== "scale") head.appendChild(toggle("log y", (on) => { p.log = on; p.layout = ""; draw(); }));
    if (kind === "scalar") head.appendChild(toggle("EMA", (on) => { p.smooth = on; p.layout = ""; draw(); }));
    // panels in a fixed order, whatever order their first data came in
    const order = PANELS.map(([k]) => k);
    const after = [...panels.keys()].filter((k) => order.indexOf(k) > order.indexOf(kind));
    body.insertBefore(div, after.length ? panels.get(after[0]).div : null);
    panels.set(kind, p);
    return p;
  }

  function toggle(label, onChange) {
    const box = document.createElement("label");
    box.className = "torchtcl-toggle";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.addEventListener("change", () => onChange(input.checked));
    box.append(input, " " + label);
    return box;
  }

  function seriesOptions(kind, list, p) {
    const out = [{ label: "step", value: (u, v) => (v === null ? "–" : String(v)) }];
    list.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      if (kind === "scalar" && p.smooth) {
        out.push({ label: s.label + " (raw)", stroke: color + "44", width: 1, spanGaps: true,
                   value: (u, v) => fmt(v) });
        out.push({ label: s.label + " (EMA)", stroke: color, width: 2, spanGaps: true,
                   value: (u, v) => fmt(v) });
      } else {
        // a loss scale reads exactly (powers of two); other values to five digits
        out.push({ label: s.label, stroke: color, width: 1.5, spanGaps: true,
                   points: { show: (u, si, i0, i1) => lone(u.data[si], i0, i1) },
                   value: (u, v) => (kind === "scale" && v !== null ? String(v) : fmt(v)) });
      }
      if (kind === "scale") {
        out.push({ label: s.label + " overflow", stroke: OVERFLOW, fill: OVERFLOW, width: 0,
                   paths: () => null, points: { show: true, size: 7, stroke: OVERFLOW, fill: OVERFLOW },
                   value: (u, v) => (v === null ? "–" : "skipped") });
      }
    });
    return out;
  }

  function data(kind, list, p) {
    const base = table(list, kind === "scale" || p.log);
    if (kind === "scalar" && p.smooth) {
      const rows = [base[0]];
      for (let i = 1; i < base.length; i++) rows.push(base[i], ema(base[i], p.weight));
      return rows;
    }
    if (kind === "scale") {
      // beside each scaler's curve, its overflow marks: the value at a skipped step, else null
      const rows = [base[0]];
      list.forEach((s, i) => {
        const pts = s.points();
        const bad = new Set();
        for (let j = 0; j < pts.step.length; j++) if (pts.skipped[j]) bad.add(pts.step[j]);
        rows.push(base[i + 1], base[i + 1].map((v, j) => (bad.has(base[0][j]) ? v : null)));
      });
      return rows;
    }
    return base;
  }

  function build(kind, list, p, rows, last) {
    if (p.plot) p.plot.destroy();
    const log = kind === "scale" || p.log;
    const opts = {
      width, height: 190, pxAlign: false,
      cursor: { sync: { key: syncKey, setSeries: false }, drag: { x: true, y: false } },
      scales: { x: { time: false }, y: log ? { distr: 3, log: kind === "scale" ? 2 : 10 } : {} },
      axes: [
        { label: last ? "step" : "", size: last ? 40 : 28 },
        kind === "scale" ? { size: 72, splits: log2Splits, values: (u, ticks) => ticks.map(pow2) }
                         : { size: 72, values: (u, ticks) => ticks.map((v) => (v === null ? "" : fmt(v))) },
      ],
      legend: { live: true },
      series: seriesOptions(kind, list, p),
      hooks: {
        drawClear: [shadeSkipped(() => skipped)],
        setSelect: [(u) => {
          if (u.select.width > 2) {
            setZoom(u.posToVal(u.select.left, "x"), u.posToVal(u.select.left + u.select.width, "x"));
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        }],
      },
    };
    opts.cursor.drag.setScale = false;           // zooming goes through setZoom, for every panel
    p.plot = new uPlot(opts, rows, p.chart);
    capLegend(p.plot, list.length, opts.series.length > list.length + 1 ? 2 : 1);
    p.plot.over.addEventListener("dblclick", () => setZoom(null));
    p.plot.over.addEventListener("wheel", (e) => wheel(e, p.plot), { passive: false });
  }

  // Past `named` curves (series.NAMED) the legend names the first ones and counts the others:
  // a loop that logs under a new name at every step would make a legend of thousands.
  function capLegend(u, curves, perCurve) {
    const named = model.get("named");
    if (!(curves > named)) return;      // (a notebook saved before `named` existed: no cap)
    const rows = u.root.querySelectorAll(".u-legend .u-series");
    for (let i = 1 + named * perCurve; i < rows.length; i++) rows[i].style.display = "none";
    const more = document.createElement("tr");
    more.className = "torchtcl-more";
    more.textContent = `${curves - named} more`;
    rows[0].parentElement.appendChild(more);
  }

  function wheel(e, u) {
    if (!(e.ctrlKey || e.metaKey || e.shiftKey)) return;    // a plain wheel scrolls the notebook
    e.preventDefault();
    const { min, max } = u.scales.x;
    if (min === null || max === null) return;
    const span = max - min;
    if (e.shiftKey) {
      const shift = span * 0.1 * Math.sign(e.deltaY || e.deltaX);
      setZoom(min + shift, max + shift);
    } else {
      const at = u.posToVal(e.offsetX, "x"), k = e.deltaY > 0 ? 1.25 : 0.8;
      setZoom(at - (at - min) * k, at + (max - at) * k);
    }
  }

  function setZoom(min, max) {
    zoom = min === null ? null : [min, max];
    root.classList.toggle("torchtcl-zoomed", zoom !== null);
    for (const p of panels.values()) {
      if (!p.plot) continue;
      if (zoom) p.plot.setScale("x", { min: zoom[0], max: zoom[1] });
      else p.plot.setData(p.plot.data, true);
    }
  }

  function draw() {
    frame = 0;
    status.textContent = store.status;
    const counts = {};
    for (const s of store.series.values()) counts[s.kind + ":" + s.label] = s.size();
    el.dataset.points = JSON.stringify(counts);
    el.dataset.messages = String(store.messages);
    skipped = skippedSteps(store);
    const shown = PANELS.filter(([kind]) => store.ofKind(kind).length);
    for (const [kind, title] of shown) {
      const list = store.ofKind(kind);
      const p = panel(kind, title);
      const rows = data(kind, list, p);
      const last = kind === shown[shown.length - 1][0];     // the step axis is named once, below
      const layout = list.map((s) => s.label).join("\n") + (last ? "#last" : "");
      if (layout !== p.layout || !p.plot) {
        p.layout = layout;
        build(kind, list, p, rows, last);
        if (zoom) p.plot.setScale("x", { min: zoom[0], max: zoom[1] });
      } else {
        p.plot.setData(rows, zoom === null);
      }
    }
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  const resize = new ResizeObserver(() => {
    const w = Math.max(320, Math.floor(el.clientWidth));
    if (w === width) return;
    width = w;
    for (const p of panels.values()) if (p.plot) p.plot.setSize({ width, height: 190 });
  });
  resize.observe(el);
  store.listeners.add(schedule);
  draw();
  return () => {
    store.listeners.delete(schedule);
    resize.disconnect();
    if (frame) cancelAnimationFrame(frame);
    for (const p of panels.values()) if (p.plot) p.plot.destroy();
  };
}

function initialize({ model }) {
  const store = new Store();
  STORES.set(model.get("key"), store);
  store.load(model.get("snapshot"));
  model.on("change:snapshot", () => store.load(model.get("snapshot")));
  model.on("msg:custom", (msg, buffers) => store.apply(msg, buffers));
}

export default { initialize, render };
