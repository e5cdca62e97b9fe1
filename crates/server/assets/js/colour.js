// Colours as navlayer-render computes them (crates/render/src/color.rs): parsing layer
// colours, the gradient colour of a score and the readable text colour. The browser suite's
// differential test proves these equal to POST /api/view.

/** @typedef {[number, number, number]} Rgb */

/** The Navigator's 28 colour presets (view-model.ts `backgroundPresets`). */
export const PRESETS = [
  "#e60d0d", "#fc3b3b", "#fc6b6b", "#fca2a2", "#e6550d", "#fd8d3c", "#fdae6b", "#fdd0a2",
  "#e6d60d", "#fce93b", "#fcf26b", "#fcf3a2", "#31a354", "#74c476", "#a1d99b", "#c7e9c0",
  "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#756bb1", "#9e9ac8", "#bcbddc", "#dadaeb",
  "#636363", "#969696", "#bdbdbd", "#d9d9d9",
];

/** The Navigator's six gradient presets (gradient.ts `presets`). */
export const GRADIENT_PRESETS = {
  redgreen: ["#ff6666", "#ffe766", "#8ec843"],
  greenred: ["#8ec843", "#ffe766", "#ff6666"],
  bluered: ["#66b1ff", "#ff66f4", "#ff6666"],
  redblue: ["#ff6666", "#ff66f4", "#66b1ff"],
  transparentblue: ["#ffffff00", "#66b1ff"],
  transparentred: ["#ffffff00", "#ff6666"],
};

/** The Navigator's default gradient. */
export const DEFAULT_GRADIENT = { colors: ["#ff6666ff", "#ffe766ff", "#8ec843ff"], minValue: 0, maxValue: 100 };

/** @type {Record<string, Rgb>} */
const NAMED = {
  white: [255, 255, 255], black: [0, 0, 0], red: [255, 0, 0], green: [0, 128, 0],
  blue: [0, 0, 255], yellow: [255, 255, 0], orange: [255, 165, 0], purple: [128, 0, 128],
  gray: [128, 128, 128], grey: [128, 128, 128], lightgray: [211, 211, 211],
  lightgrey: [211, 211, 211], darkgray: [169, 169, 169], darkgrey: [169, 169, 169],
  pink: [255, 192, 203], cyan: [0, 255, 255], aqua: [0, 255, 255], magenta: [255, 0, 255],
  fuchsia: [255, 0, 255], lime: [0, 255, 0], navy: [0, 0, 128], teal: [0, 128, 128],
  olive: [128, 128, 0], maroon: [128, 0, 0], silver: [192, 192, 192],
};

/**
 * Parses `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa` (alpha ignored), with or without `#`, and a
 * few CSS names; null for anything else.
 * @param {any} text
 * @returns {Rgb|null}
 */
export function parse(text) {
  if (typeof text !== "string") return null;
  const t = text.trim();
  const hex = t.startsWith("#") ? t.slice(1) : t;
  if (/^[0-9a-fA-F]*$/.test(hex)) {
    if (hex.length === 3 || hex.length === 4) {
      return /** @type {Rgb} */ ([0, 1, 2].map((i) => parseInt(hex[i], 16) * 17));
    }
    if (hex.length === 6 || hex.length === 8) {
      return /** @type {Rgb} */ ([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
    }
  }
  return NAMED[t.toLowerCase()] || null;
}

/** @param {Rgb} c @returns {string} `#rrggbb` */
export function hex(c) {
  return "#" + c.map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** @param {Rgb} c WCAG 2.x relative luminance */
export function luminance(c) {
  const lin = (/** @type {number} */ x) => {
    const s = x / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** @param {Rgb} a @param {Rgb} b WCAG contrast ratio */
export function contrast(a, b) {
  const x = luminance(a), y = luminance(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** @param {Rgb} bg @returns {Rgb} white or black, whichever reads better on `bg` */
export function readableText(bg) {
  return contrast(bg, [255, 255, 255]) > contrast(bg, [0, 0, 0]) ? [255, 255, 255] : [0, 0, 0];
}

/** @param {Rgb} a @param {Rgb} b @param {number} t */
function mix(a, b, t) {
  const u = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  return /** @type {Rgb} */ (a.map((x, i) => Math.round(x + (b[i] - x) * u)));
}

/**
 * @typedef {{colors: Rgb[], min: number, max: number}} Scale
 */

/**
 * The scale of a layer gradient (unparsable colours skipped; none left: the default colours).
 * @param {{colors?: string[], minValue?: number, maxValue?: number}|null|undefined} g
 * @returns {Scale}
 */
export function scale(g) {
  const src = g || DEFAULT_GRADIENT;
  let colors = /** @type {Rgb[]} */ ((src.colors || []).map(parse).filter(Boolean));
  if (!colors.length) colors = /** @type {Rgb[]} */ (DEFAULT_GRADIENT.colors.map(parse));
  return { colors, min: Number(src.minValue ?? 0), max: Number(src.maxValue ?? 100) };
}

/**
 * The colour of a score on a scale (GradientScale::color_at).
 * @param {Scale} s
 * @param {number} score
 * @returns {Rgb}
 */
export function colourAt(s, score) {
  const first = s.colors[0], last = s.colors[s.colors.length - 1];
  if (!first) return [255, 255, 255];
  const reversed = s.min > s.max;
  const lo = reversed ? s.max : s.min, hi = reversed ? s.min : s.max;
  if (Number.isNaN(score)) return first;
  const span = hi - lo;
  let t;
  if (span > 0 && Number.isFinite(span)) t = Math.min(1, Math.max(0, (score - lo) / span));
  else t = score <= lo ? 0 : 1;
  if (reversed) t = 1 - t;
  if (s.colors.length === 1) return first;
  const segments = s.colors.length - 1;
  const pos = t * segments;
  const i = Math.min(Math.floor(pos), s.colors.length - 2);
  if (t >= 1) return last;
  return mix(s.colors[i], s.colors[i + 1], pos - i);
}

/**
 * A colour the user typed, normalised to `#rrggbb`, or null when it is not a colour.
 * @param {string} text
 */
export function normalise(text) {
  const c = parse(text);
  return c ? hex(c) : null;
}
