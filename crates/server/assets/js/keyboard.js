// Keyboard use of the matrix grid: arrows move the focus through the drawn cells, Space
// toggles, Shift+arrows extend the selection, Ctrl+A selects every drawn cell, Escape
// deselects, + / - expand and collapse a parent, Enter goes to the Score field,
// Shift+F10 or the context-menu key open the cell's menu.

/** @typedef {import("./matrix.js").MatrixView} MatrixView */
/** @typedef {import("./selection.js").Selection} Selection */

/**
 * @param {MatrixView} matrix
 * @param {Selection} selection
 * @param {{onToggle: (key: string, show: boolean) => void, onContext: (key: string, x: number, y: number) => void,
 *   onEdit: () => void}} hooks
 */
export function attachKeyboard(matrix, selection, hooks) {
  matrix.root.addEventListener("keydown", (ev) => {
    const key = matrix.focusKey;
    if (!key) return;
    const cols = matrix.drawnColumns();
    const ci = cols.findIndex((c) => c.includes(key));
    if (ci < 0) return;
    const ri = cols[ci].indexOf(key);
    const ctrl = ev.ctrlKey || ev.metaKey;
    /** @type {string|undefined} */
    let dest;
    switch (ev.key) {
      case "ArrowDown": dest = cols[ci][Math.min(ri + 1, cols[ci].length - 1)]; break;
      case "ArrowUp": dest = cols[ci][Math.max(ri - 1, 0)]; break;
      case "ArrowRight": if (ci + 1 < cols.length) dest = cols[ci + 1][Math.min(ri, cols[ci + 1].length - 1)]; break;
      case "ArrowLeft": if (ci > 0) dest = cols[ci - 1][Math.min(ri, cols[ci - 1].length - 1)]; break;
      case "Home": dest = ctrl ? cols[0][0] : cols[ci][0]; break;
      case "End": dest = ctrl ? cols[cols.length - 1].slice(-1)[0] : cols[ci].slice(-1)[0]; break;
      case " ":
        ev.preventDefault();
        selection.click(key, { toggle: true });
        return;
      case "Escape":
        selection.deselectAll();
        return;
      case "Enter":
        ev.preventDefault();
        hooks.onEdit();
        return;
      case "+": case "-": {
        const c = matrix.data.get(key);
        if (c && c.subCount) hooks.onToggle(key, ev.key === "+");
        else if (c && c.sub && ev.key === "-" && c.parent) hooks.onToggle(c.parent + "|" + c.tactic, false);
        ev.preventDefault();
        return;
      }
      case "ContextMenu": case "F10": {
        if (ev.key === "F10" && !ev.shiftKey) return;
        ev.preventDefault();
        const r = /** @type {HTMLElement} */ (matrix.cells.get(key)).getBoundingClientRect();
        hooks.onContext(key, r.left + 10, r.bottom);
        return;
      }
      case "a": case "A":
        if (!ctrl) return;
        ev.preventDefault();
        selection.selectDrawn(cols.flat());
        return;
      default:
        return;
    }
    ev.preventDefault();
    if (!dest) return;
    if (ev.shiftKey) {
      selection.add(selection.expand(key));
      selection.add(selection.expand(dest));
      selection.anchor = selection.anchor || key;
    } else {
      selection.anchor = dest;
    }
    matrix.setFocus(dest, true);
  });
}
