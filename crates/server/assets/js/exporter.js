// Exports with options: the layer JSON of one tab or of every tab (one multi-layer file),
// optionally only the annotations of visible techniques; SVG, PNG, PDF, XLSX, CSV, Markdown and
// self-contained HTML rendered by the server's render crates (POST /api/render/{format} with the
// render crate's RenderOptions: layout, theme, page size, fit, orientation, PDF pages, header
// parts, sub-techniques, annotated only, scores). Nothing is drawn in JavaScript.

import { request } from "./api.js";
import { $, el, input } from "./dom.js";

/** @typedef {import("./doc.js").Doc} Doc */

/**
 * The layer with only the entries of techniques the view shows.
 * @param {Doc} d
 */
export function visibleOnly(d) {
  const shown = new Set();
  for (const c of d.view.columns) for (const x of c.cells) shown.add(x.id);
  const layer = structuredClone(d.layer);
  layer.techniques = (layer.techniques || []).filter((t) => shown.has(String(t.techniqueID).trim()));
  return layer;
}

/** Saves bytes as a download. @param {Blob} blob @param {string} name */
export function saveBlob(blob, name) {
  const a = /** @type {HTMLAnchorElement} */ (el("a", { href: URL.createObjectURL(blob), download: name }));
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** A file name from a layer key. @param {string} key */
const base = (key) => key.replace(/[^A-Za-z0-9._-]+/g, "-") || "layer";

export class Exporter {
  /**
   * @param {() => Doc|null} current
   * @param {() => Doc[]} all
   * @param {(text: string, error?: boolean) => void} status
   */
  constructor(current, all, status) {
    this.current = current;
    this.all = all;
    this.status = status;
    $("export-open").addEventListener("click", () => /** @type {HTMLDialogElement} */ ($("export-dialog")).showModal());
    $("export-cancel").addEventListener("click", () => /** @type {HTMLDialogElement} */ ($("export-dialog")).close());
    $("export-go").addEventListener("click", () => this.run().catch((e) => this.fail(/** @type {Error} */ (e).message)));
    input("ex-format").addEventListener("change", () => this.sync());
    this.sync();
  }

  /** Shows the options that apply to the chosen format. */
  sync() {
    const f = input("ex-format").value;
    const picture = f === "svg" || f === "png" || f === "pdf";
    $("ex-json-options").hidden = f !== "json";
    $("ex-render-options").hidden = f === "json";
    $("ex-page-options").hidden = !picture;
    $("ex-pages-field").hidden = f !== "pdf";
    $("ex-error").hidden = true;
  }

  /**
   * The render options chosen in the dialog: the render crate's RenderOptions (camelCase JSON),
   * only those that apply to the format. Show IDs / names come from the tab's layer controls.
   * @param {string} f the format
   * @param {Doc} d
   */
  options(f, d) {
    const check = (/** @type {string} */ id) => input(id).checked;
    const layout = d.layer.layout || {};
    /** @type {Record<string, unknown>} */
    const o = {
      annotatedOnly: check("ex-annotated"),
      subtechniques: input("ex-subs").value,
      scores: input("ex-scores").value,
      showID: !!layout.showID,
      showName: layout.showName !== false,
    };
    if (f === "svg" || f === "png" || f === "pdf") {
      if (input("ex-layout").value) o.layout = input("ex-layout").value;
      o.theme = input("ex-theme").value;
      o.fit = input("ex-fit").value;
      o.pageSize = input("ex-page").value;
      o.orientation = input("ex-orientation").value;
      if (f === "pdf") o.pages = input("ex-pages").value;
      o.header = {
        about: check("ex-h-about"),
        domain: check("ex-h-domain"),
        platforms: check("ex-h-platforms"),
        legend: check("ex-legend"),
        gradient: check("ex-h-gradient"),
      };
    }
    if (f === "html") o.theme = document.documentElement.dataset.theme === "dark" ? "dark" : "light";
    return o;
  }

  /** Shows why the export failed, in the dialog. @param {string} message */
  fail(message) {
    const p = $("ex-error");
    p.textContent = message;
    p.hidden = false;
    this.status(message, true);
  }

  async run() {
    const d = this.current();
    if (!d) return;
    const f = input("ex-format").value;
    const visible = input("ex-visible").checked;
    if (f === "json") {
      const docs = input("ex-scope").value === "all" ? this.all() : [d];
      const layers = docs.map((x) => (visible ? visibleOnly(x) : x.layer));
      const body = docs.length === 1 ? layers[0] : layers;
      const name = docs.length === 1 ? base(d.key) + ".json" : "layers.json";
      saveBlob(new Blob([JSON.stringify(body, null, 2)], { type: "application/json" }), name);
      this.status("Exported " + docs.length + " layer(s) to " + name + ".");
    } else {
      const resp = await request("POST", "/api/render/" + f, { layer: d.layer, options: this.options(f, d) });
      saveBlob(await resp.blob(), base(d.key) + "." + (f === "md" ? "md" : f));
      this.status("Exported " + base(d.key) + "." + f + ".");
    }
    /** @type {HTMLDialogElement} */ ($("export-dialog")).close();
  }
}
