// The annotation editor for the selected cells: score, colour (the Navigator's 28 presets,
// the gradient's colours and a free picker), comment, enabled, metadata and links, clear.
// Only the fields the user touched are applied; a touched field left empty removes the value.

import { $, el, input, writeText, afterNextFrame } from "./dom.js";
import { PRESETS, normalise, parse, hex } from "./colour.js";
import { formatScore } from "./matrix.js";

/** @typedef {import("./doc.js").Doc} Doc */
/** @typedef {import("./doc.js").Patch} Patch */
/** @typedef {import("./view.js").MetaItem} MetaItem */
/** @typedef {import("./view.js").LinkItem} LinkItem */

/**
 * The value all `values` share, or `undefined` when they differ.
 * @template T @param {T[]} values @returns {T|undefined}
 */
function common(values) {
  if (!values.length) return undefined;
  const first = values[0];
  if (first === null || typeof first !== "object") return values.every((v) => v === first) ? first : undefined;
  const text = JSON.stringify(first);
  return values.every((v) => JSON.stringify(v) === text) ? first : undefined;
}

// Field writes that change nothing are skipped: a click loads the editor, and an unchanged
// write would still restyle the panel.

/** Sets a field's value (and placeholder). @param {string} id @param {string} value @param {string} [placeholder] */
function fill(id, value, placeholder) {
  const e = input(id);
  if (e.value !== value) e.value = value;
  if (placeholder !== undefined && e.placeholder !== placeholder) e.placeholder = placeholder;
}

/** @param {string} id @param {boolean} on */
function show(id, on) {
  const e = $(id);
  if (e.hidden === on) e.hidden = !on;
}

export class Editor {
  /**
   * @param {() => Doc|null} doc
   * @param {() => Set<string>} selected
   * @param {(patch: Patch, label: string) => void} apply
   * @param {() => void} clear
   */
  constructor(doc, selected, apply, clear) {
    this.doc = doc;
    this.selected = selected;
    this.applyPatch = apply;
    this.clearSelected = clear;
    /** @type {Set<string>} */
    this.touched = new Set();
    /** @type {MetaItem[]} */
    this.metadata = [];
    /** @type {LinkItem[]} */
    this.links = [];
    /** the colours the swatches show */
    this.swatches = "";
    /** a load is scheduled for after the next frame (see `later`) */
    this.pending = false;
    // The next press of a key or button anywhere, any edit (typed, pasted, dictated) and focus
    // entering the editor find it filled from the current selection.
    for (const type of ["pointerdown", "keydown", "beforeinput"]) document.addEventListener(type, () => this.flush(), { capture: true });
    $("editor-panel").addEventListener("focusin", () => this.flush(), { capture: true });
    for (const id of ["ed-score", "ed-color", "ed-comment", "ed-enabled"]) {
      const e = input(id);
      e.addEventListener("input", () => this.touch(id));
      e.addEventListener("change", () => this.touch(id));
      e.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" && (id !== "ed-comment" || ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); this.apply(); }
      });
    }
    input("ed-picker").addEventListener("input", () => { input("ed-color").value = input("ed-picker").value; this.touch("ed-color"); });
    $("ed-apply").addEventListener("click", () => this.apply());
    $("ed-clear").addEventListener("click", () => this.clearSelected());
    $("ed-meta-add").addEventListener("click", () => { this.metadata.push({ name: "", value: "" }); this.touch("meta"); this.drawLists(); });
    $("ed-meta-divider").addEventListener("click", () => { this.metadata.push({ divider: true }); this.touch("meta"); this.drawLists(); });
    $("ed-link-add").addEventListener("click", () => { this.links.push({ label: "", url: "" }); this.touch("links"); this.drawLists(); });
    $("ed-link-divider").addEventListener("click", () => { this.links.push({ divider: true }); this.touch("links"); this.drawLists(); });
  }

  /** @param {string} id */
  touch(id) {
    this.touched.add(id);
    const e = document.getElementById(id);
    if (e) e.classList.add("touched");
  }

  /** Draws the colour swatches: presets and the gradient's colours. @param {string[]} gradient */
  drawSwatches(gradient) {
    const colours = [...gradient.map((c) => { const p = parse(c); return p ? hex(p) : null; }).filter(Boolean), ...PRESETS];
    const sig = colours.join();
    if (sig === this.swatches) return;
    this.swatches = sig;
    const box = $("ed-swatches");
    box.replaceChildren();
    for (const c of new Set(colours)) {
      const b = el("button", { type: "button", class: "swatch", title: c, "aria-label": "Colour " + c,
        onclick: () => { this.flush(); input("ed-color").value = /** @type {string} */ (c); this.touch("ed-color"); this.apply(); } });
      b.style.background = /** @type {string} */ (c);
      box.append(b);
    }
  }

  /**
   * Fills the fields after the next frame: a click's frame then paints the selection alone,
   * and the editor follows a frame later. Any use of the editor fills it first (`flush`).
   */
  later() {
    if (this.pending) return;
    this.pending = true;
    afterNextFrame(() => this.flush());
  }

  /** Fills the fields now if a load is scheduled. */
  flush() {
    if (this.pending) this.load();
  }

  /** Fills the fields from the selection (shared values shown, differing ones blank). */
  load() {
    this.pending = false;
    const d = this.doc();
    const keys = [...this.selected()];
    this.touched.clear();
    for (const e of document.querySelectorAll("#editor-panel .touched")) e.classList.remove("touched");
    const notes = d ? keys.map((k) => d.note(k)) : [];
    const get = (/** @type {(n: any) => any} */ f) => common(notes.map((n) => (n ? f(n) : null)));
    const score = get((n) => n.score);
    const mixed = keys.length > 1;
    fill("ed-score", typeof score === "number" ? formatScore(score) : "", score === undefined && mixed ? "(mixed)" : "");
    const color = get((n) => n.color || null);
    fill("ed-color", color || "", color === undefined && mixed ? "(mixed)" : "#rrggbb");
    const cp = color ? normalise(color) : null;
    if (cp) fill("ed-picker", cp);
    const comment = get((n) => n.comment || null);
    fill("ed-comment", comment || "", comment === undefined && mixed ? "(mixed)" : "");
    // A cell the layer does not annotate is enabled.
    const enabled = common(notes.map((n) => (n ? n.enabled !== false : true)));
    fill("ed-enabled", enabled === undefined ? "" : String(enabled));
    const meta = get((n) => n.metadata || []);
    const links = get((n) => n.links || []);
    this.metadata = structuredClone(meta || []);
    this.links = structuredClone(links || []);
    show("ed-meta-mixed", meta === undefined && keys.length >= 2);
    show("ed-links-mixed", links === undefined && keys.length >= 2);
    writeText("ed-message", "");
    writeText("ed-count", keys.length ? "" : "Select techniques to annotate them.");
    if (this.metadata.length || this.links.length || $("ed-meta").firstChild || $("ed-links").firstChild) this.drawLists();
  }

  drawLists() {
    const meta = $("ed-meta");
    meta.replaceChildren();
    this.metadata.forEach((m, i) => {
      const remove = el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove metadata " + (i + 1),
        onclick: () => { this.metadata.splice(i, 1); this.touch("meta"); this.drawLists(); } });
      if (m.divider) { meta.append(el("li", { class: "divider-row" }, el("span", { text: "— divider —" }), remove)); return; }
      meta.append(el("li", {},
        el("input", { "aria-label": "Metadata name " + (i + 1), placeholder: "name", value: m.name || "",
          oninput: (/** @type {Event} */ ev) => { m.name = /** @type {HTMLInputElement} */ (ev.target).value; this.touch("meta"); } }),
        el("input", { "aria-label": "Metadata value " + (i + 1), placeholder: "value", value: m.value || "",
          oninput: (/** @type {Event} */ ev) => { m.value = /** @type {HTMLInputElement} */ (ev.target).value; this.touch("meta"); } }),
        remove));
    });
    const links = $("ed-links");
    links.replaceChildren();
    this.links.forEach((l, i) => {
      const remove = el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove link " + (i + 1),
        onclick: () => { this.links.splice(i, 1); this.touch("links"); this.drawLists(); } });
      if (l.divider) { links.append(el("li", { class: "divider-row" }, el("span", { text: "— divider —" }), remove)); return; }
      links.append(el("li", {},
        el("input", { "aria-label": "Link label " + (i + 1), placeholder: "label", value: l.label || "",
          oninput: (/** @type {Event} */ ev) => { l.label = /** @type {HTMLInputElement} */ (ev.target).value; this.touch("links"); } }),
        el("input", { "aria-label": "Link URL " + (i + 1), placeholder: "URL", value: l.url || "",
          oninput: (/** @type {Event} */ ev) => { l.url = /** @type {HTMLInputElement} */ (ev.target).value; this.touch("links"); } }),
        remove));
    });
  }

  /** @param {string} text */
  refuse(text) {
    $("ed-message").textContent = text;
  }

  /** Applies the touched fields to the selection. */
  apply() {
    this.flush();
    if (!this.selected().size) return this.refuse("Select techniques first: click, Ctrl+click, Shift+click or search.");
    /** @type {Patch} */
    const patch = {};
    if (this.touched.has("ed-score")) {
      const t = input("ed-score").value.trim();
      const n = Number(t);
      if (t !== "" && !Number.isFinite(n)) return this.refuse("“" + t + "” is not a number: a score is a number such as 3 or 0.5.");
      patch.score = t === "" ? null : n;
    }
    if (this.touched.has("ed-color")) {
      const t = input("ed-color").value.trim();
      const c = t === "" ? null : normalise(t);
      if (t !== "" && !c) return this.refuse("“" + t + "” is not a colour: use #rgb, #rrggbb or a preset.");
      patch.color = c;
    }
    if (this.touched.has("ed-comment")) patch.comment = input("ed-comment").value || null;
    if (this.touched.has("ed-enabled")) {
      const v = input("ed-enabled").value;
      if (v !== "") patch.enabled = v === "true" ? null : false;
    }
    if (this.touched.has("meta")) {
      const items = this.metadata.filter((m) => m.divider || (m.name || "").trim() || (m.value || "").trim())
        .map((m) => (m.divider ? { divider: true } : { name: (m.name || "").trim(), value: m.value || "" }));
      patch.metadata = items.length ? items : null;
    }
    if (this.touched.has("links")) {
      const items = this.links.filter((l) => l.divider || (l.url || "").trim())
        .map((l) => (l.divider ? { divider: true } : { label: (l.label || "").trim() || (l.url || "").trim(), url: (l.url || "").trim() }));
      patch.links = items.length ? items : null;
    }
    if (!Object.keys(patch).length) return this.refuse("Nothing changed: type a score, colour or comment first.");
    this.applyPatch(patch, "annotate " + Object.keys(patch).join(", "));
    this.later();
  }
}
