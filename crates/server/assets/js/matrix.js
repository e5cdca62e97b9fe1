// The matrix on screen: an ARIA grid of tactic columns drawn from the client view. A redraw
// compares each column with what is on screen and rebuilds only the columns whose cells moved,
// patching single cells whose colour, score or marks changed; selection repaints touch only the
// cells whose state changed. A first draw builds the columns in view and paints them; the
// others follow, a view's width of columns per frame (the grid is aria-busy meanwhile), and
// any redraw before then builds them at once.

import { el, afterNextFrame } from "./dom.js";

/** @typedef {import("./view.js").View} View */
/** @typedef {import("./view.js").Cell} Cell */
/** @typedef {import("./view.js").Column} Column */

/** A score as text: whole numbers without decimals, others with up to two (format_score). */
export function formatScore(/** @type {number} */ s) {
  if (Number.isInteger(s)) return String(s);
  return s.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}

const FONT_PX = 11;
/** @type {CanvasRenderingContext2D|null} */
let measurer = null;
/** @type {Map<string, number>} */
const widths = new Map();

/** Width in px of a word at the cell font. @param {string} w */
function wordWidth(w) {
  let v = widths.get(w);
  if (v === undefined) {
    if (!measurer) {
      measurer = document.createElement("canvas").getContext("2d");
      if (measurer) measurer.font = FONT_PX + "px system-ui, sans-serif";
    }
    v = measurer ? measurer.measureText(w).width : w.length * 6.5;
    widths.set(w, v);
  }
  return v;
}

/** @type {Map<string, number>} */
const charWidths = new Map();

/**
 * A word's width from its characters' widths: kerning changes it by far less than 5 %, so a
 * word whose rough width is 5 % under the space fits, and needs no measuring.
 * @param {string} w
 */
function roughWidth(w) {
  let sum = 0;
  for (const ch of w) {
    let v = charWidths.get(ch);
    if (v === undefined) { v = wordWidth(ch); charWidths.set(ch, v); }
    sum += v;
  }
  return sum;
}

/**
 * The font size at which the longest word of `text` fits `avail` px (never breaking a word).
 * Only the words whose rough width comes near `avail` are measured; the words skipped fit, so
 * the result is that of measuring every word.
 * @param {string} text @param {number} avail
 */
function fitSize(text, avail) {
  let widest = 0;
  // Lines may break at spaces and after hyphens and slashes, never inside a word.
  for (const w of text.split(/\s+|(?<=[-/])/)) {
    if (roughWidth(w) * 1.05 <= avail) continue;
    widest = Math.max(widest, wordWidth(w));
  }
  if (widest <= avail) return 0;
  return Math.max(7, Math.floor((FONT_PX * avail * 10) / widest) / 10);
}

/**
 * @typedef {{onToggle: (key: string, show: boolean) => void, onContext: (key: string, x: number, y: number) => void,
 *   onClick: (key: string, ev: MouseEvent) => void, onHover: (cell: Cell|null, ev?: MouseEvent) => void,
 *   isSelected: (key: string) => boolean}} Hooks
 */

export class MatrixView {
  /** @param {HTMLElement} root the grid element @param {Hooks} hooks */
  constructor(root, hooks) {
    this.root = root;
    this.hooks = hooks;
    /** @type {Map<string, HTMLElement>} */
    this.cells = new Map();
    /** @type {Map<string, Cell>} */
    this.data = new Map();
    /** @type {WeakMap<HTMLElement, {cls: string, sel: string, bg: string, fg: string, score: string, label: string, subc: string}>} what paint last wrote */
    this.painted = new WeakMap();
    /** @type {Map<string, {sig: string, el: HTMLElement}>} */
    this.columns = new Map();
    /** @type {Map<string, string[]>} sub-technique keys of each parent key */
    this.subsOf = new Map();
    /** @type {Map<string, string>} parent key of each sub-technique key */
    this.parentOf = new Map();
    /** @type {Map<string, {group: HTMLElement, subs: HTMLElement, built: boolean, shown: boolean}>} parents' groups */
    this.groups = new Map();
    /** @type {View|null} */
    this.view = null;
    this.layout = "side";
    root.classList.add("side");
    /** @type {string|null} */
    this.focusKey = null;
    /** columns not built yet (a first draw builds those in view) */
    this.later = new Set();
    /** @type {Map<string, string>} parents (key → tactic) whose sub-techniques, shown below the view, are not built yet */
    this.laterSubs = new Map();
    /** @type {(() => void)[]} run in the task after the next frame */
    this.afterFrame = [];
    this.frameQueued = false;
    root.setAttribute("role", "grid");
    root.setAttribute("aria-multiselectable", "true");
    root.addEventListener("click", (ev) => this.clicked(ev));
    // The press does not move focus: the click does (with the selection, in one frame),
    // so the release is not queued behind a restyle of the focus change.
    root.addEventListener("mousedown", (ev) => { if (ev.button === 0 && this.cellOf(ev.target)) ev.preventDefault(); });
    root.addEventListener("contextmenu", (ev) => {
      const c = this.cellOf(ev.target);
      if (!c) return;
      ev.preventDefault();
      this.hooks.onContext(c.dataset.key || "", ev.clientX, ev.clientY);
    });
    root.addEventListener("mouseover", (ev) => {
      const c = this.cellOf(ev.target);
      this.hooks.onHover(c ? this.data.get(c.dataset.key || "") || null : null, ev);
    });
    root.addEventListener("mouseleave", () => this.hooks.onHover(null));
    root.addEventListener("focusin", (ev) => {
      const c = this.cellOf(ev.target);
      if (c && c.dataset.key && c.dataset.key !== this.focusKey) this.setFocus(c.dataset.key, false);
    });
  }

  /** @param {EventTarget|null} t @returns {HTMLElement|null} */
  cellOf(t) {
    const e = t instanceof Element ? t.closest(".cell") : null;
    return e instanceof HTMLElement && this.root.contains(e) ? e : null;
  }

  /** @param {MouseEvent} ev */
  clicked(ev) {
    const t = /** @type {Element} */ (ev.target);
    const toggle = t.closest && t.closest(".toggle");
    const c = this.cellOf(t);
    if (!c) return;
    const key = c.dataset.key || "";
    if (toggle) {
      ev.stopPropagation();
      const cell = this.data.get(key);
      if (cell) this.hooks.onToggle(key, !cell.expanded);
      return;
    }
    this.setFocus(key, "click");
    this.hooks.onClick(key, ev);
  }

  /**
   * Draws the view: everything the first time, then only the columns and cells that changed.
   * A first draw (and `partial`, the passes after it) builds a view's width of new columns.
   * @param {View} view @param {boolean} [partial]
   */
  render(view, partial) {
    const first = !this.view;
    this.view = view;
    const seen = new Set();
    /** @type {HTMLElement[]} */
    const order = [];
    const room0 = first || partial ? this.roomInView() : null;
    let room = room0 ? room0.width : Infinity;
    this.buildSubsLeft(view);
    this.later.clear();
    for (const col of view.columns) {
      seen.add(col.shortname);
      const sig = this.columnSig(col, view);
      const old = this.columns.get(col.shortname);
      if (!old && room <= 0) { this.later.add(col.shortname); continue; }
      if (!old) room -= this.columnWidth(col);
      if (old && old.sig === sig) {
        this.reorder(col, old.el);
        col.cells.forEach((c, i) => {
          this.patch(c, c.subCount ? countAnnotatedSubs(col.cells, i) : 0);
          if (c.subCount) this.showSubs(col.cells, i, view);
        });
        order.push(old.el);
      } else {
        const e = this.buildColumn(col, view, room0 ? room0.height : Infinity);
        this.columns.set(col.shortname, { sig, el: e });
        if (old) old.el.replaceWith(e);
        order.push(e);
      }
    }
    for (const [k, v] of this.columns) {
      if (!seen.has(k)) { v.el.remove(); this.columns.delete(k); }
    }
    // Put columns in order (only moves what is out of place).
    /** @type {ChildNode|null} */
    let prev = null;
    for (const e of order) {
      /** @type {ChildNode|null} */
      const want = prev ? prev.nextSibling : this.root.firstChild;
      if (want !== e) this.root.insertBefore(e, want);
      prev = e;
    }
    for (const k of [...this.cells.keys()]) if (!this.cells.get(k)?.isConnected) { this.cells.delete(k); this.data.delete(k); }
    this.subsOf.clear();
    this.parentOf.clear();
    for (const col of view.columns) {
      for (const c of col.cells) {
        if (!c.sub || !c.parent) continue;
        const pk = c.parent + "|" + c.tactic;
        this.parentOf.set(c.key, pk);
        const list = this.subsOf.get(pk);
        if (list) list.push(c.key);
        else this.subsOf.set(pk, [c.key]);
      }
    }
    this.paintSelection(this.subsOf.keys());
    if (first || !this.focusKey || !this.cells.has(this.focusKey)) {
      const firstCell = this.drawnColumns()[0]?.[0];
      if (firstCell) this.setFocus(firstCell, false);
    }
    this.buildLater();
  }

  /** Size in px the matrix shows without scrolling (what a first draw builds). */
  roomInView() {
    const wrap = this.root.parentElement;
    return wrap ? { width: wrap.clientWidth, height: wrap.clientHeight } : { width: window.innerWidth, height: window.innerHeight };
  }

  /** Builds the sub-techniques a first draw left out below the view. @param {View} view */
  buildSubsLeft(view) {
    if (!this.laterSubs.size) return;
    const columns = new Map(view.columns.map((col) => [col.shortname, col.cells]));
    for (const [key, tactic] of this.laterSubs) {
      const g = this.groups.get(key);
      const cells = columns.get(tactic);
      const i = cells ? cells.findIndex((c) => c.key === key) : -1;
      if (g && cells && i >= 0 && g.shown && !g.built && g.subs.isConnected) this.buildSubs(g, cells, i, view);
    }
    this.laterSubs.clear();
  }

  /**
   * Builds the sub-technique cells of the parent at `i` into its group.
   * @param {{subs: HTMLElement, built: boolean}} g @param {Cell[]} cells @param {number} i @param {View} view
   */
  buildSubs(g, cells, i, view) {
    /** @type {HTMLElement[]} */
    const built = [];
    for (let j = i + 1; j < cells.length && cells[j].sub; j++) built.push(this.buildCell(cells[j], view, 0));
    g.subs.append(...built);
    g.built = true;
  }

  /**
   * A column's width as the style sheet lays it out (parent cells, and beside them in the side
   * layout the sub-techniques shown; the gap between columns), to fill the view on first draw.
   * @param {Column} col
   */
  columnWidth(col) {
    if (this.layout === "mini") return 95;
    const subsShown = col.cells.some((c) => c.sub && c.expanded);
    return 3 + (!subsShown ? 128 : this.layout === "side" ? 255 : 135);
  }

  /** Queues the building of the columns left out, after the frame that paints the others. */
  buildLater() {
    const busy = this.later.size > 0 || this.laterSubs.size > 0;
    if (busy !== (this.root.getAttribute("aria-busy") === "true")) this.root.setAttribute("aria-busy", busy ? "true" : "false");
    if (busy) this.queueFrameTask();
  }

  /**
   * Runs `f` in the task after the next frame has been painted, before the columns left out
   * are built (so that `f` sees the first paint).
   * @param {() => void} f
   */
  afterPaint(f) {
    this.afterFrame.push(f);
    this.queueFrameTask();
  }

  queueFrameTask() {
    if (this.frameQueued) return;
    this.frameQueued = true;
    afterNextFrame(() => {
      this.frameQueued = false;
      for (const f of this.afterFrame.splice(0)) f();
      if ((this.later.size || this.laterSubs.size) && this.view) this.render(this.view, true);
    });
  }

  /**
   * Switches the layout: `side` (sub-techniques beside their parent), `flat` (below it) or
   * `mini` (small squares, every sub-technique shown, no text).
   * @param {string} layout
   */
  setLayout(layout) {
    const l = ["side", "flat", "mini"].includes(layout) ? layout : "side";
    if (l === this.layout) return;
    // Side and flat draw the same cells (CSS places the sub-techniques); mini draws others.
    const rebuild = l === "mini" || this.layout === "mini";
    this.layout = l;
    this.root.classList.remove("side", "flat", "mini");
    this.root.classList.add(l);
    if (rebuild) this.reset();
  }

  /** Forces a full rebuild (layout change). */
  reset() {
    this.later.clear();
    this.laterSubs.clear();
    this.root.replaceChildren();
    this.columns.clear();
    this.cells.clear();
    this.data.clear();
    this.groups.clear();
    this.view = null;
  }

  /** What decides the structure of a column. @param {Column} col @param {View} view */
  columnSig(col, view) {
    // Neither expansion nor order is structure: showSubs and reorder patch them (side and flat
    // differ only in CSS).
    let s = (this.layout === "mini" ? "M" : "") + (view.showId ? "I" : "") + (view.showName ? "N" : "") + col.name + col.techniqueCount + (view.tacticRowBackground || "");
    /** @type {string[]} */
    const groups = [];
    let g = "";
    for (const c of col.cells) {
      if (!c.sub) { if (g) groups.push(g); g = c.key + c.subCount; }
      else g += "," + c.key;
    }
    if (g) groups.push(g);
    for (const x of groups.map((x) => x.split(",")).map((x) => x[0] + ":" + x.slice(1).sort().join(",")).sort()) s += ";" + x;
    return s;
  }

  /**
   * Puts the drawn cells of a column in the view's order (sorting changed), moving only what
   * is out of place.
   * @param {Column} col @param {HTMLElement} column
   */
  reorder(col, column) {
    /** @type {Element|null} */
    let prevGroup = column.firstElementChild; // the tactic header
    /** @type {Element|null} */
    let prevSub = null;
    for (const c of col.cells) {
      const e = this.cells.get(c.key);
      if (!e) continue;
      if (!c.sub) {
        const group = e.parentElement;
        if (!group || !prevGroup) continue;
        if (prevGroup.nextElementSibling !== group) prevGroup.after(group);
        prevGroup = group;
        prevSub = null;
      } else {
        if (prevSub ? prevSub.nextElementSibling !== e : e.previousElementSibling !== null) {
          if (prevSub) prevSub.after(e);
          else e.parentElement?.prepend(e);
        }
        prevSub = e;
      }
    }
  }

  /**
   * Builds a column. Below `height` px (a first draw: the view's height) the sub-techniques
   * shown are left for the next frame (`laterSubs`), estimated at 30 px a cell.
   * @param {Column} col @param {View} view @param {number} height
   */
  buildColumn(col, view, height) {
    const head = el("div", { class: "tactic-head", role: "columnheader", dataset: { tactic: col.shortname } },
      el("span", { class: "tactic-name", text: col.name }),
      el("span", { class: "count", text: col.techniqueCount + " techniques" }));
    if (view.tacticRowBackground) {
      head.style.background = view.tacticRowBackground;
      head.style.color = view.tacticRowText || "";
    }
    const column = el("div", { class: "tactic", role: "row", "aria-label": col.name, dataset: { tactic: col.shortname } }, head);
    const mini = this.layout === "mini";
    /** @type {HTMLElement|null} */
    let subs = null;
    let top = 48;
    for (let i = 0; i < col.cells.length; i++) {
      const c = col.cells[i];
      if (!c.sub) {
        const annotatedSubs = countAnnotatedSubs(col.cells, i);
        const cell = this.buildCell(c, view, annotatedSubs);
        const shown = c.expanded || mini;
        const group = el("div", { class: "group" + (shown ? " expanded" : ""), role: "none" }, cell);
        subs = null;
        let rows = 1;
        if (c.subCount) {
          const now = shown && (mini || top < height);
          subs = el("div", { class: "subs", role: "none" });
          if (!shown) subs.hidden = true;
          group.append(subs);
          this.groups.set(c.key, { group, subs, built: now, shown });
          if (shown && !now) this.laterSubs.set(c.key, col.shortname);
          if (!now) subs = null;
          if (shown) rows = this.layout === "flat" ? 1 + c.subCount : Math.max(1, c.subCount);
        }
        top += rows * 30;
        column.append(group);
      } else if (subs && (c.expanded || mini)) {
        subs.append(this.buildCell(c, view, 0));
      }
    }
    return column;
  }

  /**
   * Shows or hides the sub-techniques of the parent at `i` as the view says, building their
   * cells the first time they are shown.
   * @param {Cell[]} cells the column's cells @param {number} i @param {View} view
   */
  showSubs(cells, i, view) {
    const c = cells[i];
    const g = this.groups.get(c.key);
    const shown = c.expanded || this.layout === "mini";
    if (!g || g.shown === shown) return;
    if (shown && !g.built) {
      this.buildSubs(g, cells, i, view);
      this.laterSubs.delete(c.key);
    }
    g.shown = shown;
    g.subs.hidden = !shown;
    g.group.classList.toggle("expanded", shown);
    const t = this.cells.get(c.key)?.lastElementChild;
    if (t instanceof HTMLElement && t.classList.contains("toggle")) setToggle(t, c);
  }

  /** @param {Cell} c @param {View} view @param {number} annotatedSubs */
  buildCell(c, view, annotatedSubs) {
    const e = /** @type {HTMLElement} */ (template(view.showId, view.showName, c.subCount > 0).cloneNode(true));
    e.dataset.key = c.key;
    e.dataset.id = c.id;
    e.dataset.tactic = c.tactic;
    const label = /** @type {HTMLElement} */ (e.firstChild);
    let n = label.firstChild;
    if (view.showId) { /** @type {Node} */ (n).textContent = c.id; n = /** @type {Node} */ (n).nextSibling?.nextSibling || null; }
    if (view.showName && n) n.textContent = c.name;
    if (c.subCount) setToggle(/** @type {HTMLElement} */ (e.lastChild), c);
    const size = fitSize((view.showId ? c.id + " " : "") + (view.showName ? c.name : ""), c.sub ? 112 : 100);
    if (size) e.style.fontSize = size + "px";
    this.cells.set(c.key, e);
    this.paint(e, c, true, annotatedSubs);
    return e;
  }

  /** Repaints one cell if it changed. @param {Cell} c @param {number} annotatedSubs */
  patch(c, annotatedSubs) {
    const e = this.cells.get(c.key);
    if (e) this.paint(e, c, false, annotatedSubs);
  }

  /**
   * Writes what changed in a cell since it was last painted (each attribute, class and text
   * only when its value differs: a repaint of many cells restyles only what moved).
   * @param {HTMLElement} e @param {Cell} c @param {boolean} fresh @param {number} annotatedSubs
   */
  paint(e, c, fresh, annotatedSubs) {
    this.data.set(c.key, c);
    const shown = c.aggregate ?? c.score;
    const scoreText = shown === null ? "" : formatScore(shown);
    let p = fresh ? undefined : this.painted.get(e);
    if (!p) {
      p = { cls: "", sel: "", bg: "", fg: "", score: "", label: "", subc: "" };
      this.painted.set(e, p);
    }
    if (c.subCount) {
      const subc = " (" + annotatedSubs + "/" + c.subCount + ")";
      if (p.subc !== subc) { setText(/** @type {Node} */ (/** @type {Node} */ (e.firstChild).lastChild), subc); p.subc = subc; }
    }
    const selected = this.hooks.isSelected(c.key);
    const cls = "cell" + (c.sub ? " sub" : " parent") + (selected ? " selected" : "") + (c.enabled ? "" : " disabled") +
      (c.comment ? " commented" : "") + (c.metadata.length ? " has-meta" : "") + (c.links.length ? " has-links" : "") +
      (c.annotated ? " annotated" : "") + (!fresh && e.classList.contains("sub-selected") ? " sub-selected" : "");
    if (p.cls !== cls) { e.className = cls; p.cls = cls; }
    const sel = selected ? "true" : "false";
    if (p.sel !== sel) { e.setAttribute("aria-selected", sel); p.sel = sel; }
    const bg = c.background || "";
    if (p.bg !== bg) { e.style.backgroundColor = bg; p.bg = bg; }
    const fg = c.text || "";
    if (p.fg !== fg) { e.style.color = fg; p.fg = fg; }
    if (p.score !== scoreText) { setText(/** @type {Node} */ (/** @type {Node} */ (e.firstChild).nextSibling), scoreText); p.score = scoreText; }
    const label = c.id + " " + c.name + (scoreText ? ", score " + scoreText : "") + (c.comment ? ", commented" : "") + (c.enabled ? "" : ", disabled");
    if (p.label !== label) { e.setAttribute("aria-label", label); p.label = label; }
  }

  /** Repaints the selection state of some cells. @param {Iterable<string>} keys */
  paintSelection(keys) {
    /** @type {Set<string>} */
    const parents = new Set();
    for (const k of keys) {
      const e = this.cells.get(k);
      const pk = this.parentOf.get(k);
      if (pk) parents.add(pk);
      else if (this.subsOf.has(k)) parents.add(k);
      if (!e) continue;
      const on = this.hooks.isSelected(k);
      if (e.classList.contains("selected") === on) continue;
      e.classList.toggle("selected", on);
      e.setAttribute("aria-selected", on ? "true" : "false");
      const p = this.painted.get(e);
      if (p) p.sel = on ? "true" : "false";
    }
    // A collapsed parent shows that some of its sub-techniques are selected.
    for (const p of parents) {
      const e = this.cells.get(p);
      const c = this.data.get(p);
      if (!e || !c) continue;
      const some = !c.expanded && (this.subsOf.get(p) || []).some((s) => this.hooks.isSelected(s));
      if (e.classList.contains("sub-selected") !== some) e.classList.toggle("sub-selected", some);
    }
  }

  /** Keys of the drawn cells, column by column, in display order. */
  drawnColumns() {
    const out = [];
    for (const col of this.view ? this.view.columns : []) {
      out.push(col.cells.filter((c) => !c.sub || c.expanded || this.layout === "mini").map((c) => c.key));
    }
    return out;
  }

  /**
   * Moves the roving tab stop; `true` also focuses the cell and scrolls it into view,
   * `"click"` focuses the cell that was clicked (in view already).
   * @param {string} key @param {boolean|"click"} focus
   */
  setFocus(key, focus) {
    const e = this.cells.get(key);
    if (!e) return;
    const old = this.focusKey ? this.cells.get(this.focusKey) : null;
    this.focusKey = key;
    // Focus before the tab stop moves: focus() brings style and layout up to date, which
    // costs nothing while nothing has been written yet.
    if (focus === "click") e.focus({ preventScroll: true });
    if (old && old !== e) old.tabIndex = -1;
    if (e.tabIndex !== 0) e.tabIndex = 0;
    if (focus === true) { e.focus(); e.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  }
}

/**
 * Sets the text of an element whose only child is a text node (the templates give the score
 * and the sub-technique count one), changing the node's data rather than replacing it.
 * @param {Node} e @param {string} text
 */
function setText(e, text) {
  const t = e.firstChild;
  if (t instanceof Text && t === e.lastChild) t.data = text;
  else e.textContent = text;
}

/** The expand/collapse button of a parent. @param {HTMLElement} t @param {Cell} c */
function setToggle(t, c) {
  t.setAttribute("aria-expanded", c.expanded ? "true" : "false");
  t.setAttribute("aria-label", (c.expanded ? "Hide " : "Show ") + c.subCount + " sub-techniques of " + c.id);
  t.textContent = c.expanded ? "◂" : "▸";
}

/** @type {Map<string, HTMLElement>} */
const templates = new Map();

/**
 * An empty cell to clone: label (ID, name, sub-technique count), score, toggle.
 * @param {boolean} id @param {boolean} name @param {boolean} parent
 */
function template(id, name, parent) {
  const k = [id, name, parent].join();
  let t = templates.get(k);
  if (!t) {
    const label = el("span", { class: "label" });
    if (id) label.append(el("span", { class: "tid" }), " ");
    if (name) label.append(el("span", { class: "tname" }));
    if (parent) label.append(el("span", { class: "subc" }, ""));
    t = el("div", { role: "gridcell", tabindex: "-1" }, label, el("span", { class: "score" }, ""));
    if (parent) t.append(el("button", { type: "button", class: "toggle", tabindex: "-1" }));
    templates.set(k, t);
  }
  return t;
}

/** Annotated sub-techniques after the parent at `i`. @param {Cell[]} cells @param {number} i */
function countAnnotatedSubs(cells, i) {
  let n = 0;
  for (let j = i + 1; j < cells.length && cells[j].sub; j++) if (cells[j].annotated) n++;
  return n;
}
