// The gradient and legend editors (the Navigator's six gradient presets, stops with a picker,
// min/max; legend items with the same pickers) and the scale and legend shown beside the matrix.

import { $, el, input } from "./dom.js";
import { GRADIENT_PRESETS, DEFAULT_GRADIENT, PRESETS, normalise, parse, hex } from "./colour.js";

/** @typedef {import("./doc.js").Doc} Doc */

/** @param {string} c a layer colour → a value for <input type=color> */
const pickerValue = (c) => { const p = parse(c); return p ? hex(p) : "#ffffff"; };

export class LegendEditor {
  /**
   * @param {() => Doc|null} doc
   * @param {(field: string, value: any, label: string) => void} setField
   * @param {(text: string, error?: boolean) => void} status
   */
  constructor(doc, setField, status) {
    this.doc = doc;
    this.setField = setField;
    this.status = status;
    const presets = /** @type {HTMLSelectElement} */ ($("gr-preset"));
    for (const name of Object.keys(GRADIENT_PRESETS)) presets.append(el("option", { value: name, text: name }));
    presets.addEventListener("change", () => {
      const colors = GRADIENT_PRESETS[/** @type {keyof typeof GRADIENT_PRESETS} */ (presets.value)];
      if (colors) this.gradient({ colors: [...colors] }, "gradient preset " + presets.value);
      presets.value = "";
    });
    $("gr-add").addEventListener("click", () => {
      const g = this.current();
      this.gradient({ colors: [...g.colors, g.colors[g.colors.length - 1] || "#ffffff"] }, "add gradient colour");
    });
    for (const id of ["gr-min", "gr-max"]) {
      input(id).addEventListener("change", () => {
        const v = Number(input(id).value);
        if (input(id).value.trim() === "" || !Number.isFinite(v)) { this.status("Min and Max must be numbers.", true); this.draw(); return; }
        this.gradient(id === "gr-min" ? { minValue: v } : { maxValue: v }, "gradient " + (id === "gr-min" ? "min" : "max"));
      });
    }
    $("lg-add").addEventListener("click", () => {
      const d = this.doc();
      if (!d) return;
      this.setField("legendItems", [...(d.layer.legendItems || []), { label: "", color: PRESETS[16] }], "add legend item");
    });
  }

  /** The layer's gradient (or the default). */
  current() {
    const d = this.doc();
    const g = (d && d.layer.gradient) || DEFAULT_GRADIENT;
    return { colors: [...(g.colors || [])], minValue: g.minValue ?? 0, maxValue: g.maxValue ?? 100 };
  }

  /** @param {Record<string, any>} change @param {string} label */
  gradient(change, label) {
    const d = this.doc();
    if (!d) return;
    this.setField("gradient", Object.assign({}, d.layer.gradient || DEFAULT_GRADIENT, change), label);
  }

  /** Redraws both editors and the scale from the layer. */
  draw() {
    const d = this.doc();
    if (!d) return;
    const g = this.current();
    input("gr-min").value = String(g.minValue);
    input("gr-max").value = String(g.maxValue);
    const stops = $("gr-stops");
    stops.replaceChildren();
    g.colors.forEach((c, i) => {
      stops.append(el("li", {},
        el("input", { type: "color", value: pickerValue(c), "aria-label": "Gradient colour " + (i + 1),
          onchange: (/** @type {Event} */ ev) => {
            const colors = [...g.colors];
            colors[i] = /** @type {HTMLInputElement} */ (ev.target).value;
            this.gradient({ colors }, "gradient colour");
          } }),
        el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove gradient colour " + (i + 1), disabled: g.colors.length <= 2,
          onclick: () => this.gradient({ colors: g.colors.filter((_, j) => j !== i) }, "remove gradient colour") })));
    });
    const items = d.layer.legendItems || [];
    const list = $("lg-items");
    list.replaceChildren();
    items.forEach((item, i) => {
      const update = (/** @type {Record<string, string>} */ change) => {
        const next = items.map((x, j) => (j === i ? Object.assign({}, x, change) : x));
        this.setField("legendItems", next, "legend item");
      };
      list.append(el("li", {},
        el("input", { value: item.label, "aria-label": "Legend label " + (i + 1), placeholder: "label",
          onchange: (/** @type {Event} */ ev) => update({ label: /** @type {HTMLInputElement} */ (ev.target).value }) }),
        el("input", { value: item.color, "aria-label": "Legend colour " + (i + 1), class: "colour-text",
          onchange: (/** @type {Event} */ ev) => {
            const t = /** @type {HTMLInputElement} */ (ev.target);
            const c = normalise(t.value);
            if (!c) { this.status("“" + t.value + "” is not a colour: use #rgb or #rrggbb.", true); t.value = item.color; return; }
            update({ color: c });
          } }),
        el("input", { type: "color", value: pickerValue(item.color), "aria-label": "Legend colour picker " + (i + 1),
          onchange: (/** @type {Event} */ ev) => update({ color: /** @type {HTMLInputElement} */ (ev.target).value }) }),
        el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove legend item " + (i + 1),
          onclick: () => this.setField("legendItems", items.filter((_, j) => j !== i), "remove legend item") })));
    });
    this.drawScale();
  }

  /** The gradient scale and legend beside the matrix. */
  drawScale() {
    const d = this.doc();
    if (!d) return;
    const s = d.view.scale;
    const bar = $("scale-bar");
    bar.style.background = s.colors.length > 1 ? "linear-gradient(to right, " + s.colors.map(hex).join(", ") + ")" : hex(s.colors[0] || [255, 255, 255]);
    $("scale-min").textContent = String(s.min);
    $("scale-max").textContent = String(s.max);
    const legend = $("legend-view");
    legend.replaceChildren();
    for (const item of d.layer.legendItems || []) {
      const sw = el("span", { class: "legend-swatch" });
      sw.style.background = normalise(item.color) || "transparent";
      legend.append(el("li", {}, sw, el("span", { text: item.label })));
    }
  }
}
