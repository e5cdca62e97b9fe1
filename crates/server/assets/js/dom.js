// Small DOM helpers. Every text from a layer or from ATT&CK data goes in as a text node or
// attribute value, never parsed as markup.

/**
 * The element with this id.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function $(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error("missing element #" + id);
  return e;
}

/**
 * The input, select or textarea with this id.
 * @param {string} id
 * @returns {HTMLInputElement}
 */
export function input(id) {
  return /** @type {HTMLInputElement} */ ($(id));
}

/**
 * Runs `f` in the task after the next frame (once the frame has been painted).
 * @param {() => void} f
 */
export function afterNextFrame(f) {
  requestAnimationFrame(() => setTimeout(f, 0));
}

/**
 * Sets the text of the element with this id, unless it has that text already (an unchanged
 * write would still cost a restyle and layout).
 * @param {string} id @param {string} text
 */
export function writeText(id, text) {
  const e = $(id);
  if (e.textContent !== text) e.textContent = text;
}

/**
 * Creates an element. `attrs`: `class`, `text`, `dataset`, `on<event>` handlers, other
 * attributes; strings among `children` become text nodes.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node|string|null|undefined)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

/**
 * Removes ATT&CK citations `(Citation: …)` and markdown link syntax from a text.
 * @param {string} text
 * @returns {string}
 */
export function stripCitations(text) {
  return text
    .replace(/\s*\(Citation:[^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/<code>|<\/code>/g, "");
}
