// "New layer from …" in the New layer dialog (issue 17): coverage of rule files, a heatmap of
// ATT&CK data, the gaps of open tabs. The server computes all three (POST /api/coverage,
// /api/heatmap, /api/gaps with store: true); this module gathers the inputs, opens the stored
// layer in a new tab and shows the server's report.

import { json } from "./api.js";
import { $, el, input } from "./dom.js";

/** @typedef {import("./doc.js").Doc} Doc */

/** @param {string} id */
const dialog = (id) => /** @type {HTMLDialogElement} */ ($(id));
/** @param {string} text comma-separated values, e.g. "Linux, Windows" */
const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

export class NewFrom {
  /**
   * @param {(key: string) => Promise<void>} open opens a stored layer in a tab
   * @param {() => Doc[]} tabs
   * @param {(text: string, error?: boolean) => void} status
   */
  constructor(open, tabs, status) {
    this.open = open;
    this.tabs = tabs;
    this.status = status;
    $("nf-source").addEventListener("change", () => this.choose());
    $("nf-threat").addEventListener("change", () => this.coverOthers());
    $("new-layer").addEventListener("click", () => this.choose());
    /** @param {() => Promise<void>} f */
    const run = (f) => () => f().catch((e) => { $("nl-error").textContent = /** @type {Error} */ (e).message; });
    $("nf-coverage-go").addEventListener("click", run(() => this.coverage()));
    $("nf-heatmap-go").addEventListener("click", run(() => this.heatmap()));
    $("nf-gaps-go").addEventListener("click", run(() => this.gaps()));
    $("nf-report-close").addEventListener("click", () => { $("nf-report").hidden = true; });
  }

  /** Shows the inputs of the chosen source (none: the empty layer's Create). */
  choose() {
    const src = input("nf-source").value;
    for (const s of ["coverage", "heatmap", "gaps"]) $("nf-" + s).hidden = src !== s;
    $("nl-create").hidden = !!src;
    if (src && input("nl-name").value === "New layer") input("nl-name").value = "";
    if (src === "gaps") this.fillTabs();
  }

  fillTabs() {
    const docs = this.tabs();
    const opt = (/** @type {Doc} */ d) => el("option", { value: d.key, text: d.layer.name });
    /** @type {HTMLSelectElement} */ ($("nf-threat")).replaceChildren(...docs.map(opt));
    $("nf-covers").replaceChildren(...docs.map((d) => el("label", {}, el("input", { type: "checkbox", value: d.key }), " " + d.layer.name)));
    this.coverOthers();
  }

  /** Coverage: every open tab but the threat. */
  coverOthers() {
    const threat = input("nf-threat").value;
    for (const i of /** @type {NodeListOf<HTMLInputElement>} */ ($("nf-covers").querySelectorAll("input"))) {
      i.checked = i.value !== threat;
      i.disabled = i.value === threat;
    }
  }

  /** The name typed, the dialog's domain (API form: `ics`) and release. */
  common() {
    const name = input("nl-name").value.trim();
    return { name: name || undefined, domain: input("nl-domain").value.replace(/-attack$/, ""), release: input("nl-release").value };
  }

  async coverage() {
    const files = [...(input("nf-files").files || [])];
    if (!files.length) throw new Error("Choose the rule files first.");
    const c = this.common();
    const platforms = list(input("nf-platform").value);
    const body = {
      format: input("nf-format").value, domain: c.domain, release: c.release,
      files: await Promise.all(files.map(async (f) => ({ name: f.webkitRelativePath || f.name, text: await f.text() }))),
      options: { name: c.name, platforms: platforms.length ? platforms : undefined },
      allowFailed: input("nf-allow-failed").checked, store: true,
    };
    await this.created(await json("POST", "/api/coverage", body));
  }

  async heatmap() {
    const c = this.common();
    const search = list(input("nf-search").value);
    const options = { name: c.name, kinds: [input("nf-kind").value], search: search.length ? search : undefined };
    await this.created(await json("POST", "/api/heatmap", { domain: c.domain, release: c.release, options, store: true }));
  }

  async gaps() {
    const threat = input("nf-threat").value;
    const coverage = [...$("nf-covers").querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value);
    if (!threat || !coverage.length) throw new Error("Open the threat layer and at least one coverage layer in tabs, then tick the coverage layers.");
    await this.created(await json("POST", "/api/gaps", { threat, coverage, options: { name: this.common().name }, store: true }));
  }

  /** @param {any} r the 201 answer: key, summary, report */
  async created(r) {
    dialog("new-dialog").close();
    await this.open(r.key);
    this.report(r.summary || "", r.report || {});
  }

  /**
   * Shows the server's report: its summary line, the files that failed (name:line:column: reason)
   * or were skipped, and the IDs the release does not know.
   * @param {string} summary
   * @param {any} report
   */
  report(summary, report) {
    $("nf-summary").textContent = summary;
    /** @type {any[]} */
    const files = (report.files || []).filter((/** @type {any} */ f) => f.outcome !== "parsed");
    $("nf-failed").replaceChildren(...files.map((f) => el("li", {
      text: f.outcome + ": " + f.path + (f.line ? ":" + f.line + ":" + (f.column || 1) : "") + (f.reason ? ": " + f.reason : ""),
    })));
    /** @type {any[]} */
    const unknown = (report.ids || []).filter((/** @type {any} */ i) => i.status === "unknown");
    $("nf-ids").textContent = unknown.length ? "Unknown IDs: " + unknown.map((i) => i.id).join(", ") : "";
    $("nf-report").hidden = false;
  }
}
