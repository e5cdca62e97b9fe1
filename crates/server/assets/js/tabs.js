// Open layers as tabs (an ARIA tablist): each tab keeps its own layer, unsaved edits, undo
// history and selection; closing a tab with unsaved edits asks first.

import { el } from "./dom.js";

/** @typedef {import("./doc.js").Doc} Doc */

/** The tab letters used by "create layer from other layers": a, b, c … */
export const letter = (/** @type {number} */ i) => "abcdefghijklmnopqrstuvwxyz"[i] || "?";

export class Tabs {
  /**
   * @param {HTMLElement} list the tablist element
   * @param {(doc: Doc|null) => void} onSwitch called with the tab shown
   */
  constructor(list, onSwitch) {
    this.list = list;
    this.onSwitch = onSwitch;
    /** @type {Doc[]} */
    this.docs = [];
    this.active = -1;
    list.setAttribute("role", "tablist");
    list.addEventListener("keydown", (ev) => {
      const n = this.docs.length;
      if (!n) return;
      let i = this.active;
      if (ev.key === "ArrowRight") i = (i + 1) % n;
      else if (ev.key === "ArrowLeft") i = (i - 1 + n) % n;
      else if (ev.key === "Home") i = 0;
      else if (ev.key === "End") i = n - 1;
      else if (ev.key === "Delete") { ev.preventDefault(); this.close(this.active); return; }
      else return;
      ev.preventDefault();
      this.show(i);
      /** @type {HTMLElement|null} */ (this.list.querySelector('[aria-selected="true"]'))?.focus();
    });
  }

  /** @returns {Doc|null} */
  current() {
    return this.docs[this.active] || null;
  }

  /** The open tab of a stored layer. @param {string} key */
  find(key) {
    return this.docs.findIndex((d) => d.key === key);
  }

  /** Opens a layer in a new tab (or replaces the tab of the same key). @param {Doc} doc */
  add(doc) {
    const i = this.find(doc.key);
    if (i >= 0) this.docs[i] = doc;
    else this.docs.push(doc);
    this.show(i >= 0 ? i : this.docs.length - 1);
  }

  /** @param {number} i */
  show(i) {
    this.active = Math.max(-1, Math.min(i, this.docs.length - 1));
    this.draw();
    this.onSwitch(this.current());
  }

  /** Closes a tab, asking first when it has unsaved edits. @param {number} i @returns {boolean} closed */
  close(i) {
    const d = this.docs[i];
    if (!d) return false;
    if (d.dirty && !confirm("“" + d.layer.name + "” has unsaved edits. Close the tab and lose them?")) return false;
    this.docs.splice(i, 1);
    const next = this.active > i ? this.active - 1 : this.active === i ? Math.min(i, this.docs.length - 1) : this.active;
    this.show(next);
    return true;
  }

  /** True when any tab has unsaved edits. */
  anyDirty() {
    return this.docs.some((d) => d.dirty);
  }

  /** Redraws the tab strip (names, letters, unsaved marks). */
  draw() {
    this.list.replaceChildren();
    this.docs.forEach((d, i) => {
      const selected = i === this.active;
      const tab = el("button", { type: "button", role: "tab", class: "tab", id: "tab-" + i, "aria-selected": selected ? "true" : "false",
        "aria-controls": "editor-area", tabindex: selected ? "0" : "-1", title: d.layer.name + " · " + d.release,
        onclick: (/** @type {MouseEvent} */ ev) => {
          if (/** @type {Element} */ (ev.target).closest(".tab-close")) this.close(i);
          else this.show(i);
        } },
        el("span", { class: "tab-letter", "aria-hidden": "true", text: letter(i) }),
        el("span", { class: "tab-name", text: d.layer.name }),
        d.dirty ? el("span", { class: "tab-dirty", "aria-hidden": "true", title: "unsaved edits", text: "●" }) : null,
        el("span", { class: "tab-close", "aria-hidden": "true", title: "close (Delete)", text: "×" }));
      this.list.append(tab);
    });
  }
}
