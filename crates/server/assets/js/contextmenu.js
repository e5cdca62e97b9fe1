// The context menu of a cell: selection shortcuts, the technique and tactic on
// attack.mitre.org (the release's versioned pages), the layer's and the cell's links, and the
// user's own items from the server's configuration, with the Navigator's placeholders.

import { cached, releasePath } from "./api.js";
import { el } from "./dom.js";

/**
 * @typedef {{label: string, url: string, subtechnique_url?: string}} MenuItemConfig
 * @typedef {{label: string, run?: () => void, href?: string|null}} Item
 * @typedef {{id: string, stixId: string, name: string, url?: string}} Obj
 */

/** True for links that may be opened: http(s) and mailto only. @param {string} url */
export function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(String(url).trim());
}

/**
 * The release's own copy of an attack.mitre.org page: `/versions/v18/techniques/T1059/001/`.
 * @param {string|undefined} url @param {string} release
 */
export function versionedUrl(url, release) {
  if (!url) return null;
  try {
    const u = new URL(url);
    const major = release.split(".")[0];
    if (!u.pathname.startsWith("/versions/")) u.pathname = "/versions/v" + major + u.pathname.replace(/\/?$/, "/");
    return u.toString();
  } catch (_) {
    return null;
  }
}

/**
 * A user item's URL with the Navigator's placeholders replaced.
 * @param {MenuItemConfig} item @param {Obj} tech @param {Obj|null} parent @param {Obj} tactic @param {string} tacticShort
 */
export function replaceUrl(item, tech, parent, tactic, tacticShort) {
  const slug = (/** @type {string} */ n) => n.replace(/ /g, "-").toLowerCase();
  /** @param {string} s */
  const tacticPart = (s) => s.replace(/{{tactic_attackID}}/g, tactic.id).replace(/{{tactic_stixID}}/g, tactic.stixId)
    .replace(/{{tactic_name}}/g, tacticShort);
  if (item.subtechnique_url && parent) {
    return tacticPart(item.subtechnique_url
      .replace(/{{parent_technique_attackID}}/g, parent.id)
      .replace(/{{parent_technique_stixID}}/g, parent.stixId)
      .replace(/{{parent_technique_name}}/g, slug(parent.name))
      .replace(/{{subtechnique_attackID}}/g, tech.id)
      .replace(/{{subtechnique_attackID_suffix}}/g, tech.id.split(".")[1] || "")
      .replace(/{{subtechnique_stixID}}/g, tech.stixId)
      .replace(/{{subtechnique_name}}/g, slug(tech.name)));
  }
  return tacticPart(item.url
    .replace(/{{technique_attackID}}/g, tech.id)
    .replace(/{{technique_stixID}}/g, tech.stixId)
    .replace(/{{technique_name}}/g, slug(tech.name)));
}

export class ContextMenu {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    /** @type {MenuItemConfig[]} */
    this.userItems = [];
    /** @type {HTMLElement|null} */
    this.returnFocus = null;
    box.addEventListener("keydown", (ev) => this.keys(ev));
    document.addEventListener("mousedown", (ev) => {
      if (!this.box.hidden && !this.box.contains(/** @type {Node} */ (ev.target))) this.close();
    });
  }

  /**
   * Opens the menu at (x, y) with sections of items.
   * @param {number} x @param {number} y @param {string} title @param {Item[][]} sections
   */
  open(x, y, title, sections) {
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const items = [];
    this.box.replaceChildren(el("div", { class: "menu-title", role: "presentation", text: title }));
    for (const sec of sections) {
      if (!sec.length) continue;
      this.box.append(el("div", { class: "menu-sep", role: "separator" }));
      for (const it of sec) {
        let e;
        if (it.href !== undefined) {
          e = it.href
            ? el("a", { role: "menuitem", href: it.href, target: "_blank", rel: "noopener noreferrer", tabindex: "-1", text: it.label, onclick: () => this.close() })
            : el("span", { role: "menuitem", "aria-disabled": "true", tabindex: "-1", text: it.label + " (not a web link)" });
        } else {
          const run = it.run;
          e = el("button", { type: "button", role: "menuitem", tabindex: "-1", text: it.label, onclick: () => { this.close(); if (run) run(); } });
        }
        items.push(e);
        this.box.append(e);
      }
    }
    this.box.hidden = false;
    const w = this.box.offsetWidth, h = this.box.offsetHeight;
    this.box.style.left = Math.max(4, Math.min(x, window.innerWidth - w - 8)) + "px";
    this.box.style.top = Math.max(4, Math.min(y, window.innerHeight - h - 8)) + "px";
    if (items[0]) items[0].focus();
  }

  close() {
    if (this.box.hidden) return;
    this.box.hidden = true;
    if (this.returnFocus && this.returnFocus.isConnected) this.returnFocus.focus();
  }

  /** @param {KeyboardEvent} ev */
  keys(ev) {
    const items = /** @type {HTMLElement[]} */ ([...this.box.querySelectorAll("[role=menuitem]")]);
    const i = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (ev.key === "Escape") { ev.preventDefault(); this.close(); }
    else if (ev.key === "ArrowDown") { ev.preventDefault(); items[(i + 1) % items.length]?.focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); items[(i - 1 + items.length) % items.length]?.focus(); }
    else if (ev.key === "Tab") { ev.preventDefault(); }
  }

  /**
   * The ATT&CK objects a cell's menu needs (technique, parent, tactic) from the release API.
   * @param {string} domain @param {string} release @param {string} id @param {string|null} parent @param {string} tacticId
   * @returns {Promise<{tech: Obj, parent: Obj|null, tactic: Obj}>}
   */
  async objects(domain, release, id, parent, tacticId) {
    const base = releasePath(domain, release) + "/objects/";
    const [tech, par, tactic] = await Promise.all([
      cached(base + encodeURIComponent(id)),
      parent ? cached(base + encodeURIComponent(parent)) : Promise.resolve(null),
      cached(base + encodeURIComponent(tacticId)),
    ]);
    return { tech, parent: par, tactic };
  }
}
