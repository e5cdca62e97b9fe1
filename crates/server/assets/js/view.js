// The client view model: the layer laid over its release's matrix, computed in the browser for
// instant feedback, exactly as navlayer-render's MatrixView::build does it (notes merged per
// technique and tactic, platform filter, hide disabled, expansion, aggregate scores, the four
// sort modes, gradient and text colours). The browser suite compares it with POST /api/view.

import { parse, hex, readableText, scale as gradientScale, colourAt } from "./colour.js";

/**
 * @typedef {{id: string, name: string, platforms: string[], description?: string, subtechniques?: MatrixTechnique[]}} MatrixTechnique
 * @typedef {{id: string, name: string, shortname: string, techniques: MatrixTechnique[]}} MatrixTactic
 * @typedef {{domain: string, release: string, tactics: MatrixTactic[]}} Matrix
 * @typedef {{name?: string, value?: string, divider?: boolean}} MetaItem
 * @typedef {{label?: string, url?: string, divider?: boolean}} LinkItem
 * @typedef {{techniqueID: string, tactic?: string, score?: number|null, color?: string, comment?: string,
 *   enabled?: boolean, metadata?: MetaItem[], links?: LinkItem[], showSubtechniques?: boolean, [k: string]: any}} Entry
 * @typedef {{name: string, domain: string, techniques?: Entry[], gradient?: any, legendItems?: any[],
 *   layout?: any, filters?: {platforms?: string[]}, sorting?: number, hideDisabled?: boolean,
 *   metadata?: MetaItem[], links?: LinkItem[], description?: string, versions?: any,
 *   showTacticRowBackground?: boolean, tacticRowBackground?: string, [k: string]: any}} Layer
 * @typedef {{score: number|null, color: string|null, comment: string|null, enabled: boolean|null,
 *   metadata: MetaItem[]|null, links: LinkItem[]|null, show: boolean|null}} Note
 * @typedef {{key: string, id: string, name: string, tactic: string, sub: boolean, parent: string|null,
 *   subCount: number, expanded: boolean, score: number|null, aggregate: number|null, comment: string|null,
 *   enabled: boolean, color: string|null, background: string|null, text: string|null, annotated: boolean,
 *   metadata: MetaItem[], links: LinkItem[]}} Cell
 * @typedef {{id: string, name: string, shortname: string, techniqueCount: number, cells: Cell[]}} Column
 * @typedef {{columns: Column[], platforms: string[], showId: boolean, showName: boolean,
 *   showAggregate: boolean, scale: import("./colour.js").Scale, tacticRowBackground: string|null,
 *   tacticRowText: string|null, layout: string}} View
 * @typedef {{tech: MatrixTechnique, sub: boolean, parent: string|null, tactics: string[]}} Known
 * @typedef {{matrix: Matrix, byId: Map<string, Known>, tactics: string[], platforms: string[]}} MatrixIndex
 */

/** @param {string} id @param {string} tactic */
export const cellKey = (id, tactic) => id + "|" + tactic;

/**
 * Indexes a release matrix (from GET /api/releases/{domain}/{release}/matrix).
 * @param {Matrix} matrix
 * @returns {MatrixIndex}
 */
export function indexMatrix(matrix) {
  /** @type {Map<string, Known>} */
  const byId = new Map();
  const platforms = new Set();
  const add = (/** @type {MatrixTechnique} */ t, /** @type {string|null} */ parent, /** @type {string} */ tactic) => {
    let k = byId.get(t.id);
    if (!k) byId.set(t.id, (k = { tech: t, sub: parent !== null, parent, tactics: [] }));
    if (!k.tactics.includes(tactic)) k.tactics.push(tactic);
    for (const p of t.platforms || []) platforms.add(p);
  };
  for (const tac of matrix.tactics) {
    for (const t of tac.techniques) {
      add(t, null, tac.shortname);
      for (const s of t.subtechniques || []) add(s, t.id, tac.shortname);
    }
  }
  return { matrix, byId, tactics: matrix.tactics.map((t) => t.shortname), platforms: [...platforms].sort() };
}

/** @returns {Note} */
const emptyNote = () => ({ score: null, color: null, comment: null, enabled: null, metadata: null, links: null, show: null });
const EMPTY = Object.freeze(emptyNote());

/** @param {Note} n @param {Entry} e */
function applyEntry(n, e) {
  if (typeof e.score === "number") n.score = e.score;
  if (e.color != null) n.color = e.color;
  if (e.comment != null) n.comment = e.comment;
  if (e.enabled != null) n.enabled = e.enabled;
  if (e.metadata != null) n.metadata = e.metadata;
  if (e.links != null) n.links = e.links;
  if (e.showSubtechniques != null) n.show = e.showSubtechniques;
}

/** @param {Note} n */
export const noteEnabled = (n) => n.enabled !== false;

/** @param {Note} n true when the layer annotates the cell */
export function annotated(n) {
  return n.score !== null || (n.color !== null && n.color.trim() !== "") || (n.comment !== null && n.comment !== "") ||
    (n.metadata !== null && n.metadata.length > 0) || (n.links !== null && n.links.length > 0) || !noteEnabled(n);
}

/**
 * The annotations of every (technique, tactic): entries merged field by field in file order;
 * an entry without tactic applies to every tactic of its technique.
 * @param {Layer} layer
 * @param {MatrixIndex} index
 * @returns {Map<string, Note>}
 */
export function mergeNotes(layer, index) {
  /** @type {Map<string, Note>} */
  const notes = new Map();
  const known = new Set(index.tactics);
  for (const e of layer.techniques || []) {
    const k = index.byId.get(String(e.techniqueID).trim());
    if (!k) continue;
    const t = typeof e.tactic === "string" ? e.tactic.trim() : "";
    const tactics = t ? (known.has(t) ? [t] : []) : k.tactics;
    for (const tac of tactics) {
      const key = cellKey(k.tech.id, tac);
      let n = notes.get(key);
      if (!n) notes.set(key, (n = emptyNote()));
      applyEntry(n, e);
    }
  }
  return notes;
}

/**
 * A parent's aggregate score (navlayer_ops::aggregate_score, the Navigator's rules).
 * @param {{fn: string, countUnscored: boolean}} opts
 * @param {number|null} own
 * @param {(number|null)[]} subs
 * @returns {number|null}
 */
export function aggregateScore(opts, own, subs) {
  let valid = own !== null ? 1 : 0;
  const first = own ?? 0;
  let sum = first, min = first, max = first;
  for (const s of subs) {
    if (s === null) continue;
    valid += 1;
    sum += s;
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  if (valid === 0) return null;
  let v;
  if (opts.fn === "min") v = min;
  else if (opts.fn === "max") v = max;
  else if (opts.fn === "sum") v = sum;
  else v = sum / (opts.countUnscored ? subs.length + 1 : valid);
  return Number.isFinite(v) ? +v.toFixed(2) : v;
}

/** @param {Layer} layer */
export function aggregateOptions(layer) {
  const f = layer.layout && layer.layout.aggregateFunction;
  const fn = ["average", "min", "max", "sum"].includes(f) ? f : "average";
  return { fn, countUnscored: fn === "average" && !!(layer.layout && layer.layout.countUnscored) };
}

/** @param {string} a @param {string} b */
function cmpStr(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** @param {string} a @param {string} b case-insensitive first, like the Navigator */
export function nameCmp(a, b) {
  return cmpStr(a.toLowerCase(), b.toLowerCase()) || cmpStr(a, b);
}

/**
 * The order of two cells under a sort mode (0 name ↑, 1 name ↓, 2 score ↑, 3 score ↓).
 * @param {number} sorting @param {string} an @param {string} bn @param {number} a @param {number} b
 */
export function sortCmp(sorting, an, bn, a, b) {
  if (sorting === 1) return nameCmp(bn, an);
  if (sorting === 2) return (a < b ? -1 : a > b ? 1 : 0) || nameCmp(an, bn);
  if (sorting === 3) return (b < a ? -1 : b > a ? 1 : 0) || nameCmp(an, bn);
  return nameCmp(an, bn);
}

/**
 * The platforms a layer filters on, matched against the release (empty: no filter).
 * @param {Layer} layer @param {MatrixIndex} index
 * @returns {string[]}
 */
export function platformFilter(layer, index) {
  const sel = layer.filters && layer.filters.platforms;
  if (!Array.isArray(sel)) return [];
  /** @type {string[]} */
  const out = [];
  for (const p of sel) {
    const want = String(p).trim().toLowerCase();
    const a = index.platforms.find((x) => x.toLowerCase() === want);
    if (a && !out.includes(a)) out.push(a);
  }
  return out.length === index.platforms.length ? [] : out;
}

/**
 * Builds one cell.
 * @param {MatrixTechnique} t @param {string} tactic @param {Note} n @param {string|null} parent
 * @param {number|null} agg @param {import("./colour.js").Scale} sc
 * @returns {Cell}
 */
function makeCell(t, tactic, n, parent, agg, sc) {
  const enabled = noteEnabled(n);
  const color = n.color === null ? null : parse(n.color);
  let bg = null;
  if (enabled) {
    if (color) bg = color;
    else if (agg !== null) bg = colourAt(sc, agg);
    else if (n.score !== null) bg = colourAt(sc, n.score);
  }
  return {
    key: cellKey(t.id, tactic), id: t.id, name: t.name, tactic, sub: parent !== null, parent,
    subCount: 0, expanded: false, score: n.score, aggregate: agg,
    comment: n.comment ? n.comment : null, enabled, color: color ? hex(color) : null,
    background: bg ? hex(bg) : null, text: bg ? hex(readableText(bg)) : null,
    annotated: annotated(n), metadata: n.metadata || [], links: n.links || [],
  };
}

/**
 * The view of a layer (MatrixView::build with default render options).
 * @param {Layer} layer
 * @param {MatrixIndex} index
 * @param {Map<string, Note>} [notes] merged notes, when the caller keeps them
 * @returns {View}
 */
export function buildView(layer, index, notes) {
  const merged = notes || mergeNotes(layer, index);
  const layout = layer.layout || {};
  const sc = gradientScale(layer.gradient);
  const showAggregate = !!layout.showAggregateScores;
  const aggOpts = aggregateOptions(layer);
  const platforms = platformFilter(layer, index);
  const pset = new Set(platforms);
  const platformOk = (/** @type {MatrixTechnique} */ t) =>
    !pset.size || !(t.platforms && t.platforms.length) || t.platforms.some((p) => pset.has(p));
  const hideDisabled = !!layer.hideDisabled;
  const expandMode = typeof layout.expandedSubtechniques === "string" ? layout.expandedSubtechniques.trim().toLowerCase() : "";
  const sorting = typeof layer.sorting === "number" ? layer.sorting : 0;
  const note = (/** @type {string} */ k) => merged.get(k) || EMPTY;

  /** @type {Column[]} */
  const columns = [];
  for (const tac of index.matrix.tactics) {
    const short = tac.shortname;
    /** @type {{p: Cell, subs: Cell[], key: number}[]} */
    const parents = [];
    for (const t of tac.techniques) {
      if (!platformOk(t)) continue;
      const n = note(cellKey(t.id, short));
      const subsAll = t.subtechniques || [];
      const allSubScores = subsAll.map((s) => note(cellKey(s.id, short)).score);
      const subs = subsAll.filter((s) => platformOk(s) && !(hideDisabled && !noteEnabled(note(cellKey(s.id, short)))));
      if (hideDisabled && !noteEnabled(n) && !subs.some((s) => noteEnabled(note(cellKey(s.id, short))))) continue;
      let expanded = false;
      if (subs.length) {
        if (expandMode === "all") expanded = true;
        else if (expandMode === "annotated") expanded = subs.some((s) => annotated(note(cellKey(s.id, short)))) || n.show === true;
        else expanded = n.show === true;
      }
      const agg = showAggregate && allSubScores.length ? aggregateScore(aggOpts, n.score, allSubScores) : null;
      const p = makeCell(t, short, n, null, agg, sc);
      p.subCount = subs.length;
      p.expanded = expanded;
      const subCells = subs.map((s) => {
        const c = makeCell(s, short, note(cellKey(s.id, short)), t.id, null, sc);
        c.expanded = expanded;
        return c;
      });
      subCells.sort((a, b) => sortCmp(sorting, a.name, b.name, a.score ?? 0, b.score ?? 0));
      const key = showAggregate && p.subCount > 0 ? (agg ?? p.score ?? -Infinity) : (p.score ?? -Infinity);
      parents.push({ p, subs: subCells, key });
    }
    if (!parents.length) continue;
    parents.sort((a, b) => sortCmp(sorting, a.p.name, b.p.name, a.key, b.key));
    /** @type {Cell[]} */
    const cells = [];
    for (const x of parents) cells.push(x.p, ...x.subs);
    columns.push({ id: tac.id, name: tac.name, shortname: short, techniqueCount: parents.length, cells });
  }
  const rowBg = layer.showTacticRowBackground ? parse(layer.tacticRowBackground) : null;
  return {
    columns, platforms,
    showId: !!layout.showID, showName: layout.showName !== false,
    showAggregate, scale: sc,
    tacticRowBackground: rowBg ? hex(rowBg) : null,
    tacticRowText: rowBg ? hex(readableText(rowBg)) : null,
    layout: ["side", "flat", "mini"].includes(layout.layout) ? layout.layout : "side",
  };
}

/**
 * The view in the shape of POST /api/view's columns (for the differential test).
 * @param {View} v
 */
export function comparable(v) {
  return v.columns.map((c) => ({
    id: c.id, name: c.name, shortname: c.shortname, techniqueCount: c.techniqueCount,
    cells: c.cells.map((x) => ({
      id: x.id, name: x.name, tactic: x.tactic, sub: x.sub, subCount: x.subCount, expanded: x.expanded,
      score: x.score, aggregate: x.aggregate, comment: x.comment, enabled: x.enabled,
      background: x.background, text: x.text, annotated: x.annotated,
    })),
  }));
}
