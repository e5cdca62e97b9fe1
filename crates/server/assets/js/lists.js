// Editable lists of metadata (name, value) and links (label, URL), with dividers, as the
// Navigator's layer settings and technique editor have them.

import { el } from "./dom.js";

/**
 * @typedef {{name?: string, value?: string, label?: string, url?: string, divider?: boolean}} Row
 */

/**
 * Draws a list of rows into `ul`; `onChange` gets the cleaned list after every edit.
 * @param {HTMLElement} ul
 * @param {Row[]} rows
 * @param {"metadata"|"links"} kind
 * @param {string} prefix accessible-name prefix ("Layer metadata", "Layer link")
 * @param {(rows: Row[]) => void} onChange
 */
export function drawRows(ul, rows, kind, prefix, onChange) {
  const [a, b] = kind === "metadata" ? ["name", "value"] : ["label", "url"];
  const redraw = () => drawRows(ul, rows, kind, prefix, onChange);
  const emit = () => onChange(clean(rows, kind));
  ul.replaceChildren();
  rows.forEach((r, i) => {
    const remove = el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove " + prefix + " " + (i + 1),
      onclick: () => { rows.splice(i, 1); redraw(); emit(); } });
    if (r.divider) { ul.append(el("li", { class: "divider-row" }, el("span", { text: "— divider —" }), remove)); return; }
    const field = (/** @type {"name"|"value"|"label"|"url"} */ f) => el("input", { "aria-label": prefix + " " + f + " " + (i + 1), placeholder: f, value: r[f] || "",
      onchange: (/** @type {Event} */ ev) => { r[f] = /** @type {HTMLInputElement} */ (ev.target).value; emit(); } });
    ul.append(el("li", {}, field(/** @type {any} */ (a)), field(/** @type {any} */ (b)), remove));
  });
}

/**
 * Drops empty rows and trims. @param {Row[]} rows @param {"metadata"|"links"} kind @returns {Row[]}
 */
export function clean(rows, kind) {
  if (kind === "metadata") {
    return rows.filter((m) => m.divider || (m.name || "").trim() || (m.value || "").trim())
      .map((m) => (m.divider ? { divider: true } : { name: (m.name || "").trim(), value: m.value || "" }));
  }
  return rows.filter((l) => l.divider || (l.url || "").trim())
    .map((l) => (l.divider ? { divider: true } : { label: (l.label || "").trim() || (l.url || "").trim(), url: (l.url || "").trim() }));
}
