// navlayer web workspace: wires the feature modules together. The browser holds the open
// layers (one tab each) and their releases' matrices; the server loads, saves and computes.

import { json, request, layerPath, releasePath, cached, token, setToken } from "./api.js";
import { $, input, writeText } from "./dom.js";
import { Doc } from "./doc.js";
import { indexMatrix } from "./view.js";
import { MatrixView } from "./matrix.js";
import { Selection } from "./selection.js";
import { attachKeyboard } from "./keyboard.js";
import { Editor } from "./editor.js";
import { Tooltip } from "./tooltip.js";
import { ContextMenu } from "./contextmenu.js";
import { cellMenu } from "./cellmenu.js";
import { LegendEditor } from "./legend.js";
import { Search } from "./search.js";
import { Tabs } from "./tabs.js";
import { LayerControls } from "./controls.js";
import { drawRows } from "./lists.js";
import { Upgrade } from "./upgrade.js";
import { Exporter } from "./exporter.js";
import { Create } from "./create.js";
import { NewFrom } from "./newfrom.js";
import { initTheme } from "./theme.js";
import * as store from "./layers.js";
import { early, rememberRelease } from "./boot.js";

/** @type {Map<string, Promise<import("./view.js").MatrixIndex>>} */
const indexes = new Map();

/** @param {string} text @param {boolean} [error] */
function status(text, error) {
  const s = $("status");
  s.textContent = text || "";
  s.classList.toggle("error", !!error);
}

/** @param {unknown} e */
function fail(e) {
  const err = /** @type {Error & {status?: number}} */ (e);
  status(err.message || String(e), true);
  if (err.status === 401) $("token").focus();
}

/** @type {Doc|null} the doc whose matrix is on screen */
let shown = null;
const tabs = new Tabs($("tabs"), (d) => show(d));
const current = () => tabs.current();
const releaseOf = () => { const d = current(); return d ? { domain: d.layer.domain, release: d.release } : null; };

const selection = new Selection(current, (changed) => {
  matrix.paintSelection(changed);
  showCount();
  editor.later();
});
const matrix = new MatrixView($("matrix"), {
  isSelected: (k) => selection.has(k),
  onClick: (key, ev) => selection.click(key, { toggle: ev.ctrlKey || ev.metaKey, range: ev.shiftKey }),
  onToggle: (key, show) => { const d = current(); if (d) { d.setExpanded([key], show); redraw(); } },
  onContext: (key, x, y) => openMenu(key, x, y).catch(fail),
  onHover: (cell, ev) => tooltip.hover(cell, ev),
});
const tooltip = new Tooltip($("tooltip"), releaseOf);
const menu = new ContextMenu($("context-menu"));
const editor = new Editor(current, () => selection.keys, (patch, label) => {
  const d = current();
  if (!d) return;
  d.annotate(selection.keys, patch, label);
  redraw();
  status("Changed " + selection.techniqueCount() + " technique(s). Save to keep a revision.");
}, () => {
  const d = current();
  if (!d || !selection.keys.size) return;
  d.clear(selection.keys);
  redraw();
  editor.load();
});
/** @param {string} field @param {any} value @param {string} label */
const setField = (field, value, label) => {
  const d = current();
  if (!d) return;
  d.setField(field, value, label);
  redraw();
};
const legend = new LegendEditor(current, setField, status);
const controls = new LayerControls(current, setField, status);
const search = new Search(releaseOf, (ids, on) => selection.techniques(ids, on), status);
const upgrade = new Upgrade(status, async (doc, choices) => {
  const r = await json("POST", layerPath(doc.key) + "/upgrade", choices, { "If-Match": '"' + doc.revision + '"' });
  await openLayer(doc.key, undefined, true);
  status("Saved revision " + r.revision + ": " + r.note + " (the migration report is kept with it: Revisions → Report)");
});
new Exporter(current, () => tabs.docs, status);
new Create((key) => openLayer(key), () => tabs.docs, status);
new NewFrom((key) => openLayer(key), () => tabs.docs, status);
initTheme(/** @type {HTMLButtonElement} */ ($("theme")));
attachKeyboard(matrix, selection, {
  onToggle: (key, show) => { const d = current(); if (d) { d.setExpanded([key], show); redraw(); matrix.setFocus(key, true); } },
  onContext: (key, x, y) => openMenu(key, x, y).catch(fail),
  onEdit: () => input("ed-score").focus(),
});

function showCount() {
  const n = selection.techniqueCount();
  const cells = selection.keys.size;
  writeText("selection-count", n + (n === 1 ? " technique" : " techniques") + " selected" + (cells !== n ? " (" + cells + " cells)" : ""));
}

let tabSig = "";
/** @type {{doc: Doc|null, sig: string}} what the side panels were last drawn from */
const side = { doc: null, sig: "" };

/** Redraws what a change to the layer touched. */
function redraw() {
  const d = current();
  if (!d) return;
  if (d.view.layout !== matrix.layout) matrix.setLayout(d.view.layout);
  matrix.render(d.view);
  // The panels only when what they show changed (an annotation edit leaves them as they are).
  const l = d.layer;
  const sideSig = JSON.stringify([l.gradient, l.legendItems, l.layout, l.sorting, l.hideDisabled, l.filters,
    l.showTacticRowBackground, l.tacticRowBackground, l.metadata, l.links, d.view.platforms]);
  if (side.doc !== d || side.sig !== sideSig) {
    side.doc = d;
    side.sig = sideSig;
    legend.draw();
    controls.draw();
    drawLayerLists(d);
  }
  editor.drawSwatches((d.layer.gradient && d.layer.gradient.colors) || []);
  writeText("layer-title", d.layer.name);
  $("dirty").hidden = !d.dirty;
  /** @type {HTMLButtonElement} */ ($("undo")).disabled = !d.undoStack.length;
  /** @type {HTMLButtonElement} */ ($("redo")).disabled = !d.redoStack.length;
  const sig = tabs.docs.map((x) => x.layer.name + (x.dirty ? "*" : "")).join("|") + tabs.active;
  if (sig !== tabSig) { tabSig = sig; tabs.draw(); }
}

/** The layer's own metadata and links. @param {Doc} d */
function drawLayerLists(d) {
  drawRows($("ctl-meta"), structuredClone(d.layer.metadata || []), "metadata", "Layer metadata",
    (rows) => setField("metadata", rows.length ? rows : undefined, "layer metadata"));
  drawRows($("ctl-links"), structuredClone(d.layer.links || []), "links", "Layer link",
    (rows) => setField("links", rows.length ? rows : undefined, "layer links"));
}

/** Shows a tab's layer (or the empty state). @param {Doc|null} d */
function show(d) {
  if (shown && shown !== d) shown.selectionKeys = selection.keys;
  shown = d;
  $("editor-area").hidden = !d;
  $("empty-state").hidden = !!d;
  if (!d) { $("upgrade-offer").hidden = true; history.replaceState(null, "", location.pathname); return; }
  selection.keys = d.selectionKeys;
  selection.anchor = null;
  matrix.setLayout(d.view.layout);
  matrix.reset();
  tabSig = "";
  redraw();
  showCount();
  editor.load();
  fillLayerProps();
  $("revision-label").textContent = "revision " + d.revision + " · " + store.domainLabel(d.layer.domain) + " v" + d.release;
  const query = "?layer=" + encodeURIComponent(d.key);
  if (location.search !== query) history.replaceState(null, "", query);
  // The side lists after the matrix has been painted.
  matrix.afterPaint(() => { if (current() === d) refreshSide().catch(fail); });
  store.listReleases().then((rels) => {
    const mine = rels.filter((r) => r.domain === d.layer.domain).map((r) => r.release);
    if (mine.length && current() === d) upgrade.offer(d, mine[mine.length - 1]);
  }).catch(() => {});
}

/** The release matrix, fetched once per release. @param {string} domain @param {string} release */
function matrixIndex(domain, release) {
  const k = domain + "/" + release;
  let p = indexes.get(k);
  if (!p) {
    const path = releasePath(domain, release) + "/matrix?descriptions=0";
    const pre = early.matrixPath === path ? early.matrix : null;
    if (pre) early.matrix = null;
    p = (pre ? pre.then((r) => (r.ok ? r.json() : cached(path)), () => cached(path)) : cached(path)).then(indexMatrix);
    indexes.set(k, p);
  }
  return p;
}

/**
 * Opens a stored layer (a revision of it) in a tab; a layer already open is shown, unless
 * `reload` asks for the stored state.
 * @param {string} key @param {number} [revision] @param {boolean} [reload]
 */
async function openLayer(key, revision, reload) {
  const open = tabs.find(key);
  if (open >= 0 && !revision && !reload) { tabs.show(open); return; }
  if (open >= 0 && tabs.docs[open].dirty && !reload &&
    !confirm("“" + tabs.docs[open].layer.name + "” has unsaved edits. Replace them with revision " + revision + "?")) return;
  status("Opening " + key + "…");
  const resp = await fetchLayer(key, revision);
  const layer = await resp.json();
  performance.mark("nl:layer");
  const rev = Number(resp.headers.get("X-Revision") || (resp.headers.get("ETag") || "").replace(/"/g, ""));
  const rel = await store.releaseFor(layer);
  performance.mark("nl:release");
  const index = await matrixIndex(rel.domain, rel.release);
  performance.mark("nl:matrix");
  rememberRelease(key, releasePath(rel.domain, rel.release) + "/matrix?descriptions=0");
  const doc = new Doc(key, rev, layer, index, rel.release);
  performance.mark("nl:doc");
  tabs.add(doc);
  performance.mark("nl:drawn");
  status("Opened " + layer.name + " (revision " + rev + ", " + store.domainLabel(layer.domain) + " v" + rel.release + ")");
  // After the first paint: the search lists (the side bar follows `show`).
  matrix.afterPaint(() => {
    window.navlayerPainted = performance.now();
    window.navlayerPaintedColumns = matrix.columns.size;
    search.run();
  });
}

/**
 * A layer's stored state: the request boot.js started for the page's `?layer=` when it is the
 * one wanted and answered, else a new request.
 * @param {string} key @param {number} [revision]
 */
async function fetchLayer(key, revision) {
  if (!revision && early.key === key && early.layer) {
    const pre = early.layer;
    early.layer = null;
    const r = await pre.catch(() => null);
    if (r && r.ok) return r;
  }
  return request("GET", layerPath(key) + (revision ? "?revision=" + revision : ""));
}

async function refreshSide() {
  const d = current();
  await store.drawList(d ? d.key : null, (k) => openLayer(k).catch(fail));
  if (d) await store.drawRevisions(d.key, d.revision, (r) => openLayer(d.key, r).catch(fail), (r) => restore(r).catch(fail));
}

/** @param {number} rev */
async function restore(rev) {
  const d = current();
  if (!d) return;
  const cur = await request("GET", layerPath(d.key));
  const base = (cur.headers.get("ETag") || "").replace(/"/g, "");
  await json("POST", layerPath(d.key) + "/revisions/" + rev + "/restore", undefined, { "If-Match": '"' + base + '"' });
  await openLayer(d.key, undefined, true);
}

async function save() {
  const d = current();
  if (!d) return;
  const r = await json("PUT", layerPath(d.key), d.layer, { "If-Match": '"' + d.revision + '"' });
  d.markSaved(r.revision);
  redraw();
  $("revision-label").textContent = "revision " + r.revision + " · " + store.domainLabel(d.layer.domain) + " v" + d.release;
  status("Saved revision " + r.revision + ".");
  await refreshSide();
}

function fillLayerProps() {
  const d = current();
  if (!d) return;
  input("prop-name").value = d.layer.name || "";
  input("prop-description").value = d.layer.description || "";
}

/** @param {string} key @param {number} x @param {number} y */
async function openMenu(key, x, y) {
  const d = current();
  const cell = matrix.data.get(key);
  if (!d || !cell) return;
  const tacticId = d.index.matrix.tactics.find((t) => t.shortname === cell.tactic)?.id || "";
  const objects = await menu.objects(d.layer.domain, d.release, cell.id, cell.parent, tacticId);
  menu.open(x, y, cell.name + " (" + cell.id + ")",
    cellMenu({ doc: d, cell, selection, objects, userItems: menu.userItems, annotate: () => input("ed-score").focus() }));
}

/**
 * Expands every parent, those with annotated sub-techniques, or none (as the Navigator does,
 * by setting showSubtechniques on the parents).
 * @param {"all"|"annotated"|"none"} which
 */
function expand(which) {
  const d = current();
  if (!d) return;
  /** @type {string[]} */
  const open = [];
  /** @type {string[]} */
  const shut = [];
  for (const col of d.view.columns) {
    col.cells.forEach((c, i) => {
      if (c.sub || !c.subCount) return;
      let want = which === "all";
      if (which === "annotated") for (let j = i + 1; j < col.cells.length && col.cells[j].sub; j++) want = want || col.cells[j].annotated;
      if (want !== c.expanded) (want ? open : shut).push(c.key);
    });
  }
  if (open.length) d.setExpanded(open, true);
  if (shut.length) d.setExpanded(shut, false);
  redraw();
}

/** @param {boolean} redo */
function undo(redo) {
  const d = current();
  if (!d) return;
  const label = redo ? d.redo() : d.undo();
  if (label === null) { status(redo ? "Nothing to redo." : "Nothing to undo."); return; }
  redraw();
  editor.load();
  fillLayerProps();
  status((redo ? "Redone: " : "Undone: ") + label);
}

/** @param {string} id @param {() => void} f */
const on = (id, f) => $(id).addEventListener("click", f);

function wire() {
  input("token").value = token();
  input("token").addEventListener("change", () => setToken(input("token").value));
  input("upload").addEventListener("change", () => {
    const f = input("upload").files?.[0];
    if (!f) return;
    store.upload(f).then(async (r) => {
      const first = r.layers[0];
      const notes = r.layers.flatMap((/** @type {any} */ l) => l.findings.map((/** @type {any} */ f) => f.severity + ": " + f.message));
      await openLayer(first.key);
      status("Imported " + r.layers.length + " layer(s) (format " + first.originalVersion + ")" + (notes.length ? ":\n" + notes.slice(0, 8).join("\n") : "."));
    }).catch(fail).finally(() => { input("upload").value = ""; });
  });
  on("save", () => save().catch(fail));
  on("undo", () => undo(false));
  on("redo", () => undo(true));
  on("select-all", () => selection.selectAll());
  on("deselect-all", () => selection.deselectAll());
  on("invert", () => selection.invert());
  on("select-annotated", () => selection.selectAnnotated());
  on("select-unannotated", () => selection.selectUnannotated());
  on("expand-all", () => expand("all"));
  on("expand-annotated", () => expand("annotated"));
  on("collapse-all", () => expand("none"));
  on("close-tab", () => tabs.close(tabs.active));
  input("opt-across").addEventListener("change", () => { selection.acrossTactics = input("opt-across").checked; });
  input("opt-with-parent").addEventListener("change", () => { selection.withParent = input("opt-with-parent").checked; });
  input("opt-visible").addEventListener("change", () => { selection.visibleOnly = input("opt-visible").checked; });
  $("matrix").addEventListener("dblclick", (ev) => {
    const head = /** @type {Element} */ (ev.target).closest(".tactic-head");
    if (head instanceof HTMLElement && head.dataset.tactic) selection.tactic(head.dataset.tactic, true);
  });
  input("prop-name").addEventListener("change", () => {
    const v = input("prop-name").value.trim();
    const d = current();
    if (d && v && v !== d.layer.name) setField("name", v, "rename");
  });
  input("prop-description").addEventListener("change", () => setField("description", input("prop-description").value || undefined, "description"));
  for (const [id, kind, item] of /** @type {const} */ ([["ctl-meta-add", "metadata", { name: "", value: "" }], ["ctl-meta-divider", "metadata", { divider: true }],
    ["ctl-link-add", "links", { label: "", url: "" }], ["ctl-link-divider", "links", { divider: true }]])) {
    on(id, () => {
      const d = current();
      if (!d) return;
      const rows = [...(d.layer[kind] || []), item];
      drawRows($(kind === "metadata" ? "ctl-meta" : "ctl-links"), rows, kind, kind === "metadata" ? "Layer metadata" : "Layer link",
        (r) => setField(kind, r.length ? r : undefined, "layer " + kind));
    });
  }
  for (const b of document.querySelectorAll("button.download")) {
    b.addEventListener("click", () => {
      const d = current();
      if (!d) return;
      if (d.dirty) { status("Save first: downloads are made from the saved revision (Export takes unsaved edits).", true); return; }
      store.download(d.key, d.revision, /** @type {HTMLElement} */ (b).dataset.format || "json").catch(fail);
    });
  }
  on("delete-layer", async () => {
    const d = current();
    if (!d || !confirm("Delete " + d.key + " and all its revisions?")) return;
    try {
      await json("DELETE", layerPath(d.key), undefined, { "If-Match": '"' + d.revision + '"' });
      d.markSaved(d.revision);
      tabs.close(tabs.active);
      await refreshSide();
    } catch (e) { fail(e); }
  });
  $("generate-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    store.generateSearch(input("generate-query").value, input("generate-release").value, (k) => openLayer(k).catch(fail)).catch(fail);
  });
  document.addEventListener("keydown", (ev) => {
    const t = /** @type {HTMLElement} */ (ev.target);
    const typing = t.matches && t.matches("input, textarea, select");
    const ctrl = ev.ctrlKey || ev.metaKey;
    if (ctrl && ev.key.toLowerCase() === "s") { ev.preventDefault(); save().catch(fail); return; }
    if (typing || !ctrl) return;
    if (ev.key.toLowerCase() === "z") { ev.preventDefault(); undo(ev.shiftKey); }
    else if (ev.key.toLowerCase() === "y") { ev.preventDefault(); undo(true); }
  });
  window.addEventListener("beforeunload", (ev) => {
    if (tabs.anyDirty()) { ev.preventDefault(); ev.returnValue = ""; }
  });
  json("GET", "/api/config").then((c) => { menu.userItems = c.contextMenuItems || []; }).catch(() => {});
  store.fillGenerateReleases().catch(() => {});
}

performance.mark("nl:app");
wire();
{
  const want = new URLSearchParams(location.search).get("layer");
  store.listReleases().catch(() => {});
  if (want) openLayer(want).catch((e) => { fail(e); refreshSide().catch(fail); });
  else refreshSide().catch(fail);
}

/** Read-only hooks for the browser suite's assertions. */
window.navlayerDebug = { doc: current, selection, tabs };
