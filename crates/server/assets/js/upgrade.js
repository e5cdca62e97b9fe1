// Guided upgrade of a layer made for an older ATT&CK release: the server migrates its saved
// revision (navlayer-migrate, POST /api/migrate), what is certain is applied at once, and the
// rest — major changes, revoked techniques with their replacement, deprecated ones, tactic
// changes — is a review list with old and new state, accept / drop each, and "Accept all". The
// choices go to POST /api/layers/{key}/upgrade, which saves the result as a new revision with
// the migration report kept beside it (shown by the revisions list).

import { json } from "./api.js";
import { $, el } from "./dom.js";

/**
 * @typedef {{technique_id: string, tactic?: string, index: number}} Destination
 * @typedef {{index: number, technique_id: string, tactic?: string, name?: string, change: string, action: string,
 *   old_version?: string, new_version?: string, new_technique_id?: string, new_name?: string,
 *   destinations: Destination[], tactic_change?: {old: string, new: string[], reason: string}, note?: string}} EntryReport
 * @typedef {{from: string, to: string, entries: EntryReport[], counts: Record<string, number>, actions: Record<string, number>,
 *   input_entries: number, output_entries: number}} Report
 * @typedef {{layer: import("./view.js").Layer, report: Report, from: string, to: string, notes: string[]}} Migration
 */

/** Entries a person should look at: everything but unchanged and minor changes kept in place. @param {EntryReport} e */
export function needsReview(e) {
  return e.change === "major" || e.change === "revoked" || e.change === "deprecated" || e.change === "unknown" || !!e.tactic_change;
}

/** @param {EntryReport} e */
export function oldState(e) {
  return e.technique_id + (e.name ? " " + e.name : "") + (e.tactic ? " in " + e.tactic : "") + (e.old_version ? " (v" + e.old_version + ")" : "");
}

/** @param {EntryReport} e */
export function newState(e) {
  if (!e.destinations.length) return e.action === "dropped" ? "removed (" + e.change + ")" : e.action;
  const id = e.new_technique_id || e.technique_id;
  const tactics = e.destinations.map((d) => d.tactic).filter(Boolean).join(", ");
  return id + (e.new_name ? " " + e.new_name : "") + (tactics ? " in " + tactics : "") + (e.new_version ? " (v" + e.new_version + ")" : "");
}

export class Upgrade {
  /**
   * @param {(text: string, error?: boolean) => void} status
   * @param {(doc: import("./doc.js").Doc, choices: {from: string, to: string, drop: number[]}) => Promise<void>} save
   *   saves the upgrade of the doc's saved revision as a new revision
   */
  constructor(status, save) {
    this.status = status;
    this.save = save;
    /** @type {Migration|null} */
    this.migration = null;
    /** @type {import("./doc.js").Doc|null} */
    this.doc = null;
    /** @type {Map<number, boolean>} source entry index → accepted */
    this.choice = new Map();
    $("up-accept-all").addEventListener("click", () => {
      for (const k of this.choice.keys()) this.choice.set(k, true);
      this.finish().catch((e) => this.status(/** @type {Error} */ (e).message, true));
    });
    $("up-apply").addEventListener("click", () => this.finish().catch((e) => this.status(/** @type {Error} */ (e).message, true)));
    $("up-cancel").addEventListener("click", () => this.close());
  }

  /**
   * Offers the upgrade when the layer's release is older than the newest of its domain.
   * @param {import("./doc.js").Doc} doc @param {string} newest
   */
  offer(doc, newest) {
    const bar = $("upgrade-offer");
    const wanted = String((doc.layer.versions && doc.layer.versions.attack) || "");
    const older = doc.release !== newest && Number(doc.release.split(".")[0]) < Number(newest.split(".")[0]);
    bar.hidden = !older;
    if (!older) return;
    $("upgrade-text").textContent = "This layer was made for ATT&CK v" + (wanted || doc.release) + " and is shown on v" + doc.release +
      ". Upgrade it to v" + newest + "?";
    /** @type {HTMLButtonElement} */ ($("upgrade-start")).onclick = () => this.start(doc, newest).catch((e) => this.status(/** @type {Error} */ (e).message, true));
  }

  /** Migrates on the server and shows the review. @param {import("./doc.js").Doc} doc @param {string} to */
  async start(doc, to) {
    if (doc.dirty) {
      this.status("Save or undo the unsaved edits first: the upgrade works on the saved revision.", true);
      return;
    }
    /** @type {Migration} */
    const m = await json("POST", "/api/migrate", { key: doc.key, from: doc.release, to });
    this.migration = m;
    this.doc = doc;
    this.choice.clear();
    const review = m.report.entries.filter(needsReview);
    for (const e of review) this.choice.set(e.index, true);
    const list = $("up-list");
    list.replaceChildren();
    for (const e of review) {
      const accept = el("input", { type: "radio", name: "up-" + e.index, checked: true, "aria-label": "Accept " + e.technique_id,
        onchange: () => this.choice.set(e.index, true) });
      const drop = el("input", { type: "radio", name: "up-" + e.index, "aria-label": "Drop " + e.technique_id,
        onchange: () => this.choice.set(e.index, false) });
      list.append(el("tr", { dataset: { index: String(e.index) } },
        el("td", { text: e.change + (e.tactic_change ? " · tactic " + e.tactic_change.reason : "") }),
        el("td", { text: oldState(e) }),
        el("td", { text: newState(e) }),
        el("td", {}, el("label", {}, accept, " accept"), " ", el("label", {}, drop, " drop"))));
    }
    const counts = Object.entries(m.report.counts).map(([k, v]) => v + " " + k).join(", ");
    $("up-summary").textContent = "ATT&CK v" + m.from + " → v" + m.to + ": " + counts + ". " +
      (m.report.entries.length - review.length) + " entries were carried over at once; " + review.length + " to review.";
    const dialog = /** @type {HTMLDialogElement} */ ($("upgrade-dialog"));
    dialog.showModal();
  }

  /** Saves the upgrade with the choices as a new revision (the server migrates again and keeps the report). */
  async finish() {
    const m = this.migration;
    const doc = this.doc;
    if (!m || !doc) return;
    /** @type {number[]} */
    const drop = [];
    for (const [index, accepted] of this.choice) if (!accepted) drop.push(index);
    this.close();
    await this.save(doc, { from: m.from, to: m.to, drop });
  }

  close() {
    const dialog = /** @type {HTMLDialogElement} */ ($("upgrade-dialog"));
    if (dialog.open) dialog.close();
  }
}
