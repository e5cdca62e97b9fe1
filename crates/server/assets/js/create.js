// Making layers: new layer for any domain and release the server has, open from a URL (the
// server fetches it), and create from other layers (the open tabs as a, b, c …, a score
// expression, the Navigator's inheritance choices) through the server's combine.

import { json } from "./api.js";
import { $, el, input } from "./dom.js";
import { listReleases } from "./layers.js";
import { letter } from "./tabs.js";

/** @typedef {import("./doc.js").Doc} Doc */

const INHERIT = [["gradient", "Gradient"], ["colors", "Colours"], ["comments", "Comments"], ["links", "Links"],
  ["metadata", "Metadata"], ["enabled", "States (enabled)"], ["filters", "Filters"], ["legend", "Legend"]];

/** @param {string} id */
const dialog = (id) => /** @type {HTMLDialogElement} */ ($(id));

export class Create {
  /**
   * @param {(key: string) => Promise<void>} open opens a stored layer in a tab
   * @param {() => Doc[]} tabs
   * @param {(text: string, error?: boolean) => void} status
   */
  constructor(open, tabs, status) {
    this.open = open;
    this.tabs = tabs;
    this.status = status;
    const fail = (/** @type {unknown} */ e, /** @type {string} */ where) => { $(where).textContent = /** @type {Error} */ (e).message; };
    $("new-layer").addEventListener("click", () => this.showNew().catch((e) => this.status(/** @type {Error} */ (e).message, true)));
    $("nl-domain").addEventListener("change", () => this.fillReleases());
    $("nl-create").addEventListener("click", () => this.createNew().catch((e) => fail(e, "nl-error")));
    $("open-url").addEventListener("click", () => { $("url-error").textContent = ""; dialog("url-dialog").showModal(); });
    $("url-open").addEventListener("click", () => this.fromUrl().catch((e) => fail(e, "url-error")));
    $("combine-open").addEventListener("click", () => this.showCombine());
    $("cb-create").addEventListener("click", () => this.combine().catch((e) => fail(e, "cb-error")));
    for (const b of document.querySelectorAll("dialog .cancel")) {
      b.addEventListener("click", () => /** @type {HTMLDialogElement} */ (b.closest("dialog")).close());
    }
  }

  async showNew() {
    const rels = await listReleases();
    const domains = [...new Set(rels.map((r) => r.domain))];
    const sel = /** @type {HTMLSelectElement} */ ($("nl-domain"));
    sel.replaceChildren(...domains.map((d) => el("option", { value: d, text: d })));
    this.fillReleases();
    $("nl-error").textContent = "";
    dialog("new-dialog").showModal();
  }

  async fillReleases() {
    const rels = (await listReleases()).filter((r) => r.domain === input("nl-domain").value);
    const sel = /** @type {HTMLSelectElement} */ ($("nl-release"));
    sel.replaceChildren(...rels.map((r) => el("option", { value: r.release, text: r.release })));
    sel.value = rels.length ? rels[rels.length - 1].release : "";
  }

  async createNew() {
    const name = input("nl-name").value.trim() || "New layer";
    const layer = { name, domain: input("nl-domain").value, versions: { layer: "4.5", attack: input("nl-release").value }, techniques: [] };
    const r = await json("POST", "/api/layers", layer);
    dialog("new-dialog").close();
    await this.open(r.key);
  }

  async fromUrl() {
    const url = input("url-input").value.trim();
    const r = await json("POST", "/api/fetch", { url });
    dialog("url-dialog").close();
    await this.open(r.layers[0].key);
    this.status("Opened " + url + (r.layers.length > 1 ? " (" + r.layers.length + " layers stored)" : ""));
  }

  showCombine() {
    const docs = this.tabs();
    const list = $("cb-layers");
    list.replaceChildren(...docs.map((d, i) => el("li", {}, el("strong", { text: letter(i) }), " " + d.layer.name + (d.dirty ? " (unsaved edits are not included: save first)" : ""))));
    const inherit = $("cb-inherit");
    inherit.replaceChildren();
    for (const [field, label] of INHERIT) {
      const sel = el("select", { id: "cb-inherit-" + field }, el("option", { value: "", text: "none" }),
        ...docs.map((_, i) => el("option", { value: letter(i), text: letter(i) })));
      inherit.append(el("label", {}, label + " ", sel));
    }
    $("cb-error").textContent = "";
    dialog("combine-dialog").showModal();
  }

  async combine() {
    const docs = this.tabs();
    if (!docs.length) throw new Error("Open the layers to combine in tabs first.");
    /** @type {Record<string, string>} */
    const layers = {};
    docs.forEach((d, i) => { layers[letter(i)] = d.key; });
    /** @type {Record<string, string>} */
    const inherit = {};
    for (const [field] of INHERIT) {
      const v = input("cb-inherit-" + field).value;
      if (v) inherit[field] = v;
    }
    const expression = input("cb-expression").value;
    const r = await json("POST", "/api/combine", { expression, layers, inherit, name: input("cb-name").value || undefined, store: true });
    dialog("combine-dialog").close();
    await this.open(r.key);
  }
}
