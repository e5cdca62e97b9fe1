// navlayer web workspace: wires the feature modules together. The browser holds the open
// layer and its release's matrix; the server loads, saves and computes.

import { json, request, layerPath, releasePath, cached, token, setToken } from "./api.js";
import { $, input } from "./dom.js";
import { Doc } from "./doc.js";
import { indexMatrix } from "./view.js";
import { MatrixView } from "./matrix.js";
import { Selection } from "./selection.js";
import { attachKeyboard } from "./keyboard.js";
import { Editor } from "./editor.js";
import { Tooltip } from "./tooltip.js";
import { ContextMenu, versionedUrl, replaceUrl, safeUrl } from "./contextmenu.js";
import { LegendEditor } from "./legend.js";
import { Search } from "./search.js";
import * as store from "./layers.js";

/** @type {Doc|null} */
let doc = null;
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

const current = () => doc;
const releaseOf = () => (doc ? { domain: doc.layer.domain, release: doc.release } : null);

const selection = new Selection(current, (changed) => {
  matrix.paintSelection(changed);
  showCount();
  editor.load();
});
const matrix = new MatrixView($("matrix"), {
  isSelected: (k) => selection.has(k),
  onClick: (key, ev) => selection.click(key, { toggle: ev.ctrlKey || ev.metaKey, range: ev.shiftKey }),
  onToggle: (key, show) => { if (doc) { doc.setExpanded([key], show); redraw(); } },
  onContext: (key, x, y) => openMenu(key, x, y).catch(fail),
  onHover: (cell, ev) => tooltip.show(cell, ev),
});
const tooltip = new Tooltip($("tooltip"), releaseOf);
const menu = new ContextMenu($("context-menu"));
const editor = new Editor(current, () => selection.keys, (patch, label) => {
  if (!doc) return;
  doc.annotate(selection.keys, patch, label);
  redraw();
  status("Changed " + selection.techniqueCount() + " technique(s). Save to keep a revision.");
}, () => {
  if (!doc || !selection.keys.size) return;
  doc.clear(selection.keys);
  redraw();
  editor.load();
});
const legend = new LegendEditor(current, (field, value, label) => {
  if (!doc) return;
  doc.setField(field, value, label);
  redraw();
}, status);
const search = new Search(releaseOf, (ids, on) => selection.techniques(ids, on), status);
attachKeyboard(matrix, selection, {
  onToggle: (key, show) => { if (doc) { doc.setExpanded([key], show); redraw(); matrix.setFocus(key, true); } },
  onContext: (key, x, y) => openMenu(key, x, y).catch(fail),
  onEdit: () => input("ed-score").focus(),
});

function showCount() {
  const n = selection.techniqueCount();
  const cells = selection.keys.size;
  $("selection-count").textContent = n + (n === 1 ? " technique" : " techniques") + " selected" +
    (cells !== n ? " (" + cells + " cells)" : "");
}

/** Redraws what a change to the layer touched. */
function redraw() {
  if (!doc) return;
  matrix.render(doc.view);
  legend.draw();
  editor.drawSwatches((doc.layer.gradient && doc.layer.gradient.colors) || []);
  $("layer-title").textContent = doc.layer.name;
  $("dirty").hidden = !doc.dirty;
  /** @type {HTMLButtonElement} */ ($("undo")).disabled = !doc.undoStack.length;
  /** @type {HTMLButtonElement} */ ($("redo")).disabled = !doc.redoStack.length;
}

/** The release matrix, fetched once per release. @param {string} domain @param {string} release */
function matrixIndex(domain, release) {
  const k = domain + "/" + release;
  let p = indexes.get(k);
  if (!p) {
    p = cached(releasePath(domain, release) + "/matrix?descriptions=0").then(indexMatrix);
    indexes.set(k, p);
  }
  return p;
}

/** Opens a stored layer (a revision of it). @param {string} key @param {number} [revision] */
async function openLayer(key, revision) {
  if (doc && doc.dirty && doc.key !== key && !confirm("“" + doc.layer.name + "” has unsaved edits. Open another layer and lose them?")) return;
  status("Opening " + key + "…");
  const resp = await request("GET", layerPath(key) + (revision ? "?revision=" + revision : ""));
  const layer = await resp.json();
  const rev = Number(resp.headers.get("X-Revision") || (resp.headers.get("ETag") || "").replace(/"/g, ""));
  const rel = await store.releaseFor(layer);
  const index = await matrixIndex(rel.domain, rel.release);
  doc = new Doc(key, rev, layer, index, rel.release);
  selection.keys.clear();
  selection.anchor = null;
  matrix.reset();
  $("editor-area").hidden = false;
  $("empty-state").hidden = true;
  redraw();
  showCount();
  editor.load();
  fillLayerProps();
  history.replaceState(null, "", "?layer=" + encodeURIComponent(key));
  $("revision-label").textContent = "revision " + rev + " · " + domainLabel(layer.domain) + " v" + rel.release;
  status("Opened " + layer.name + " (revision " + rev + ", " + domainLabel(layer.domain) + " v" + rel.release + ")");
  // After the first paint: the search lists and the side bar.
  requestAnimationFrame(() => setTimeout(() => {
    window.navlayerPainted = performance.now();
    search.run();
    refreshSide().catch(fail);
  }, 0));
}

/** @param {string} d */
const domainLabel = (d) => ({ "enterprise-attack": "Enterprise", "mobile-attack": "Mobile", "ics-attack": "ICS" })[d] || d;

async function refreshSide() {
  if (!doc) { await store.drawList(null, (k) => openLayer(k).catch(fail)); return; }
  const d = doc;
  await store.drawList(d.key, (k) => openLayer(k).catch(fail));
  await store.drawRevisions(d.key, d.revision, (r) => openLayer(d.key, r).catch(fail), (r) => restore(r).catch(fail));
}

/** @param {number} rev */
async function restore(rev) {
  if (!doc) return;
  const cur = await request("GET", layerPath(doc.key));
  const base = (cur.headers.get("ETag") || "").replace(/"/g, "");
  await json("POST", layerPath(doc.key) + "/revisions/" + rev + "/restore", undefined, { "If-Match": '"' + base + '"' });
  const key = doc.key;
  doc = null;
  await openLayer(key);
}

async function save() {
  if (!doc) return;
  const d = doc;
  const r = await json("PUT", layerPath(d.key), d.layer, { "If-Match": '"' + d.revision + '"' });
  d.markSaved(r.revision);
  redraw();
  $("revision-label").textContent = "revision " + r.revision + " · " + domainLabel(d.layer.domain) + " v" + d.release;
  status("Saved revision " + r.revision + ".");
  await refreshSide();
}

function fillLayerProps() {
  if (!doc) return;
  input("prop-name").value = doc.layer.name || "";
  input("prop-description").value = doc.layer.description || "";
}

/** @param {string} key @param {number} x @param {number} y */
async function openMenu(key, x, y) {
  if (!doc) return;
  const d = doc;
  const cell = matrix.data.get(key);
  if (!cell) return;
  const tacticId = d.index.matrix.tactics.find((t) => t.shortname === cell.tactic)?.id || "";
  const { tech, parent, tactic } = await menu.objects(d.layer.domain, d.release, cell.id, cell.parent, tacticId);
  const link = (/** @type {{label?: string, url?: string, divider?: boolean}} */ l) =>
    ({ label: l.label || l.url || "", href: l.url && safeUrl(l.url) ? l.url : null });
  const reach = () => selection.expand(key);
  menu.open(x, y, cell.name + " (" + cell.id + ")", [
    [
      { label: "Select", run: () => selection.set(reach()) },
      { label: "Add to selection", run: () => selection.add(reach()) },
      { label: "Remove from selection", run: () => selection.remove(reach()) },
    ],
    [
      { label: "Select all", run: () => selection.selectAll() },
      { label: "Deselect all", run: () => selection.deselectAll() },
      { label: "Invert selection", run: () => selection.invert() },
      { label: "Select annotated", run: () => selection.selectAnnotated() },
      { label: "Select unannotated", run: () => selection.selectUnannotated() },
    ],
    [
      { label: "Select all techniques in tactic", run: () => selection.tactic(cell.tactic, true) },
      { label: "Deselect all techniques in tactic", run: () => selection.tactic(cell.tactic, false) },
      { label: "Annotate…", run: () => { if (!selection.has(key)) selection.set(reach()); input("ed-score").focus(); } },
    ],
    [
      { label: "View technique on ATT&CK v" + d.release, href: versionedUrl(tech.url, d.release) },
      { label: "View tactic on ATT&CK v" + d.release, href: versionedUrl(tactic.url, d.release) },
    ],
    menu.userItems.map((it) => {
      const url = replaceUrl(it, tech, parent, tactic, cell.tactic);
      return { label: it.label, href: safeUrl(url) ? url : null };
    }),
    cell.links.filter((l) => !l.divider).map(link),
    (d.layer.links || []).filter((l) => !l.divider).map(link),
  ]);
}

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
  $("new-layer").addEventListener("click", () => {
    const name = prompt("Name of the new layer", "New layer");
    if (name) store.createEmpty(name, "enterprise-attack").then((r) => openLayer(r.key)).catch(fail);
  });
  $("save").addEventListener("click", () => save().catch(fail));
  $("undo").addEventListener("click", () => undo(false));
  $("redo").addEventListener("click", () => undo(true));
  $("select-all").addEventListener("click", () => selection.selectAll());
  $("deselect-all").addEventListener("click", () => selection.deselectAll());
  $("invert").addEventListener("click", () => selection.invert());
  $("select-annotated").addEventListener("click", () => selection.selectAnnotated());
  $("select-unannotated").addEventListener("click", () => selection.selectUnannotated());
  $("expand-all").addEventListener("click", () => expand("all"));
  $("expand-annotated").addEventListener("click", () => expand("annotated"));
  $("collapse-all").addEventListener("click", () => expand("none"));
  input("opt-across").addEventListener("change", () => { selection.acrossTactics = input("opt-across").checked; });
  input("opt-with-parent").addEventListener("change", () => { selection.withParent = input("opt-with-parent").checked; });
  input("opt-visible").addEventListener("change", () => { selection.visibleOnly = input("opt-visible").checked; });
  $("matrix").addEventListener("dblclick", (ev) => {
    const head = /** @type {Element} */ (ev.target).closest(".tactic-head");
    if (head instanceof HTMLElement && head.dataset.tactic) selection.tactic(head.dataset.tactic, true);
  });
  input("prop-name").addEventListener("change", () => {
    const v = input("prop-name").value.trim();
    if (doc && v && v !== doc.layer.name) { doc.setField("name", v, "rename"); redraw(); }
  });
  input("prop-description").addEventListener("change", () => {
    if (doc) { doc.setField("description", input("prop-description").value || undefined, "description"); redraw(); }
  });
  for (const b of document.querySelectorAll("button.download")) {
    b.addEventListener("click", () => {
      if (!doc) return;
      if (doc.dirty) { status("Save first: downloads are made from the saved revision.", true); return; }
      store.download(doc.key, doc.revision, /** @type {HTMLElement} */ (b).dataset.format || "json").catch(fail);
    });
  }
  $("delete-layer").addEventListener("click", async () => {
    if (!doc || !confirm("Delete " + doc.key + " and all its revisions?")) return;
    try {
      await json("DELETE", layerPath(doc.key), undefined, { "If-Match": '"' + doc.revision + '"' });
      doc = null;
      $("editor-area").hidden = true;
      $("empty-state").hidden = false;
      await refreshSide();
    } catch (e) { fail(e); }
  });
  $("generate-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    store.generateSearch(input("generate-query").value, (k) => openLayer(k).catch(fail)).catch(fail);
  });
  $("combine-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    store.combine().then((r) => openLayer(r.key)).catch(fail);
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
    if (doc && doc.dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });
  json("GET", "/api/config").then((c) => { menu.userItems = c.contextMenuItems || []; }).catch(() => {});
}

/**
 * Expands every parent, those with annotated sub-techniques, or none (as the Navigator does,
 * by setting showSubtechniques on the parents).
 * @param {"all"|"annotated"|"none"} which
 */
function expand(which) {
  if (!doc) return;
  /** @type {string[]} */
  const open = [];
  /** @type {string[]} */
  const shut = [];
  for (const col of doc.view.columns) {
    col.cells.forEach((c, i) => {
      if (c.sub || !c.subCount) return;
      let want = which === "all";
      if (which === "annotated") for (let j = i + 1; j < col.cells.length && col.cells[j].sub; j++) want = want || col.cells[j].annotated;
      if (want !== c.expanded) (want ? open : shut).push(c.key);
    });
  }
  if (open.length) doc.setExpanded(open, true);
  if (shut.length) doc.setExpanded(shut, false);
  redraw();
}

/** @param {boolean} redo */
function undo(redo) {
  if (!doc) return;
  const label = redo ? doc.redo() : doc.undo();
  if (label === null) { status(redo ? "Nothing to redo." : "Nothing to undo."); return; }
  redraw();
  editor.load();
  fillLayerProps();
  status((redo ? "Redone: " : "Undone: ") + label);
}

wire();
{
  const want = new URLSearchParams(location.search).get("layer");
  store.listReleases().catch(() => {});
  if (want) openLayer(want).catch((e) => { fail(e); refreshSide().catch(fail); });
  else refreshSide().catch(fail);
}

/** Read-only hooks for the browser suite's assertions. */
window.navlayerDebug = { doc: current, selection };
