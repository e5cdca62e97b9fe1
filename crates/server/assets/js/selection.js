// Selection of (technique, tactic) cells, with the Navigator's options: select techniques
// across tactics, select sub-techniques with their parent, select only visible techniques.

import { cellKey, annotated } from "./view.js";

/** @typedef {import("./doc.js").Doc} Doc */

export class Selection {
  /**
   * @param {() => Doc|null} doc the open layer
   * @param {(changed: Set<string>) => void} onChange called with the keys whose state changed
   */
  constructor(doc, onChange) {
    this.doc = doc;
    this.onChange = onChange;
    /** @type {Set<string>} */
    this.keys = new Set();
    this.acrossTactics = true;
    this.withParent = false;
    this.visibleOnly = false;
    /** @type {string|null} anchor of shift-click ranges */
    this.anchor = null;
  }

  /** @param {string} key */
  has(key) {
    return this.keys.has(key);
  }

  /** Number of distinct techniques selected. */
  techniqueCount() {
    const ids = new Set();
    for (const k of this.keys) ids.add(k.slice(0, k.indexOf("|")));
    return ids.size;
  }

  /** Keys of the cells in the view (platform filter and hidden disabled applied). */
  visibleKeys() {
    const d = this.doc();
    const out = new Set();
    if (d) for (const c of d.view.columns) for (const x of c.cells) out.add(x.key);
    return out;
  }

  /** Every (technique, tactic) of the release matrix. */
  allKeys() {
    const d = this.doc();
    const out = new Set();
    if (d) for (const [id, k] of d.index.byId) for (const t of k.tactics) out.add(cellKey(id, t));
    return out;
  }

  /** The cells an action on `key` reaches under the options. @param {string} key */
  expand(key) {
    const d = this.doc();
    const out = new Set([key]);
    if (!d) return out;
    const [id, tactic] = key.split("|");
    const known = d.index.byId.get(id);
    /** @type {string[]} */
    const ids = [id];
    if (this.withParent && known) {
      const parent = known.parent ? d.index.byId.get(known.parent) : known;
      if (parent) ids.push(parent.tech.id, ...(parent.tech.subtechniques || []).map((s) => s.id));
    }
    for (const i of ids) {
      const k = d.index.byId.get(i);
      if (!k) continue;
      for (const t of this.acrossTactics ? k.tactics : k.tactics.filter((x) => x === tactic)) out.add(cellKey(i, t));
    }
    if (this.visibleOnly) {
      const vis = this.visibleKeys();
      for (const k of [...out]) if (!vis.has(k)) out.delete(k);
    }
    return out;
  }

  /** @param {Iterable<string>} keys */
  add(keys) {
    const changed = new Set();
    for (const k of keys) if (!this.keys.has(k)) { this.keys.add(k); changed.add(k); }
    if (changed.size) this.onChange(changed);
  }

  /** @param {Iterable<string>} keys */
  remove(keys) {
    const changed = new Set();
    for (const k of keys) if (this.keys.delete(k)) changed.add(k);
    if (changed.size) this.onChange(changed);
  }

  /** Replaces the selection. @param {Iterable<string>} keys */
  set(keys) {
    const next = new Set(keys);
    const changed = new Set();
    for (const k of this.keys) if (!next.has(k)) changed.add(k);
    for (const k of next) if (!this.keys.has(k)) changed.add(k);
    this.keys = next;
    if (changed.size) this.onChange(changed);
  }

  /**
   * A click on a cell: alone it selects only that cell (or deselects it when it was the only
   * one); with ctrl/cmd it toggles; with shift it selects the range from the anchor in the
   * same tactic column, in display order.
   * @param {string} key @param {{toggle?: boolean, range?: boolean}} mods
   */
  click(key, mods) {
    if (mods.range && this.anchor && this.anchor !== key) {
      const range = this.range(this.anchor, key);
      if (range) {
        const all = new Set();
        for (const k of range) for (const x of this.expand(k)) all.add(x);
        this.add(all);
        return;
      }
    }
    const reach = this.expand(key);
    if (mods.toggle || mods.range) {
      if (this.keys.has(key)) this.remove(reach);
      else this.add(reach);
    } else {
      const only = [...this.keys].every((k) => reach.has(k)) && this.keys.has(key);
      this.set(only ? [] : reach);
    }
    this.anchor = key;
  }

  /**
   * The cells drawn between two cells of one column, both included (null across columns).
   * @param {string} from @param {string} to
   * @returns {string[]|null}
   */
  range(from, to) {
    const d = this.doc();
    if (!d) return null;
    const tactic = from.slice(from.indexOf("|") + 1);
    if (tactic !== to.slice(to.indexOf("|") + 1)) return null;
    const col = d.view.columns.find((c) => c.shortname === tactic);
    if (!col) return null;
    const mini = d.view.layout === "mini";
    const drawn = col.cells.filter((c) => !c.sub || c.expanded || mini).map((c) => c.key);
    const a = drawn.indexOf(from), b = drawn.indexOf(to);
    if (a < 0 || b < 0) return null;
    return drawn.slice(Math.min(a, b), Math.max(a, b) + 1);
  }

  universe() {
    return this.visibleOnly ? this.visibleKeys() : this.allKeys();
  }

  selectAll() { this.set(this.universe()); }
  deselectAll() { this.set([]); }

  invert() {
    const next = [];
    for (const k of this.universe()) if (!this.keys.has(k)) next.push(k);
    this.set(next);
  }

  /** @param {boolean} want */
  byAnnotation(want) {
    const d = this.doc();
    if (!d) return;
    const is = (/** @type {string} */ k) => { const n = d.note(k); return !!n && annotated(n); };
    // With a selection: keep its (un)annotated part, as the Navigator does.
    if (this.keys.size) this.set([...this.keys].filter((k) => is(k) === want));
    else this.set([...this.universe()].filter((k) => is(k) === want));
  }

  selectAnnotated() { this.byAnnotation(true); }
  selectUnannotated() { this.byAnnotation(false); }

  /** @param {string} tactic @param {boolean} on */
  tactic(tactic, on) {
    const keys = [...this.universe()].filter((k) => k.endsWith("|" + tactic));
    const reach = new Set();
    for (const k of keys) for (const x of this.expand(k)) reach.add(x);
    if (on) this.add(reach);
    else this.remove(reach);
  }

  /** Techniques by ATT&CK ID (search results). @param {string[]} ids @param {boolean} on */
  techniques(ids, on) {
    const d = this.doc();
    if (!d) return;
    const reach = new Set();
    for (const id of ids) {
      const k = d.index.byId.get(id);
      if (!k) continue;
      for (const t of k.tactics) for (const x of this.expand(cellKey(id, t))) reach.add(x);
    }
    if (on) this.add(reach);
    else this.remove(reach);
  }

  /** Drawn cells (Ctrl+A). @param {Iterable<string>} keys */
  selectDrawn(keys) { this.set(keys); }
}
