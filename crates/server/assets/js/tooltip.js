// The cell tooltip: technique, tactic, score, aggregate, comment, metadata and the ATT&CK
// description, all as text, citations removed. It opens once the pointer rests on a cell
// (REST_MS), so that moving across the matrix or clicking costs no tooltip work.

import { cached, releasePath } from "./api.js";
import { stripCitations } from "./dom.js";
import { formatScore } from "./matrix.js";

/** @typedef {import("./view.js").Cell} Cell */

/** How long the pointer rests on a cell before its tooltip opens, in ms. */
const REST_MS = 150;

export class Tooltip {
  /** @param {HTMLElement} box @param {() => {domain: string, release: string}|null} release */
  constructor(box, release) {
    this.box = box;
    this.release = release;
    /** @type {Cell|null} */
    this.cell = null;
    /** @type {Map<string, string>} */
    this.descriptions = new Map();
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    this.timer = undefined;
  }

  /**
   * The pointer entered a cell (or left the cells, `null`): the tooltip opens after it rests.
   * @param {Cell|null} cell @param {MouseEvent} [ev]
   */
  hover(cell, ev) {
    clearTimeout(this.timer);
    if (!cell) { if (!this.box.hidden) this.hide(); return; }
    if (this.cell && this.cell.key !== cell.key && !this.box.hidden) this.hide();
    const at = ev ? { clientX: ev.clientX, clientY: ev.clientY } : undefined;
    this.timer = setTimeout(() => this.show(cell, at), REST_MS);
  }

  /** Opens the tooltip of a cell now. @param {Cell|null} cell @param {{clientX: number, clientY: number}} [ev] */
  show(cell, ev) {
    if (!cell) { this.hide(); return; }
    this.cell = cell;
    this.box.textContent = this.text(cell);
    this.box.hidden = false;
    if (ev) {
      this.box.style.left = Math.min(ev.clientX + 14, window.innerWidth - 380) + "px";
      this.box.style.top = Math.max(4, Math.min(ev.clientY + 14, window.innerHeight - this.box.offsetHeight - 8)) + "px";
    }
    this.describe(cell);
  }

  hide() {
    this.box.hidden = true;
    this.cell = null;
  }

  /** @param {Cell} c */
  text(c) {
    const lines = [c.id + " " + c.name, "Tactic: " + c.tactic];
    if (!c.enabled) lines.push("Disabled");
    if (c.score !== null) lines.push("Score: " + formatScore(c.score));
    if (c.aggregate !== null) lines.push("Aggregate score: " + formatScore(c.aggregate));
    if (c.comment) lines.push("Comment: " + stripCitations(c.comment));
    for (const m of c.metadata) lines.push(m.divider ? "—" : (m.name || "") + ": " + (m.value || ""));
    for (const l of c.links) if (!l.divider) lines.push("Link: " + (l.label || l.url || ""));
    const d = this.descriptions.get(c.id);
    if (d) lines.push("", d);
    return lines.join("\n");
  }

  /** Fetches the description once per technique. @param {Cell} c */
  describe(c) {
    const rel = this.release();
    if (!rel || this.descriptions.has(c.id)) return;
    this.descriptions.set(c.id, "");
    cached(releasePath(rel.domain, rel.release) + "/objects/" + encodeURIComponent(c.id)).then((o) => {
      const text = stripCitations((o.description || "").split("\n\n")[0]);
      this.descriptions.set(c.id, text.length > 400 ? text.slice(0, 400) + "…" : text);
      if (this.cell && this.cell.key === c.key) this.box.textContent = this.text(c);
    }).catch(() => {});
  }
}
