// api/web/app.js - the trainchain dashboard's logic: reads the /api/ endpoints with the
// bearer token (from the URL fragment #token=..., else sessionStorage, else a form), renders the
// runs, the metric charts (SVG), blocks, nodes, gas report and recovery figure, and polls the
// selected run every 2 s. Plain ES2020, no dependencies.
"use strict";

const POLL_MS = 2000;
const GAS_MIN_MS = 10000;
const SVG_NS = "http://www.w3.org/2000/svg";
const TOKEN_KEY = "trainchain.token";

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// State

const app = {
  token: "",
  runs: [],
  run: null,             // selected run name
  blocks: -1,            // block count of the last rendered history
  history: [],
  nodes: null,
  gas: null,
  gasAt: 0,              // when the gas report was last fetched
  gasBlocks: -1,         // block count it was fetched for
  keep: 5,
  recoveryKey: "",
  detailHeight: null,
  timer: null,
  polling: false,
  failures: 0,
  authFailed: false,
};

// ---------------------------------------------------------------------------------------------
// Token and URL fragment

function fragment() {
  return new URLSearchParams(location.hash.replace(/^#/, ""));
}

function initToken() {
  const f = fragment();
  const t = f.get("token");
  if (t) {
    app.token = t.trim();
    try { sessionStorage.setItem(TOKEN_KEY, app.token); } catch (_) { /* storage may be off */ }
    f.delete("token");  // keep the token out of the address bar and history
    history.replaceState(null, "", location.pathname + location.search + (f.toString() ? "#" + f : ""));
  } else {
    try { app.token = sessionStorage.getItem(TOKEN_KEY) || ""; } catch (_) { app.token = ""; }
  }
  const r = f.get("run");
  if (r) app.run = r;
}

function rememberRun(name) {
  const f = fragment();
  f.delete("token");
  f.set("run", name);
  history.replaceState(null, "", location.pathname + location.search + "#" + f);
}

function showTokenForm(reason) {
  $("token-form").hidden = false;
  $("token-reason").textContent = reason;
  $("token-input").focus();
}

$("token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const t = $("token-input").value.trim();
  if (!t) return;
  app.token = t;
  try { sessionStorage.setItem(TOKEN_KEY, t); } catch (_) { /* ignore */ }
  $("token-form").hidden = true;
  app.authFailed = false;
  schedule(0);
});

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path) {
  let r;
  try {
    r = await fetch(path, { headers: { Authorization: "Bearer " + app.token }, cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "server unreachable");
  }
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { const j = await r.json(); if (j && j.error) msg = j.error; } catch (_) { /* not JSON */ }
    throw new ApiError(r.status, msg);
  }
  return r.json();
}

// ---------------------------------------------------------------------------------------------
// Formatting

const intFmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
function fmtInt(v) { return v === null || v === undefined ? "–" : intFmt.format(v); }
function fmtNum(v, digits = 4) {
  if (v === null || v === undefined) return "NaN";
  if (typeof v !== "number") return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return Number(v.toFixed(digits)).toString();
}
function fmtPct(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + " %"; }
function fmtCompact(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 0 : 1) + "G";
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M";
  if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + "k";
  return Number(v.toFixed(3)).toString();
}
function shortHex(h, n = 10) { return h ? h.slice(0, n) + "…" : ""; }
function fmtTime(ms, withDate) {
  if (!ms) return "";
  const d = new Date(ms);
  const pad = (x) => String(x).padStart(2, "0");
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

// ---------------------------------------------------------------------------------------------
// DOM helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) e.append(c);
  return e;
}

function titled(node, text) {
  node.append(svg("title", { text }));
  return node;
}

// ---------------------------------------------------------------------------------------------
// Status line

function setStatus(state, text) {
  const s = $("status");
  s.dataset.state = state;
  $("status-text").textContent = text;
}

function showError(text) {
  const b = $("error");
  if (!text) { b.hidden = true; b.textContent = ""; return; }
  b.hidden = false;
  b.textContent = text;
}

// ---------------------------------------------------------------------------------------------
// Polling

function schedule(ms) {
  clearTimeout(app.timer);
  app.timer = setTimeout(poll, ms);
}

async function poll() {
  if (app.polling) return;
  app.polling = true;
  let next = POLL_MS;
  try {
    if (!app.token) {
      setStatus("auth", "token needed");
      showTokenForm("The API needs the workspace's bearer token (in WS/serve.json).");
      app.authFailed = true;
      return;
    }
    const runs = await api("/api/runs");
    app.runs = runs.runs || [];
    if (!app.run || !app.runs.some((r) => r.name === app.run)) {
      app.run = app.runs.length ? app.runs[app.runs.length - 1].name : null;
      app.blocks = -1;
    }
    renderRuns();
    if (app.run) await refreshRun(); else renderNoRun();
    app.failures = 0;
    showError("");
    setStatus("live", "live · updated " + new Date().toLocaleTimeString());
    $("updated").textContent = "last update " + new Date().toLocaleTimeString();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      app.authFailed = true;
      setStatus("auth", "unauthorized");
      showTokenForm("The server refused the token (" + e.message + "). Paste the token from WS/serve.json.");
      return;  // no polling until a new token is given
    }
    if (e instanceof ApiError && e.status === 0) {
      app.failures += 1;
      setStatus("down", "disconnected, retrying…");
      next = Math.min(POLL_MS * Math.pow(1.5, app.failures), 15000);
    } else {
      setStatus("error", "error");
      showError(e.message || String(e));
      if (!(e instanceof ApiError)) console.error(e);
    }
  } finally {
    app.polling = false;
    if (!app.authFailed) schedule(next);
  }
}

async function refreshRun() {
  const name = app.run;
  const enc = encodeURIComponent(name);
  const state = await api(`/api/runs/${enc}/state`);
  if (name !== app.run) return;
  const changed = state.blocks !== app.blocks;
  if (changed) {
    const [hist, nodes, verify] = await Promise.all([
      api(`/api/runs/${enc}/history`),
      api(`/api/runs/${enc}/nodes`),
      api(`/api/runs/${enc}/verify`),
    ]);
    if (name !== app.run) return;
    app.history = hist;
    app.nodes = nodes;
    app.blocks = hist.length;
    app.lastVerify = verify;
    renderCharts();
    renderBlocks();
    renderNodes();
  }
  renderSummary(state, app.lastVerify);
  const recKey = name + "/" + app.blocks + "/" + app.keep;
  if (recKey !== app.recoveryKey) {
    const rec = await api(`/api/runs/${enc}/recovery?keep=${app.keep}`);
    if (name !== app.run) return;
    app.recoveryKey = recKey;
    renderRecovery(rec);
  }
  const now = Date.now();
  if (app.gasBlocks !== app.blocks && (app.gasBlocks < 0 || now - app.gasAt >= GAS_MIN_MS)) {
    app.gasAt = now;
    const gas = await api(`/api/runs/${enc}/gas`);
    if (name !== app.run) return;
    app.gas = gas;
    app.gasBlocks = app.blocks;
    renderGas();
  }
}

function selectRun(name) {
  if (name === app.run) return;
  app.run = name;
  app.blocks = -1;
  app.gasBlocks = -1;
  app.recoveryKey = "";
  app.lastVerify = null;
  app.detailHeight = null;
  $("block-detail").hidden = true;
  rememberRun(name);
  renderRuns();
  schedule(0);
}

// ---------------------------------------------------------------------------------------------
// Runs

function renderRuns() {
  const ul = $("runs");
  ul.replaceChildren(...app.runs.map((r) => {
    const sel = r.name === app.run;
    return el("li", { "data-run": r.name, class: sel ? "selected" : "" },
      el("button", { type: "button", "aria-current": sel ? "true" : null, onclick: () => selectRun(r.name) },
        el("span", { class: "run-name", text: r.name }),
        el("span", { class: "run-meta", text: `${r.blocks} blocks · ${r.nodes} nodes · ${r.difficulty_bits} bits · ${r.fork}` })));
  }));
  $("runs-count").textContent = app.runs.length;
  $("runs-empty").hidden = app.runs.length > 0;
}

/// Shows or hides everything that belongs to a selected run.
function showRunView(on) {
  $("no-run").hidden = on;
  for (const e of document.querySelectorAll("#main > section, #main > .two-col")) e.hidden = !on;
}

function renderNoRun() {
  showRunView(false);
  $("no-run").textContent = app.runs.length ? "Select a run." : "No runs in this workspace yet: the dashboard shows one as soon as it exists.";
  $("run-title").textContent = "";
}

// ---------------------------------------------------------------------------------------------
// Summary cards

function card(label, value, sub, attrs) {
  return el("div", Object.assign({ class: "stat" }, attrs || {}),
    el("div", { class: "stat-label", text: label }),
    el("div", { class: "stat-value", text: value }),
    sub ? el("div", { class: "stat-sub", text: sub }) : null);
}

function renderSummary(state, verify) {
  showRunView(true);
  $("run-title").textContent = state.name;
  const s = state.state;
  const last = app.history.length ? app.history[app.history.length - 1] : null;
  const epochs = app.history.filter((b) => b.kind === "epoch");
  const best = epochs.reduce((m, b) => (m === null || b.accuracy > m.accuracy ? b : m), null);
  const cards = [
    card("blocks", fmtInt(state.blocks), last ? "last " + fmtTime(last.timestamp_ms) : "", { id: "stat-blocks", "data-value": state.blocks }),
    card("current state", s ? "epoch " + s.epoch : "none", s ? `acc ${fmtNum(s.accuracy)} · block #${s.height}` : "no epoch yet", { id: "stat-state" }),
    card("best accuracy", best ? fmtNum(best.accuracy) : "–", best ? `epoch ${best.epoch} · block #${best.height}` : "", { id: "stat-best" }),
    card("next epoch", String(state.next_epoch), state.api ? "posted through the API" : "written by trainchain train", { id: "stat-next" }),
    card("rollbacks", String(state.rollbacks), state.settings ? `auto ${state.settings.auto_rollback ? "on" : "off"} · max ${state.settings.max_rollbacks}` : "", { id: "stat-rollbacks", "data-value": state.rollbacks }),
  ];
  let v;
  if (verify) {
    const ok = !!verify.ok;
    v = el("div", { id: "verify", class: "stat verify " + (ok ? "ok" : "bad"), "data-ok": String(ok) },
      el("div", { class: "stat-label", text: "verify" }),
      el("div", { class: "stat-value", text: ok ? "✓ OK" : "✗ FAILED" }),
      el("div", { class: "stat-sub", text: ok ? `${verify.blocks} blocks verified` : `block ${verify.bad_height ?? "?"}: ${verify.reason}` }));
  } else {
    const old = $("verify");
    v = old || el("div", { id: "verify", class: "stat verify", "data-ok": "" }, el("div", { class: "stat-label", text: "verify" }), el("div", { class: "stat-value", text: "…" }));
  }
  cards.push(v);
  $("summary").replaceChildren(...cards);
}

// ---------------------------------------------------------------------------------------------
// Metric charts

function testLoss(b) {
  if (!b.note || b.note[0] !== "{") return undefined;
  try {
    const j = JSON.parse(b.note);
    if (!("test_loss" in j)) return undefined;
    return typeof j.test_loss === "number" ? j.test_loss : null;
  } catch (_) { return undefined; }
}

/// A rollback block's reason: the "reason" of its JSON note ({kind, epoch, rule, reason}), or an
/// older chain's text note as it is.
function rollbackReason(b) {
  if (!b.note || b.note[0] !== "{") return b.note;
  try {
    const j = JSON.parse(b.note);
    return typeof j.reason === "string" ? `${j.reason} (${j.kind})` : b.note;
  } catch (_) { return b.note; }
}

/// Heights of epoch blocks a later rollback abandoned: those after its target, before it.
function abandonedHeights(hist) {
  const out = new Set();
  for (const b of hist) {
    if (b.kind !== "rollback" || b.target === undefined) continue;
    for (const e of hist) if (e.kind === "epoch" && e.height > b.target && e.height < b.height) out.add(e.height);
  }
  return out;
}

function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks = [];
  for (let v = start; v <= end + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return { lo: start, hi: end, ticks };
}

function chartFrame(svgEl, w, h) {
  svgEl.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svgEl.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svgEl.replaceChildren();
}

/// Draws one metric by block height. series: [{name, cls, points:[{x,y,abandoned,label}]}];
/// nan: heights whose value is not finite (drawn as marks at the top).
function drawMetric(svgEl, opts) {
  const W = 640, H = 260, m = { l: 52, r: 16, t: 22, b: 34 };
  chartFrame(svgEl, W, H);
  const hist = app.history;
  const maxH = hist.length ? hist[hist.length - 1].height : 1;
  const xs = (x) => m.l + (maxH <= 0 ? 0 : (x / maxH) * (W - m.l - m.r));
  const vals = [];
  for (const s of opts.series) for (const p of s.points) if (p.y !== null && Number.isFinite(p.y)) vals.push(p.y);
  let lo = opts.min !== undefined ? opts.min : Math.min(...vals, Infinity);
  let hi = Math.max(...vals, -Infinity);
  if (!vals.length) { lo = 0; hi = 1; }
  if (opts.min === undefined) lo = Math.max(0, lo - (hi - lo) * 0.1);
  if (opts.max !== undefined) hi = Math.min(opts.max, Math.max(hi, lo + 1e-9));
  if (hi - lo < 1e-9) { hi = lo + (Math.abs(lo) || 1) * 0.1; }
  const nt = niceTicks(lo, hi, 5);
  if (opts.max !== undefined) nt.hi = Math.min(nt.hi, Math.max(opts.max, hi));
  const ys = (y) => H - m.b - ((y - nt.lo) / (nt.hi - nt.lo)) * (H - m.t - m.b);

  const g = svg("g", { class: "axes" });
  for (const t of nt.ticks) {
    if (t < nt.lo - 1e-12 || t > nt.hi + 1e-12) continue;
    g.append(svg("line", { class: "grid-line", x1: m.l, x2: W - m.r, y1: ys(t), y2: ys(t) }));
    g.append(svg("text", { class: "tick", x: m.l - 6, y: ys(t) + 4, "text-anchor": "end", text: opts.fmt ? opts.fmt(t) : fmtCompact(t) }));
  }
  const xt = niceTicks(0, Math.max(maxH, 1), Math.min(8, Math.max(1, maxH)));
  for (const t of xt.ticks) {
    if (t > maxH || !Number.isInteger(t)) continue;
    g.append(svg("line", { class: "x-tick", x1: xs(t), x2: xs(t), y1: H - m.b, y2: H - m.b + 4 }));
    g.append(svg("text", { class: "tick", x: xs(t), y: H - m.b + 16, "text-anchor": "middle", text: String(t) }));
  }
  g.append(svg("line", { class: "axis", x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
  g.append(svg("text", { class: "axis-label", x: W - m.r, y: H - 4, "text-anchor": "end", text: "block height" }));
  svgEl.append(g);

  // Rollbacks: a shaded band over the abandoned stretch and a vertical line at the rollback block.
  const rb = svg("g", { class: "rollbacks" });
  for (const b of hist) {
    if (b.kind !== "rollback") continue;
    const x = xs(b.height);
    if (b.target !== undefined) {
      const x0 = xs(b.target);
      rb.append(titled(svg("rect", { class: "abandoned-band", x: x0, y: m.t, width: Math.max(0, x - x0), height: H - m.t - m.b }),
        `abandoned: blocks ${b.target + 1}–${b.height - 1}`));
    }
    const mark = svg("g", { class: "rollback", "data-height": b.height, "data-target": b.target });
    mark.append(svg("line", { x1: x, x2: x, y1: m.t - 6, y2: H - m.b }));
    mark.append(svg("path", { class: "rollback-head", d: `M${x - 5},${m.t - 12} L${x + 5},${m.t - 12} L${x},${m.t - 5} Z` }));
    mark.append(svg("text", { class: "rollback-label", x: x + 4, y: m.t - 10, text: `↶ #${b.target}` }));
    titled(mark, `block ${b.height}: rollback to block ${b.target} (epoch ${b.epoch})${b.note ? " — " + rollbackReason(b) : ""}`);
    rb.append(mark);
  }
  svgEl.append(rb);

  for (const s of opts.series) {
    const sg = svg("g", { class: "series " + s.cls, "data-series": s.name });
    // The kept lineage as one line; each abandoned point joined to the point before it, dashed.
    const pts = s.points.filter((p) => p.y !== null && Number.isFinite(p.y));
    const kept = pts.filter((p) => !p.abandoned);
    if (kept.length > 1)
      sg.append(svg("path", { class: "line", d: kept.map((p, i) => (i ? "L" : "M") + xs(p.x).toFixed(1) + "," + ys(p.y).toFixed(1)).join(" ") }));
    for (let i = 0; i < pts.length; i++) {
      if (!pts[i].abandoned) continue;
      const prev = pts[i - 1];
      if (prev) sg.append(svg("path", { class: "line abandoned", d: `M${xs(prev.x)},${ys(prev.y)} L${xs(pts[i].x)},${ys(pts[i].y)}` }));
    }
    for (const p of pts)
      sg.append(titled(svg("circle", { class: "pt" + (p.abandoned ? " abandoned" : ""), cx: xs(p.x), cy: ys(p.y), r: p.abandoned ? 4.5 : 3.5, "data-height": p.x }), p.label));
    for (const p of s.points) {
      if (p.y !== null && Number.isFinite(p.y)) continue;
      const x = xs(p.x);
      sg.append(titled(svg("text", { class: "nan", x, y: m.t + 12, "text-anchor": "middle", "data-height": p.x, text: "NaN" }), p.label + ": not finite"));
    }
    svgEl.append(sg);
  }
  if (!hist.some((b) => b.kind === "epoch"))
    svgEl.append(svg("text", { class: "empty", x: W / 2, y: H / 2, "text-anchor": "middle", text: "no epochs yet" }));
}

function renderCharts() {
  const hist = app.history;
  const ab = abandonedHeights(hist);
  const epochs = hist.filter((b) => b.kind === "epoch");
  const pt = (b, y, what) => ({ x: b.height, y, abandoned: ab.has(b.height), label: `block ${b.height} · epoch ${b.epoch} · ${what} ${fmtNum(y)}${ab.has(b.height) ? " (abandoned)" : ""}` });
  drawMetric($("chart-accuracy"), {
    min: 0, max: 1, fmt: (t) => Number(t.toFixed(2)).toString(),
    series: [{ name: "accuracy", cls: "s-acc", points: epochs.map((b) => pt(b, b.accuracy, "accuracy")) }],
  });
  const test = epochs.map((b) => ({ b, t: testLoss(b) })).filter((o) => o.t !== undefined);
  const series = [{ name: "loss", cls: "s-loss", points: epochs.map((b) => pt(b, b.loss, "train loss")) }];
  if (test.length) series.push({ name: "test_loss", cls: "s-test", points: test.map((o) => pt(o.b, o.t, "test loss")) });
  drawMetric($("chart-loss"), { series });
}

// ---------------------------------------------------------------------------------------------
// Blocks

function renderBlocks() {
  const ab = abandonedHeights(app.history);
  const tbody = $("blocks").tBodies[0];
  const rows = app.history.slice().reverse().map((b) => {
    const cls = ["kind-" + b.kind];
    if (ab.has(b.height)) cls.push("abandoned");
    if (b.height === app.detailHeight) cls.push("active");
    const isMetric = b.kind === "epoch" || b.kind === "rollback";
    const note = b.kind === "rollback" ? `→ block ${b.target}: ${rollbackReason(b)}` : (b.kind === "epoch" ? "" : b.note);
    const tl = testLoss(b);
    return el("tr", {
      "data-height": b.height, "data-hash": b.hash, "data-kind": b.kind, class: cls.join(" "), tabindex: 0,
      onclick: () => showBlock(b.height), onkeydown: (ev) => { if (ev.key === "Enter") showBlock(b.height); },
    },
      el("td", { class: "num", text: b.height }),
      el("td", {}, el("span", { class: "badge " + b.kind, text: b.kind }), ab.has(b.height) ? el("span", { class: "badge abandoned", text: "abandoned", title: "rolled back by a later block" }) : null),
      el("td", { class: "num", text: isMetric ? b.epoch : "" }),
      el("td", { class: "num", text: isMetric ? fmtNum(b.accuracy) : "" }),
      el("td", { class: "num" + (b.loss === null ? " nan" : ""), text: isMetric ? fmtNum(b.loss) : "", title: tl !== undefined ? "test loss " + fmtNum(tl) : null }),
      el("td", { class: "hash mono", title: b.hash, text: shortHex(b.hash, 10) }),
      el("td", { class: "num mono nonce", text: b.nonce }),
      el("td", { class: "num", text: b.winner }),
      el("td", { class: "num votes", text: b.votes }),
      el("td", { class: "num gas", "data-gas": b.gas, text: fmtInt(b.gas) }),
      el("td", { class: "time", title: fmtTime(b.timestamp_ms, true), text: fmtTime(b.timestamp_ms) }),
      el("td", { class: "note", title: b.note || null, text: note || "" }));
  });
  tbody.replaceChildren(...rows);
  $("blocks-count").textContent = app.history.length;
}

async function showBlock(h) {
  const d = $("block-detail");
  if (app.detailHeight === h && !d.hidden) { d.hidden = true; app.detailHeight = null; renderBlocks(); return; }
  app.detailHeight = h;
  renderBlocks();
  d.hidden = false;
  d.replaceChildren(el("p", { class: "muted", text: `loading block ${h}…` }));
  try {
    const b = await api(`/api/runs/${encodeURIComponent(app.run)}/blocks/${h}`);
    if (app.detailHeight !== h) return;
    const votes = el("table", { class: "grid compact" },
      el("thead", {}, el("tr", {}, el("th", { text: "node" }), el("th", { text: "vote" }), el("th", { text: "signature" }))),
      el("tbody", {}, (b.vote_list || []).map((v) => el("tr", {},
        el("td", { class: "num", text: v.node }),
        el("td", { class: v.accept ? "ok" : "bad", text: v.accept ? "accept" : "reject" }),
        el("td", { class: "mono", title: v.signature, text: shortHex(v.signature, 24) })))));
    // A rollback block's signed restore points: one per node, the target's in green.
    const proposals = b.proposal_list ? el("div", {},
      el("h4", { text: `Proposals (${b.proposal_list.length}; failing block ${b.failing}, target ${b.target})` }),
      el("div", { class: "table-wrap" }, el("table", { class: "grid compact" },
        el("thead", {}, el("tr", {}, el("th", { text: "node" }), el("th", { text: "target" }), el("th", { text: "signature" }))),
        el("tbody", {}, b.proposal_list.map((p) => el("tr", {},
          el("td", { class: "num", text: p.node }),
          el("td", { class: p.target === b.target ? "num ok" : "num bad", text: p.target }),
          el("td", { class: "mono", title: p.signature, text: shortHex(p.signature, 24) }))))))) : null;
    const txs = el("table", { class: "grid compact" },
      el("thead", {}, el("tr", {}, el("th", { text: "contract" }), el("th", { text: "function" }), el("th", { class: "num", text: "gas" }), el("th", { text: "ok" }))),
      el("tbody", {}, (b.transactions || []).map((t) => el("tr", {},
        el("td", { text: t.contract }), el("td", { text: t.function }),
        el("td", { class: "num", text: fmtInt(t.gas_used) }),
        el("td", { class: t.success ? "ok" : "bad", text: t.success ? "✓" : "✗" })))));
    d.replaceChildren(
      el("div", { class: "card-head" },
        el("h3", { text: `Block ${b.height} · ${b.kind}` }),
        el("button", { type: "button", class: "link", onclick: () => showBlock(h), text: "close" })),
      el("dl", { class: "kv" },
        el("dt", { text: "hash" }), el("dd", { class: "mono", text: b.hash }),
        el("dt", { text: "prev" }), el("dd", { class: "mono", text: b.prev }),
        el("dt", { text: "checkpoint" }), el("dd", { class: "mono", text: `${b.checkpoint} (${fmtInt(b.checkpoint_size)} bytes)` }),
        el("dt", { text: "note" }), el("dd", { text: b.note || "–" })),
      el("div", { class: "two-col" },
        el("div", {}, el("h4", { text: `Votes (${(b.vote_list || []).length})` }), el("div", { class: "table-wrap" }, votes)),
        el("div", {}, el("h4", { text: `Transactions (${(b.transactions || []).length})` }), el("div", { class: "table-wrap" }, txs))),
      proposals);
  } catch (e) {
    d.replaceChildren(el("p", { class: "bad", text: `block ${h}: ${e.message}` }));
  }
}

// ---------------------------------------------------------------------------------------------
// Nodes

function renderNodes() {
  const n = app.nodes || { nodes: [], voted_blocks: 0, quorum_percent: 0 };
  const total = n.voted_blocks || 0;
  $("nodes-count").textContent = n.nodes.length;
  $("nodes-meta").textContent = `${total} voted blocks · quorum ${n.quorum_percent} %`;
  $("nodes").tBodies[0].replaceChildren(...n.nodes.map((x) => {
    const share = total ? x.votes / total : 0;
    return el("tr", { "data-node": x.index },
      el("td", { class: "num", text: x.index }),
      el("td", { class: "mono key", title: `public key ${x.public_key}\ncontract 0x${x.contract}`, text: shortHex(x.public_key, 12) }),
      el("td", { class: "num votes", text: x.votes }),
      el("td", { class: "num wins", text: x.wins }),
      el("td", { class: "num not-counted" + (x.not_counted ? " warn" : ""), text: x.not_counted }),
      el("td", { class: "bar-cell", title: `${x.votes} of ${total} voted blocks (${fmtPct(share)})` },
        el("span", { class: "bar" }, el("span", { class: "bar-fill", style: `width:${(share * 100).toFixed(1)}%` }))));
  }));
}

// ---------------------------------------------------------------------------------------------
// Recovery

function renderRecovery(rec) {
  const s = $("chart-recovery");
  const W = 640, H = 240, m = { l: 52, r: 16, t: 14, b: 36 };
  chartFrame(s, W, H);
  const pts = rec.points || [];
  const maxN = Math.max(1, ...pts.map((p) => p.n));
  const xs = (n) => m.l + (maxN <= 1 ? (W - m.l - m.r) / 2 : ((n - 1) / (maxN - 1)) * (W - m.l - m.r));
  const ys = (r) => H - m.b - r * (H - m.t - m.b);
  const g = svg("g", { class: "axes" });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    g.append(svg("line", { class: "grid-line", x1: m.l, x2: W - m.r, y1: ys(t), y2: ys(t) }));
    g.append(svg("text", { class: "tick", x: m.l - 6, y: ys(t) + 4, "text-anchor": "end", text: t * 100 + " %" }));
  }
  const xt = niceTicks(1, maxN, Math.min(8, maxN));
  for (const t of xt.ticks) {
    if (t < 1 || t > maxN || !Number.isInteger(t)) continue;
    g.append(svg("text", { class: "tick", x: xs(t), y: H - m.b + 16, "text-anchor": "middle", text: String(t) }));
  }
  g.append(svg("line", { class: "axis", x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
  g.append(svg("text", { class: "axis-label", x: W - m.r, y: H - 4, "text-anchor": "end", text: "epochs recorded" }));
  s.append(g);
  if (!pts.length) {
    s.append(svg("text", { class: "empty", x: W / 2, y: H / 2, "text-anchor": "middle", text: "no epochs yet" }));
    return;
  }
  const line = (key, cls, name) => {
    const sg = svg("g", { class: "series " + cls, "data-series": name });
    sg.append(svg("path", { class: "line", d: pts.map((p, i) => (i ? "L" : "M") + xs(p.n).toFixed(1) + "," + ys(p[key]).toFixed(1)).join(" ") }));
    for (const p of pts) sg.append(titled(svg("circle", { class: "pt", cx: xs(p.n), cy: ys(p[key]), r: 3 }),
      `${p.n} epochs (block ${p.height}): ${name} ${fmtPct(p[key])}`));
    s.append(sg);
  };
  line("keep_last_k_rate", "s-keep", `keep-last-${rec.keep}`);
  line("chain_rate", "s-chain", "chain");
  const last = pts[pts.length - 1];
  s.dataset.chainRate = last.chain_rate;
  s.dataset.keepRate = last.keep_last_k_rate;
}

$("keep").addEventListener("change", () => {
  const k = parseInt($("keep").value, 10);
  if (!(k >= 1 && k <= 1000)) return;
  app.keep = k;
  schedule(0);
});

// ---------------------------------------------------------------------------------------------
// Gas report

function renderGas() {
  const g = app.gas;
  if (!g || !g.measured) return;
  const ms = g.measured;
  const c = ms.costs || {};
  const model = g.model || {};
  const paper = g.paper_model || {};
  const printed = g.printed || [];
  const perBlockText = printed.find((p) => p.item === "text: gas per block");
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×` : "–");
  const costSub = (x) => (x ? `${fmtNum(x.eth, 6)} ETH · ${fmtInt(x.krw)} KRW` : "");
  const epochGas = c.per_epoch_block ? c.per_epoch_block.gas : 0;
  const agree = printed.filter((p) => p.agrees).length;
  $("gas-meta").textContent = `${ms.nodes} nodes · ${ms.fork} · ${ms.difficulty_bits} bits · prices ${fmtInt((g.prices || {}).gas_per_eth)} gas/ETH, ${fmtInt((g.prices || {}).krw_per_eth)} KRW/ETH`;
  $("gas-cards").replaceChildren(
    card("measured per epoch block", fmtInt(epochGas), `gas, mean of ${(ms.epoch_blocks || []).length} blocks · ` + costSub(c.per_epoch_block),
      { id: "gas-epoch-block", "data-value": epochGas, class: "stat accent" }),
    card(`paper's model per block (N = ${model.nodes})`, fmtInt(model.block_gas), `measured is ${ratio(epochGas, model.block_gas)} of it`,
      { id: "gas-model-block", "data-value": model.block_gas }),
    card("paper as printed", perBlockText ? perBlockText.printed : "–",
      perBlockText ? `gas per block (N = ${paper.nodes}); its counts give ${fmtInt(perBlockText.from_counts)}` : "",
      { id: "gas-paper-block", "data-value": perBlockText ? perBlockText.printed_value : "" }),
    card("measured per rollback block", c.per_rollback_block && c.per_rollback_block.gas ? fmtInt(c.per_rollback_block.gas) : "–",
      c.per_rollback_block && c.per_rollback_block.gas ? "gas · " + costSub(c.per_rollback_block) : "no rollback yet",
      { id: "gas-rollback-block", "data-value": c.per_rollback_block ? c.per_rollback_block.gas : 0 }),
    card("network creation", c.network_creation ? fmtInt(c.network_creation.gas) : "–",
      `gas measured · model ${fmtInt(model.setup_gas)} · ` + costSub(c.network_creation), { id: "gas-setup", "data-value": c.network_creation ? c.network_creation.gas : 0 }),
    card("printed figures", `${agree} / ${printed.length}`, "agree with their own arithmetic", { id: "gas-printed-count", class: "stat" + (agree < printed.length ? " warn" : "") }));

  // Gas per epoch block, measured, as bars by height.
  const s = $("chart-gas");
  const W = 640, H = 180, m = { l: 52, r: 12, t: 12, b: 30 };
  chartFrame(s, W, H);
  const eb = ms.epoch_blocks || [];
  if (!eb.length) {
    s.append(svg("text", { class: "empty", x: W / 2, y: H / 2, "text-anchor": "middle", text: "no epoch blocks yet" }));
  } else {
    const nt = niceTicks(0, Math.max(...eb.map((b) => b.gas)), 4);
    const ys = (v) => H - m.b - (v / nt.hi) * (H - m.t - m.b);
    for (const t of nt.ticks) {
      s.append(svg("line", { class: "grid-line", x1: m.l, x2: W - m.r, y1: ys(t), y2: ys(t) }));
      s.append(svg("text", { class: "tick", x: m.l - 6, y: ys(t) + 4, "text-anchor": "end", text: fmtCompact(t) }));
    }
    const bw = (W - m.l - m.r) / eb.length;
    const ab = abandonedHeights(app.history);
    eb.forEach((b, i) => {
      const x = m.l + i * bw + bw * 0.15;
      s.append(titled(svg("rect", { class: "bar-rect" + (ab.has(b.height) ? " abandoned" : ""), x, y: ys(b.gas), width: Math.max(1, bw * 0.7), height: H - m.b - ys(b.gas), "data-height": b.height }),
        `block ${b.height}: ${fmtInt(b.gas)} gas`));
      if (eb.length <= 24)
        s.append(svg("text", { class: "tick", x: x + bw * 0.35, y: H - m.b + 14, "text-anchor": "middle", text: String(b.height) }));
    });
    s.append(svg("line", { class: "mean-line", x1: m.l, x2: W - m.r, y1: ys(epochGas), y2: ys(epochGas) }));
    s.append(svg("text", { class: "mean-label", x: W - m.r, y: ys(epochGas) - 4, "text-anchor": "end", text: "mean " + fmtInt(epochGas) }));
  }

  // Functions behind an epoch block and a rollback block.
  const fnRows = [];
  for (const [phase, part] of [["epoch", ms.epoch], ["rollback", ms.rollback]]) {
    if (!part || !part.functions || !part.blocks) continue;
    for (const f of part.functions)
      fnRows.push(el("tr", {},
        el("td", { text: phase }), el("td", { text: `${f.contract}.${f.function}` }),
        el("td", { class: "num", text: fmtNum(f.calls / part.blocks, 2) }),
        el("td", { class: "num", text: fmtInt(f.gas_used / part.blocks) })));
  }
  $("gas-functions").replaceChildren(fnRows.length
    ? el("table", { class: "grid compact" },
      el("thead", {}, el("tr", {}, el("th", { text: "block" }), el("th", { text: "function" }), el("th", { class: "num", text: "calls/block" }), el("th", { class: "num", text: "gas/block" }))),
      el("tbody", {}, fnRows))
    : el("p", { class: "muted small", text: "No epoch blocks measured yet." }));

  const pr = printed.map((p) => el("tr", { class: p.agrees ? "" : "disagree" },
    el("td", { text: p.item }), el("td", { class: "num", text: p.printed + (p.unit === "gas" ? "" : " " + p.unit) }),
    el("td", { class: "num", text: fmtNum(p.from_counts, 2) }),
    el("td", { class: p.agrees ? "ok" : "bad", text: p.agrees ? "✓" : "✗" }),
    el("td", { class: "small", text: p.finding })));
  $("gas-printed").querySelector(".table-wrap").replaceChildren(el("table", { class: "grid compact" },
    el("thead", {}, el("tr", {}, el("th", { text: "figure" }), el("th", { class: "num", text: "printed" }), el("th", { class: "num", text: "from the counts" }), el("th", { text: "agrees" }), el("th", { text: "finding" }))),
    el("tbody", {}, pr)));
}

// ---------------------------------------------------------------------------------------------

window.addEventListener("hashchange", () => {
  const f = fragment();
  if (f.get("token")) { initToken(); app.authFailed = false; $("token-form").hidden = true; schedule(0); }
  else if (f.get("run") && f.get("run") !== app.run) selectRun(f.get("run"));
});

initToken();
schedule(0);
