// First requests of a page opened on a layer (`/?layer=KEY`), started before the other modules
// have loaded: the layer, and in parallel the matrix of the release that layer was last shown
// with in this browser (remembered per key); a wrong or missing guess costs nothing but the
// usual sequential request. No imports, so it runs as soon as it arrives (`async` module).

performance.mark("nl:boot");
const HINTS = "navlayer-release-hints";

/** @returns {Record<string, string>} layer key → release API path of its matrix */
function hints() {
  try {
    const v = JSON.parse(localStorage.getItem(HINTS) || "{}");
    return v && typeof v === "object" ? v : {};
  } catch (_) {
    return {};
  }
}

/**
 * Remembers the matrix path a layer was shown with (at most 200 keys).
 * @param {string} key @param {string} matrixPath
 */
export function rememberRelease(key, matrixPath) {
  try {
    const h = hints();
    delete h[key];
    h[key] = matrixPath;
    const keys = Object.keys(h);
    for (const k of keys.slice(0, Math.max(0, keys.length - 200))) delete h[k];
    localStorage.setItem(HINTS, JSON.stringify(h));
  } catch (_) { /* storage full or disabled: no hint next time */ }
}

/** @param {string} path */
function get(path) {
  const t = sessionStorage.getItem("navlayer-token") || "";
  return fetch(path, { headers: t ? { Authorization: "Bearer " + t } : {} });
}

const wanted = new URLSearchParams(location.search).get("layer");

/**
 * The early requests: `layer` for the key in the address, `matrix` the guessed release's
 * matrix (path and response). Each is taken once; later opens make their own requests.
 * `releases` the list of releases (needed to pick the layer's).
 * @type {{key: string|null, layer: Promise<Response>|null, matrixPath: string|null, matrix: Promise<Response>|null,
 *   releases: Promise<Response>|null}}
 */
export const early = { key: wanted, layer: null, matrixPath: null, matrix: null, releases: null };
if (wanted) {
  early.releases = get("/api/releases");
  early.layer = get("/api/layers/" + encodeURIComponent(wanted));
  const guess = hints()[wanted];
  if (typeof guess === "string" && /^\/api\/releases\/[a-z]+\/[0-9.]+\/matrix\?descriptions=0$/.test(guess)) {
    early.matrixPath = guess;
    early.matrix = get(guess);
  }
}
