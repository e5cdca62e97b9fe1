// The layer store in the sidebar: the list of layers (with domain and release), upload, new
// layer, generate from an ATT&CK object, combine, revisions, downloads and delete.

import { json, request, layerPath, releasePath } from "./api.js";
import { $, el } from "./dom.js";
import { showReport } from "./report.js";
import { early } from "./boot.js";

/**
 * @typedef {{key: string, name: string, domain: string, attack?: string, release?: string|null, revision: number, techniques: number, updated?: string}} Stored
 * @typedef {{domain: string, short: string, release: string}} ReleaseInfo
 */

/** @type {Promise<ReleaseInfo[]>|null} */
let releases = null;

/** @returns {Promise<ReleaseInfo[]>} the releases the server has (asked once) */
export function listReleases() {
  if (!releases) {
    const pre = early.releases;
    early.releases = null;
    releases = (async () => {
      const r = pre ? await pre.catch(() => null) : null;
      return (r && r.ok ? await r.json() : await json("GET", "/api/releases")).releases;
    })();
    releases.catch(() => { releases = null; });
  }
  return releases;
}

/**
 * The release the server shows a layer with: the newest of its domain with the layer's
 * `versions.attack` major, else the newest of the domain.
 * @param {import("./view.js").Layer} layer
 */
export async function releaseFor(layer) {
  const all = await listReleases();
  const domain = String(layer.domain || "").toLowerCase().replace(/-attack$/, "") + "-attack";
  const mine = all.filter((r) => r.domain === domain);
  const byVersion = (/** @type {ReleaseInfo} */ a, /** @type {ReleaseInfo} */ b) => {
    const [am, an] = a.release.split(".").map(Number), [bm, bn] = b.release.split(".").map(Number);
    return am - bm || an - bn;
  };
  mine.sort(byVersion);
  const major = parseInt(String((layer.versions && layer.versions.attack) || "").split(".")[0], 10);
  const same = mine.filter((r) => Number(r.release.split(".")[0]) === major);
  const pick = (same.length ? same : mine).slice(-1)[0];
  if (!pick) throw new Error("this server has no ATT&CK data for " + domain);
  return pick;
}

/** @param {string} d */
export const domainLabel = (d) => ({ "enterprise-attack": "Enterprise", "mobile-attack": "Mobile", "ics-attack": "ICS" })[d] || d;

/**
 * Domain and ATT&CK release of a listed layer: `Enterprise v18.1`, with the version the layer
 * names when the server shows it on another release (`Enterprise v16 → v16.1`).
 * @param {Stored} l
 */
export function releaseLabel(l) {
  const attack = l.attack || "", release = l.release || "";
  const named = attack ? "v" + attack : "";
  const shown = release ? "v" + release : "";
  const rel = !shown ? named : !named || release === attack || release.startsWith(attack + ".") ? shown : named + " → " + shown;
  return domainLabel(l.domain) + (rel ? " " + rel : "");
}

/** Draws the layer list. @param {string|null} active @param {(key: string) => void} open */
export async function drawList(active, open) {
  const data = await json("GET", "/api/layers");
  const ul = $("layer-list");
  ul.replaceChildren();
  for (const l of /** @type {Stored[]} */ (data.layers)) {
    ul.append(el("li", { class: l.key === active ? "active" : "" },
      el("button", { type: "button", class: "layer-link", "aria-current": l.key === active ? "true" : false, onclick: () => open(l.key) },
        el("span", { class: "name", text: l.name }),
        el("span", { class: "meta", text: releaseLabel(l) + " · r" + l.revision + " · " + l.techniques + " entries" }))));
  }
  return /** @type {Stored[]} */ (data.layers);
}

/** Draws the revisions of a layer. @param {string} key @param {number} current @param {(rev: number) => void} view @param {(rev: number) => void} restore */
export async function drawRevisions(key, current, view, restore) {
  const { revisions } = await json("GET", layerPath(key) + "/revisions");
  const ul = $("revisions");
  ul.replaceChildren();
  for (const r of revisions) {
    ul.append(el("li", { dataset: { revision: r.revision } },
      el("strong", { text: "r" + r.revision }),
      el("span", { class: "meta", text: r.created + " · " + r.note }),
      el("button", { type: "button", class: "small", text: "View", onclick: () => view(r.revision) }),
      r.hasReport ? el("button", { type: "button", class: "small", text: "Report", "aria-label": "Migration report of revision " + r.revision,
        onclick: () => showReport(key, r.revision).catch((e) => { $("status").textContent = e.message; }) }) : null,
      r.revision === current ? null : el("button", { type: "button", class: "small", text: "Restore", onclick: () => restore(r.revision) })));
  }
}

/** Uploads a file; returns the first stored layer. @param {File} file */
export async function upload(file) {
  const text = await file.text();
  return json("POST", "/api/import?filename=" + encodeURIComponent(file.name), text);
}

/** Creates an empty layer on the newest release of a domain. @param {string} name @param {string} domain */
export async function createEmpty(name, domain) {
  const mine = (await listReleases()).filter((r) => r.domain === domain);
  const rel = mine.slice(-1)[0];
  const layer = { name, domain, versions: { layer: "4.5", attack: rel ? rel.release : undefined }, techniques: [] };
  return json("POST", "/api/layers", layer);
}

/** Lists every release in the generate form (newest enterprise first chosen). */
export async function fillGenerateReleases() {
  const rels = await listReleases();
  const sel = /** @type {HTMLSelectElement} */ ($("generate-release"));
  sel.replaceChildren(...rels.map((r) => el("option", { value: r.domain + "/" + r.release, text: r.short + " " + r.release })));
  const ent = rels.filter((r) => r.domain === "enterprise-attack").pop();
  if (ent) sel.value = ent.domain + "/" + ent.release;
}

/**
 * Searches ATT&CK objects of a release to generate attack.mitre.org's layer from.
 * @param {string} q @param {string} which `domain/release` @param {(key: string) => void} opened
 */
export async function generateSearch(q, which, opened) {
  const rels = await listReleases();
  const rel = rels.find((r) => r.domain + "/" + r.release === which) || rels.filter((r) => r.domain === "enterprise-attack").pop() || rels[rels.length - 1];
  const res = await json("GET", releasePath(rel.domain, rel.release) + "/search?q=" + encodeURIComponent(q) + "&limit=15");
  const ul = $("generate-results");
  ul.replaceChildren();
  for (const o of res.results) {
    ul.append(el("li", {}, el("span", { text: o.id + " " + o.name + " (" + o.type + ")" }),
      el("button", { type: "button", class: "small", text: "Generate",
        onclick: async () => {
          const r = await json("POST", "/api/generate", { id: o.id, domain: rel.short, release: rel.release, store: true });
          opened(r.key);
        } })));
  }
  if (!res.results.length) ul.append(el("li", { text: "nothing found" }));
}

/** Downloads a stored revision in a format. @param {string} key @param {number} revision @param {string} format */
export async function download(key, revision, format) {
  const resp = await request("GET", layerPath(key) + "/render/" + format + "?revision=" + revision);
  const blob = await resp.blob();
  const a = el("a", { href: URL.createObjectURL(blob), download: key + "." + format });
  document.body.append(a);
  /** @type {HTMLAnchorElement} */ (a).click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(/** @type {HTMLAnchorElement} */ (a).href), 10000);
}
