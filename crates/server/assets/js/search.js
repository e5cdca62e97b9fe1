// Search & multiselect: techniques by name, ATT&CK ID or description, and the release's
// groups (with their campaigns' techniques), software, mitigations, campaigns, assets,
// detection strategies and data components, each with the techniques it brings and
// select / deselect buttons. The server answers the queries (GET …/multiselect).

import { json, releasePath } from "./api.js";
import { $, el, input } from "./dom.js";

/**
 * @typedef {{id: string, name: string, type: string, techniques: string[]}} Hit
 * @typedef {{techniques: Hit[], groups: Hit[], software: Hit[], mitigations: Hit[], campaigns: Hit[],
 *   assets: Hit[], detectionStrategies: Hit[], dataComponents: Hit[]}} Answer
 */

const SECTIONS = /** @type {const} */ ([
  ["techniques", "Techniques"], ["groups", "Groups"], ["software", "Software"], ["mitigations", "Mitigations"],
  ["campaigns", "Campaigns"], ["assets", "Assets"], ["detectionStrategies", "Detection strategies"],
  ["dataComponents", "Data components"],
]);
const SHOWN = 40;

export class Search {
  /**
   * @param {() => {domain: string, release: string}|null} release
   * @param {(ids: string[], on: boolean) => void} select
   * @param {(text: string, error?: boolean) => void} status
   */
  constructor(release, select, status) {
    this.release = release;
    this.select = select;
    this.status = status;
    /** @type {Answer|null} */
    this.answer = null;
    this.seq = 0;
    /** @type {number|undefined} */
    this.timer = undefined;
    const box = input("search-q");
    box.addEventListener("input", () => this.later());
    box.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); this.run(); } });
    for (const id of ["search-name", "search-id", "search-description"]) input(id).addEventListener("change", () => this.run());
    $("search-all").addEventListener("click", () => this.all(true));
    $("search-none").addEventListener("click", () => this.all(false));
  }

  later() {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.run(), 120);
  }

  /** Asks the server and draws the results. */
  async run() {
    const rel = this.release();
    if (!rel) return;
    const q = input("search-q").value.trim();
    const fields = [["search-name", "name"], ["search-id", "id"], ["search-description", "description"]]
      .filter(([id]) => input(id).checked).map(([, f]) => f).join(",");
    const seq = ++this.seq;
    try {
      const a = await json("GET", releasePath(rel.domain, rel.release) + "/multiselect?q=" + encodeURIComponent(q) + "&fields=" + fields);
      if (seq !== this.seq) return;
      this.answer = a;
      this.draw();
    } catch (e) {
      this.status(/** @type {Error} */ (e).message, true);
    }
  }

  draw() {
    const out = $("search-results");
    out.replaceChildren();
    const a = this.answer;
    if (!a) return;
    let total = 0;
    for (const [field, title] of SECTIONS) {
      const hits = a[field] || [];
      if (!hits.length) continue;
      total += hits.length;
      const list = el("ul", { class: "hits" });
      const show = (/** @type {number} */ n) => {
        list.replaceChildren();
        for (const h of hits.slice(0, n)) list.append(this.hit(h));
        if (hits.length > n) {
          list.append(el("li", {}, el("button", { type: "button", class: "small", text: "Show " + (hits.length - n) + " more",
            onclick: () => show(hits.length) })));
        }
      };
      show(SHOWN);
      out.append(el("details", { class: "hit-section", open: field === "techniques" || hits.length <= 10 },
        el("summary", {}, title + " (" + hits.length + ")"), list));
    }
    if (!total) out.append(el("p", { class: "hint", text: "Nothing found." }));
  }

  /** @param {Hit} h */
  hit(h) {
    const n = h.techniques.length;
    return el("li", { class: "hit" },
      el("span", { class: "hit-name", text: h.name + " (" + h.id + ")" }),
      el("span", { class: "hit-count", text: n + (n === 1 ? " technique" : " techniques") }),
      el("button", { type: "button", class: "small", text: "Select", "aria-label": "Select " + h.name, disabled: !n,
        onclick: () => this.select(h.techniques, true) }),
      el("button", { type: "button", class: "small", text: "Deselect", "aria-label": "Deselect " + h.name, disabled: !n,
        onclick: () => this.select(h.techniques, false) }));
  }

  /** Selects or deselects the techniques of every result. @param {boolean} on */
  all(on) {
    const a = this.answer;
    if (!a) return;
    const ids = new Set();
    for (const [field] of SECTIONS) for (const h of a[field] || []) for (const t of h.techniques) ids.add(t);
    this.select([...ids], on);
  }
}
