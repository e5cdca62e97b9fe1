// One layer open in the editor: the layer object, its release's matrix, the merged notes and
// the client view, edits with undo/redo, and whether anything is unsaved.

import { buildView, mergeNotes, cellKey } from "./view.js";

/** @typedef {import("./view.js").Layer} Layer */
/** @typedef {import("./view.js").Entry} Entry */
/** @typedef {import("./view.js").MatrixIndex} MatrixIndex */
/**
 * Fields of an annotation edit: `undefined` keeps, `null` removes.
 * @typedef {{score?: number|null, color?: string|null, comment?: string|null, enabled?: boolean|null,
 *   metadata?: import("./view.js").MetaItem[]|null, links?: import("./view.js").LinkItem[]|null}} Patch
 * @typedef {{label: string, field: string, before: any, after: any}} Change
 */

const FIELDS = /** @type {const} */ (["score", "color", "comment", "enabled", "metadata", "links"]);
const HISTORY = 500;

export class Doc {
  /**
   * @param {string} key store key
   * @param {number} revision revision loaded
   * @param {Layer} layer
   * @param {MatrixIndex} index the release's matrix
   * @param {string} release the release shown (`18.1`)
   */
  constructor(key, revision, layer, index, release) {
    this.key = key;
    this.revision = revision;
    this.layer = layer;
    this.index = index;
    this.release = release;
    layer.techniques = layer.techniques || [];
    /** @type {Change[]} */
    this.undoStack = [];
    /** @type {Change[]} */
    this.redoStack = [];
    this.saved = JSON.stringify(layer);
    /** changes made (refresh calls), and the change count `dirtyNow` was computed at */
    this.changes = 0;
    this.dirtyAt = -1;
    this.dirtyNow = false;
    /** @type {Set<string>} the tab's selection while another tab is shown */
    this.selectionKeys = new Set();
    this.notes = mergeNotes(layer, index);
    this.view = buildView(layer, index, this.notes);
  }

  /** Recomputes the merged notes and the view after a change. */
  refresh() {
    this.changes++;
    this.notes = mergeNotes(this.layer, this.index);
    this.view = buildView(this.layer, this.index, this.notes);
  }

  /** @returns {boolean} true when the layer differs from what was loaded or saved */
  get dirty() {
    // Every change goes through refresh(), which counts it: compare once per change.
    if (this.dirtyAt !== this.changes) {
      this.dirtyAt = this.changes;
      this.dirtyNow = JSON.stringify(this.layer) !== this.saved;
    }
    return this.dirtyNow;
  }

  /** Marks the current state as saved at `revision`. */
  markSaved(/** @type {number} */ revision) {
    this.revision = revision;
    this.saved = JSON.stringify(this.layer);
    this.dirtyAt = -1;
  }

  /** @param {string} key @returns {import("./view.js").Note|undefined} */
  note(key) {
    return this.notes.get(key);
  }

  /**
   * The techniques array with a single own entry for each key: entries without a tactic are
   * split per tactic (in place), duplicates folded into one. Returns the new array and the
   * index of each key's entry.
   * @param {Iterable<string>} keys
   */
  ownEntries(keys) {
    const list = [...keys];
    const want = new Map();
    for (const k of list) {
      const [id, tactic] = k.split("|");
      if (!want.has(id)) want.set(id, new Set());
      want.get(id).add(tactic);
    }
    /** @type {Entry[]} */
    const out = [];
    /** @type {Map<string, number>} */
    const at = new Map();
    for (const e of this.layer.techniques || []) {
      const id = String(e.techniqueID).trim();
      const tactic = typeof e.tactic === "string" ? e.tactic.trim() : "";
      if (!want.has(id)) { out.push(e); continue; }
      const tactics = tactic ? [tactic] : (this.index.byId.get(id)?.tactics || []);
      for (const t of tactics) {
        const k = cellKey(id, t);
        const copy = Object.assign({}, e, { techniqueID: id, tactic: t });
        const prev = at.get(k);
        if (prev === undefined) { at.set(k, out.length); out.push(copy); continue; }
        // Fold a later entry for the same cell into the first, field by field.
        const merged = Object.assign({}, out[prev]);
        for (const [f, v] of Object.entries(copy)) if (v !== null && v !== undefined) merged[f] = v;
        out[prev] = merged;
      }
    }
    for (const k of list) {
      if (at.has(k)) continue;
      const [id, tactic] = k.split("|");
      at.set(k, out.length);
      out.push({ techniqueID: id, tactic });
    }
    return { out, at };
  }

  /**
   * Applies a patch to every cell in `keys` (one undo step).
   * @param {Iterable<string>} keys
   * @param {Patch} patch
   * @param {string} label what the undo step is called
   */
  annotate(keys, patch, label) {
    const list = [...keys];
    if (!list.length) return;
    const { out, at } = this.ownEntries(list);
    for (const k of list) {
      const i = /** @type {number} */ (at.get(k));
      /** @type {Record<string, any>} */
      const e = Object.assign({}, out[i]);
      for (const f of FIELDS) {
        const v = patch[f];
        if (v === undefined) continue;
        if (v === null) delete e[f];
        else e[f] = typeof v === "object" ? structuredClone(v) : v;
      }
      out[i] = /** @type {Entry} */ (e);
    }
    this.replaceTechniques(pruned(out), label);
  }

  /** Removes every annotation of the cells (score, colour, comment, metadata, links, enabled). */
  clear(/** @type {Iterable<string>} */ keys) {
    this.annotate(keys, { score: null, color: null, comment: null, enabled: null, metadata: null, links: null }, "clear annotations");
  }

  /**
   * Shows or hides the sub-techniques of parents (kept in the layer as showSubtechniques, as
   * the Navigator does; not an undo step).
   * @param {Iterable<string>} keys parent cells
   * @param {boolean} show
   */
  setExpanded(keys, show) {
    /** @type {Map<string, boolean>} */
    const want = new Map();
    const layout = this.layer.layout || {};
    const mode = typeof layout.expandedSubtechniques === "string" ? layout.expandedSubtechniques.trim().toLowerCase() : "";
    if (mode === "all" || mode === "annotated") {
      // The layer's expansion mode would override single parents: keep what is open now as
      // per-parent state and drop the mode.
      for (const col of this.view.columns) for (const c of col.cells) if (!c.sub && c.expanded) want.set(c.key, true);
      const next = Object.assign({}, layout);
      delete next.expandedSubtechniques;
      this.layer.layout = next;
    }
    for (const k of keys) want.set(k, show);
    const { out, at } = this.ownEntries(want.keys());
    for (const [k, v] of want) {
      const i = /** @type {number} */ (at.get(k));
      /** @type {Entry} */
      const e = Object.assign({}, out[i]);
      if (v) e.showSubtechniques = true;
      else delete e.showSubtechniques;
      out[i] = e;
    }
    this.layer.techniques = pruned(out);
    this.refresh();
  }

  /** @param {Entry[]} techniques @param {string} label */
  replaceTechniques(techniques, label) {
    this.record({ label, field: "techniques", before: this.layer.techniques, after: techniques });
  }

  /**
   * Sets a top-level layer field (one undo step; `undefined` removes it).
   * @param {string} field @param {any} value @param {string} label
   */
  setField(field, value, label) {
    this.record({ label, field, before: this.layer[field], after: value });
  }

  /** @param {Change} c */
  record(c) {
    this.undoStack.push(c);
    if (this.undoStack.length > HISTORY) this.undoStack.shift();
    this.redoStack.length = 0;
    this.put(c.field, c.after);
  }

  /** @param {string} field @param {any} value */
  put(field, value) {
    if (value === undefined) delete this.layer[field];
    else this.layer[field] = value;
    this.refresh();
  }

  /** @returns {string|null} the label of the step undone */
  undo() {
    const c = this.undoStack.pop();
    if (!c) return null;
    this.redoStack.push(c);
    this.put(c.field, c.before);
    return c.label;
  }

  /** @returns {string|null} the label of the step redone */
  redo() {
    const c = this.redoStack.pop();
    if (!c) return null;
    this.undoStack.push(c);
    this.put(c.field, c.after);
    return c.label;
  }
}

/**
 * Drops entries left with nothing but their IDs.
 * @param {Entry[]} list
 */
function pruned(list) {
  return list.filter((e) => Object.keys(e).some((k) => k !== "techniqueID" && k !== "tactic" && e[k] !== undefined));
}
