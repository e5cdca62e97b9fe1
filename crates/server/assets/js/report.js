// The migration report kept with a revision by a guided upgrade
// (GET /api/layers/{key}/revisions/{revision}/report), shown from the revisions list: what
// happened to every entry of the old layer, and which the review dropped.

import { json, layerPath } from "./api.js";
import { $, el } from "./dom.js";
import { oldState, newState } from "./upgrade.js";

/**
 * @typedef {{from: string, to: string, notes: string[], dropped: number[],
 *   report: import("./upgrade.js").Report}} StoredReport
 */

/** Shows the report of a revision. @param {string} key @param {number} revision */
export async function showReport(key, revision) {
  /** @type {StoredReport} */
  const r = await json("GET", layerPath(key) + "/revisions/" + revision + "/report");
  const dropped = new Set(r.dropped);
  const list = $("rp-list");
  list.replaceChildren(...r.report.entries.map((e) => el("tr", { dataset: { index: String(e.index) } },
    el("td", { text: e.change + (e.tactic_change ? " · tactic " + e.tactic_change.reason : "") }),
    el("td", { text: oldState(e) }),
    el("td", { text: dropped.has(e.index) ? "dropped in review" : newState(e) }),
    el("td", { text: dropped.has(e.index) ? "dropped" : e.action }))));
  const counts = Object.entries(r.report.counts).map(([k, v]) => v + " " + k).join(", ");
  $("rp-summary").textContent = "Revision " + revision + ": ATT&CK v" + r.from + " → v" + r.to + ", " + r.report.input_entries +
    " entries (" + counts + ")" + (dropped.size ? ", " + dropped.size + " dropped in review" : "") + "." +
    (r.notes.length ? " " + r.notes.join(" ") : "");
  const dialog = /** @type {HTMLDialogElement} */ ($("report-dialog"));
  /** @type {HTMLButtonElement} */ ($("rp-close")).onclick = () => dialog.close();
  dialog.showModal();
}
