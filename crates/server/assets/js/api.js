// The API client: every request to the server goes through here (token, JSON, errors).

/** An error answered by the server: message, JSON pointer, HTTP status. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} [pointer]
   */
  constructor(message, status, pointer) {
    super(message);
    this.status = status;
    this.pointer = pointer || "";
  }
}

/** @returns {string} the bearer token kept for this browser session */
export function token() {
  return sessionStorage.getItem("navlayer-token") || "";
}

/** @param {string} t */
export function setToken(t) {
  sessionStorage.setItem("navlayer-token", t.trim());
}

/**
 * Sends a request; objects are sent as JSON. Throws ApiError on a non-2xx answer.
 * @param {string} method
 * @param {string} path
 * @param {any} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<Response>}
 */
export async function request(method, path, body, headers) {
  /** @type {Record<string, string>} */
  const h = Object.assign({}, headers || {});
  if (token()) h["Authorization"] = "Bearer " + token();
  let payload = body;
  if (body !== undefined && typeof body !== "string") payload = JSON.stringify(body);
  // The server takes writes only as JSON (its defence against cross-site form posts), so every
  // POST and PUT says so, with or without a body.
  if (body !== undefined || method === "POST" || method === "PUT") h["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers: h, body: payload });
  if (!resp.ok) {
    let msg = resp.status + " " + resp.statusText;
    let pointer = "";
    try {
      const e = await resp.json();
      msg = e.message || msg;
      pointer = e.pointer || "";
      if (pointer) msg += " (at " + pointer + ")";
    } catch (_) { /* not JSON */ }
    throw new ApiError(msg, resp.status, pointer);
  }
  return resp;
}

/**
 * Sends a request and reads the JSON answer (null for 204).
 * @param {string} method
 * @param {string} path
 * @param {any} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<any>}
 */
export async function json(method, path, body, headers) {
  const r = await request(method, path, body, headers);
  return r.status === 204 ? null : r.json();
}

/** @param {string} key */
export const layerPath = (key) => "/api/layers/" + encodeURIComponent(key);

/**
 * The API path of a release: `/api/releases/enterprise/18.1`.
 * @param {string} domain `enterprise-attack` or `enterprise`
 * @param {string} release
 */
export function releasePath(domain, release) {
  return "/api/releases/" + encodeURIComponent(domain.replace(/-attack$/, "")) + "/" + encodeURIComponent(release);
}

/** @type {Map<string, Promise<any>>} */
const cache = new Map();

/**
 * GETs JSON once per path for the page's lifetime (release data never changes).
 * @param {string} path
 * @returns {Promise<any>}
 */
export function cached(path) {
  let p = cache.get(path);
  if (!p) {
    p = json("GET", path);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p;
}
