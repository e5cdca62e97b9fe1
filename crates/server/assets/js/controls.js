// Layer controls: layout (side / flat / mini), show IDs / names, sorting, platform filter,
// hide disabled, aggregate scores, tactic row background, and the layer's own metadata and
// links. Each control changes the view at once and is saved with the layer (one undo step).

import { $, el, input } from "./dom.js";
import { normalise } from "./colour.js";

/** @typedef {import("./doc.js").Doc} Doc */

export const SORTS = ["name, A to Z", "name, Z to A", "score, low to high", "score, high to low"];
const FUNCTIONS = ["average", "min", "max", "sum"];

export class LayerControls {
  /**
   * @param {() => Doc|null} doc
   * @param {(field: string, value: any, label: string) => void} setField
   * @param {(text: string, error?: boolean) => void} status
   */
  constructor(doc, setField, status) {
    this.doc = doc;
    this.setField = setField;
    this.status = status;
    const sorting = /** @type {HTMLSelectElement} */ ($("ctl-sorting"));
    SORTS.forEach((s, i) => sorting.append(el("option", { value: String(i), text: s })));
    const fn = /** @type {HTMLSelectElement} */ ($("ctl-agg-fn"));
    for (const f of FUNCTIONS) fn.append(el("option", { value: f, text: f }));
    const layout = (/** @type {Record<string, any>} */ change, /** @type {string} */ label) => {
      const d = this.doc();
      if (d) this.setField("layout", Object.assign({}, d.layer.layout || {}, change), label);
    };
    input("ctl-layout").addEventListener("change", () => layout({ layout: input("ctl-layout").value }, "layout " + input("ctl-layout").value));
    input("ctl-show-id").addEventListener("change", () => layout({ showID: input("ctl-show-id").checked }, "show IDs"));
    input("ctl-show-name").addEventListener("change", () => layout({ showName: input("ctl-show-name").checked }, "show names"));
    input("ctl-aggregate").addEventListener("change", () => layout({ showAggregateScores: input("ctl-aggregate").checked }, "aggregate scores"));
    fn.addEventListener("change", () => layout({ aggregateFunction: fn.value }, "aggregate function " + fn.value));
    input("ctl-count-unscored").addEventListener("change", () => layout({ countUnscored: input("ctl-count-unscored").checked }, "count unscored"));
    sorting.addEventListener("change", () => this.setField("sorting", Number(sorting.value), "sorting"));
    input("ctl-hide-disabled").addEventListener("change", () => this.setField("hideDisabled", input("ctl-hide-disabled").checked, "hide disabled"));
    input("ctl-tactic-bg").addEventListener("change", () => {
      const d = this.doc();
      // The Navigator's default row colour when the layer has none.
      if (d && !normalise(d.layer.tacticRowBackground || "")) d.setField("tacticRowBackground", input("ctl-tactic-colour").value || "#dddddd", "tactic row colour");
      this.setField("showTacticRowBackground", input("ctl-tactic-bg").checked, "tactic row background");
    });
    input("ctl-tactic-colour").addEventListener("change", () => {
      const c = normalise(input("ctl-tactic-colour").value);
      if (c) this.setField("tacticRowBackground", c, "tactic row colour");
    });
    $("ctl-platforms-all").addEventListener("click", () => this.platforms(null));
  }

  /** Sets the platform filter (null: every platform). @param {string[]|null} list */
  platforms(list) {
    const d = this.doc();
    if (!d) return;
    const filters = Object.assign({}, d.layer.filters || {});
    filters.platforms = list === null ? [...d.index.platforms] : list;
    this.setField("filters", filters, "platform filter");
  }

  /** Shows the layer's settings in the controls. */
  draw() {
    const d = this.doc();
    if (!d) return;
    const l = d.layer;
    const layout = l.layout || {};
    input("ctl-layout").value = ["side", "flat", "mini"].includes(layout.layout) ? layout.layout : "side";
    input("ctl-show-id").checked = !!layout.showID;
    input("ctl-show-name").checked = layout.showName !== false;
    input("ctl-aggregate").checked = !!layout.showAggregateScores;
    input("ctl-agg-fn").value = FUNCTIONS.includes(layout.aggregateFunction) ? layout.aggregateFunction : "average";
    input("ctl-count-unscored").checked = !!layout.countUnscored;
    input("ctl-sorting").value = String([0, 1, 2, 3].includes(Number(l.sorting)) ? Number(l.sorting) : 0);
    input("ctl-hide-disabled").checked = !!l.hideDisabled;
    input("ctl-tactic-bg").checked = !!l.showTacticRowBackground;
    input("ctl-tactic-colour").value = normalise(l.tacticRowBackground || "") || "#dddddd";
    const box = $("ctl-platform-list");
    box.replaceChildren();
    const shown = new Set(d.view.platforms.length ? d.view.platforms : d.index.platforms);
    for (const p of d.index.platforms) {
      const cb = el("input", { type: "checkbox", value: p, checked: shown.has(p),
        onchange: () => {
          const on = [...box.querySelectorAll("input:checked")].map((x) => /** @type {HTMLInputElement} */ (x).value);
          if (!on.length) { this.status("Keep at least one platform.", true); this.draw(); return; }
          this.platforms(on);
        } });
      box.append(el("label", {}, cb, " " + p));
    }
  }
}
