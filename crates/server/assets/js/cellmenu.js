// The items of a cell's context menu (the menu itself is contextmenu.js).

import { versionedUrl, replaceUrl, safeUrl } from "./contextmenu.js";

/** @typedef {import("./contextmenu.js").Item} Item */
/** @typedef {import("./selection.js").Selection} Selection */

/**
 * The menu sections of a cell.
 * @param {{doc: import("./doc.js").Doc, cell: import("./view.js").Cell, selection: Selection,
 *   objects: {tech: any, parent: any, tactic: any}, userItems: import("./contextmenu.js").MenuItemConfig[],
 *   annotate: () => void}} p
 * @returns {Item[][]}
 */
export function cellMenu({ doc, cell, selection, objects, userItems, annotate }) {
  const { tech, parent, tactic } = objects;
  const key = cell.key;
  const reach = () => selection.expand(key);
  const link = (/** @type {{label?: string, url?: string}} */ l) => ({ label: l.label || l.url || "", href: l.url && safeUrl(l.url) ? l.url : null });
  return [
    [
      { label: "Select", run: () => selection.set(reach()) },
      { label: "Add to selection", run: () => selection.add(reach()) },
      { label: "Remove from selection", run: () => selection.remove(reach()) },
    ],
    [
      { label: "Select all", run: () => selection.selectAll() },
      { label: "Deselect all", run: () => selection.deselectAll() },
      { label: "Invert selection", run: () => selection.invert() },
      { label: "Select annotated", run: () => selection.selectAnnotated() },
      { label: "Select unannotated", run: () => selection.selectUnannotated() },
    ],
    [
      { label: "Select all techniques in tactic", run: () => selection.tactic(cell.tactic, true) },
      { label: "Deselect all techniques in tactic", run: () => selection.tactic(cell.tactic, false) },
      { label: "Annotate…", run: () => { if (!selection.has(key)) selection.set(reach()); annotate(); } },
    ],
    [
      { label: "View technique on ATT&CK v" + doc.release, href: versionedUrl(tech.url, doc.release) },
      { label: "View tactic on ATT&CK v" + doc.release, href: versionedUrl(tactic.url, doc.release) },
    ],
    userItems.map((it) => {
      const url = replaceUrl(it, tech, parent, tactic, cell.tactic);
      return { label: it.label, href: safeUrl(url) ? url : null };
    }),
    cell.links.filter((l) => !l.divider).map(link),
    (doc.layer.links || []).filter((l) => !l.divider).map(link),
  ];
}
