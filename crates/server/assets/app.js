// navlayer web UI: plain JavaScript, no framework. Every text that comes from a layer or from
// ATT&CK data is inserted with textContent, never parsed as markup.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  /** Creates an element; strings among `children` become text nodes. */
  function el(tag, attrs, ...children) {
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

  const state = {
    key: null, // open layer key
    revision: null, // revision it was loaded at
    layer: null, // the layer object being edited
    view: null, // the matrix view built by navlayer-render
    selected: new Set(), // "techniqueID|tactic"
    layers: [],
  };

  // ------------------------------------------------------------ HTTP

  function token() {
    return sessionStorage.getItem("navlayer-token") || "";
  }

  function status(message, isError) {
    const s = $("status");
    s.textContent = message || "";
    s.classList.toggle("error", !!isError);
  }

  async function api(method, path, body, headers) {
    const h = Object.assign({}, headers || {});
    if (token()) h["Authorization"] = "Bearer " + token();
    let payload = body;
    if (body !== undefined && typeof body !== "string" && !(body instanceof Blob) && !(body instanceof ArrayBuffer)) {
      payload = JSON.stringify(body);
    }
    // The server takes writes only as JSON (its defence against cross-site form posts).
    if (method === "POST" || method === "PUT") h["Content-Type"] = "application/json";
    const resp = await fetch(path, { method, headers: h, body: payload });
    if (!resp.ok) {
      let msg = resp.status + " " + resp.statusText;
      try {
        const e = await resp.json();
        msg = e.message + (e.pointer ? " (at " + e.pointer + ")" : "");
      } catch (_) { /* not JSON */ }
      const err = new Error(msg);
      err.status = resp.status;
      throw err;
    }
    return resp;
  }

  async function apiJson(method, path, body, headers) {
    const r = await api(method, path, body, headers);
    return r.status === 204 ? null : r.json();
  }

  function fail(err) {
    status(err.message, true);
    if (err.status === 401) $("token").focus();
  }

  // ------------------------------------------------------------ layer entries

  function entryFor(id, tactic) {
    const ts = state.layer.techniques || [];
    return ts.find((t) => t.techniqueID === id && t.tactic === tactic) ||
      ts.find((t) => t.techniqueID === id && !t.tactic) || null;
  }

  function ensureEntry(id, tactic) {
    state.layer.techniques = state.layer.techniques || [];
    let e = state.layer.techniques.find((t) => t.techniqueID === id && t.tactic === tactic);
    if (!e) {
      const generic = state.layer.techniques.find((t) => t.techniqueID === id && !t.tactic);
      e = Object.assign({}, generic || {}, { techniqueID: id, tactic: tactic });
      state.layer.techniques.push(e);
    }
    return e;
  }

  // ------------------------------------------------------------ layer list

  async function refreshList() {
    const data = await apiJson("GET", "/api/layers");
    state.layers = data.layers;
    const ul = $("layer-list");
    ul.replaceChildren();
    for (const l of data.layers) {
      const li = el("li", { class: l.key === state.key ? "active" : "", dataset: { key: l.key }, onclick: () => openLayer(l.key).catch(fail) },
        el("span", { class: "name", text: l.name }),
        el("span", { class: "meta", text: "r" + l.revision + " · " + l.techniques }));
      ul.append(li);
    }
    const cl = $("combine-layers");
    cl.replaceChildren();
    for (const l of data.layers) {
      cl.append(el("li", {}, el("label", {}, el("input", { type: "checkbox", value: l.key }), " " + l.name)));
    }
  }

  // ------------------------------------------------------------ open / draw

  async function openLayer(key, revision) {
    status("Opening " + key + "…");
    const q = revision ? "?revision=" + revision : "";
    const resp = await api("GET", "/api/layers/" + encodeURIComponent(key) + q);
    const layer = await resp.json();
    const rev = Number(resp.headers.get("X-Revision") || (resp.headers.get("ETag") || "").replace(/"/g, ""));
    state.key = key;
    state.revision = rev;
    state.layer = layer;
    state.selected.clear();
    // The view as navlayer-render builds it: same cells, order and colours as the SVG/PNG/HTML.
    state.view = await apiJson("GET", "/api/layers/" + encodeURIComponent(key) + "/view?revision=" + rev);
    $("editor").hidden = false;
    fillProps();
    drawMatrix();
    await refreshList();
    await refreshRevisions();
    status("Opened " + layer.name + " (revision " + state.revision + ", " + state.view.releaseLabel + ")");
  }

  /** Rebuilds the view from the layer being edited (unsaved changes included). */
  async function refreshView() {
    state.view = await apiJson("POST", "/api/view", state.layer);
    drawMatrix();
  }

  function fillProps() {
    const l = state.layer;
    $("layer-title").textContent = l.name;
    $("revision-label").textContent = "revision " + state.revision;
    $("prop-name").value = l.name || "";
    $("prop-description").value = l.description || "";
    const g = l.gradient || { colors: ["#ff6666ff", "#ffe766ff", "#8ec843ff"], minValue: 0, maxValue: 100 };
    $("prop-gradient-colors").value = (g.colors || []).join(", ");
    $("prop-gradient-min").value = g.minValue;
    $("prop-gradient-max").value = g.maxValue;
    drawLegendEditor();
  }

  function drawLegendEditor() {
    const ul = $("legend-items");
    ul.replaceChildren();
    (state.layer.legendItems || []).forEach((item, i) => {
      ul.append(el("li", {},
        el("input", { value: item.label, "aria-label": "legend label", oninput: (ev) => { item.label = ev.target.value; drawLegendView(); } }),
        el("input", { type: "color", value: /^#[0-9a-fA-F]{6}/.test(item.color) ? item.color.slice(0, 7) : "#ffffff", oninput: (ev) => { item.color = ev.target.value; drawLegendView(); } }),
        el("button", { type: "button", text: "Remove", onclick: () => { state.layer.legendItems.splice(i, 1); drawLegendEditor(); } })));
    });
    drawLegendView();
  }

  function drawLegendView() {
    const v = $("legend-view");
    v.replaceChildren();
    for (const item of state.layer.legendItems || []) {
      const sw = el("span", { class: "swatch" });
      sw.style.background = item.color;
      v.append(el("span", {}, sw, item.label));
    }
  }

  function techniqueCell(c) {
    const selKey = c.id + "|" + c.tactic;
    const cls = ["cell"];
    if (c.sub) cls.push("sub");
    if (state.selected.has(selKey)) cls.push("selected");
    if (!c.enabled) cls.push("disabled");
    if (c.comment) cls.push("commented");
    const label = el("span", { class: "label" });
    if (state.view.showId !== false) label.append(el("span", { class: "id", text: c.id }));
    if (state.view.showName !== false) label.append(c.name);
    const score = c.aggregate !== null && c.aggregate !== undefined ? c.aggregate : c.score;
    if (score !== null && score !== undefined) label.append(el("span", { class: "score", text: String(Math.round(score * 100) / 100) }));
    const cell = el("div", {
      class: cls.join(" "),
      dataset: { id: c.id, tactic: c.tactic },
      onclick: (ev) => select(selKey, ev.shiftKey || ev.ctrlKey || ev.metaKey),
      onmousemove: (ev) => showTip(ev, c),
      onmouseleave: hideTip,
    }, label);
    if (c.background) cell.style.background = c.background;
    if (c.text) cell.style.color = c.text;
    if (!c.sub && c.subCount > 0) {
      cell.append(el("button", {
        type: "button", class: "toggle", text: c.expanded ? "▾" : "▸",
        title: (c.expanded ? "hide " : "show ") + c.subCount + " sub-techniques",
        "aria-label": "sub-techniques of " + c.id,
        onclick: (ev) => {
          ev.stopPropagation();
          const e = ensureEntry(c.id, c.tactic);
          e.showSubtechniques = !c.expanded;
          refreshView().catch(fail);
        },
      }));
    }
    return cell;
  }

  function drawMatrix() {
    const m = $("matrix");
    m.replaceChildren();
    for (const col of state.view.columns) {
      const column = el("div", { class: "tactic", dataset: { tactic: col.shortname } },
        el("div", { class: "tactic-head" }, col.name, el("span", { class: "count", text: col.techniqueCount + " techniques" })));
      let subs = null;
      for (const c of col.cells) {
        if (c.sub) {
          // The view lists every sub-technique; those of collapsed parents are not drawn.
          if (!c.expanded) continue;
          if (!subs) { subs = el("div", { class: "subs" }); column.append(subs); }
          subs.append(techniqueCell(c));
        } else {
          subs = null;
          column.append(techniqueCell(c));
        }
      }
      m.append(column);
    }
    $("selection-count").textContent = state.selected.size + " selected";
    drawLegendView();
    for (const w of state.view.warnings || []) console.warn(w);
  }

  function select(selKey, add) {
    if (!add) {
      const only = state.selected.size === 1 && state.selected.has(selKey);
      state.selected.clear();
      if (!only) state.selected.add(selKey);
    } else if (state.selected.has(selKey)) state.selected.delete(selKey);
    else state.selected.add(selKey);
    // Prefill the editor from the first selected entry.
    const first = [...state.selected][0];
    if (first) {
      const [id, tactic] = first.split("|");
      const e = entryFor(id, tactic);
      $("sel-score").value = e && typeof e.score === "number" ? e.score : "";
      $("sel-comment").value = (e && e.comment) || "";
    }
    drawMatrix();
  }

  const descriptions = new Map();

  function tipLines(c) {
    const lines = [c.id + " " + c.name, "Tactic: " + c.tactic];
    if (c.score !== null && c.score !== undefined) lines.push("Score: " + c.score);
    if (c.aggregate !== null && c.aggregate !== undefined) lines.push("Aggregate score: " + c.aggregate);
    if (c.comment) lines.push("Comment: " + c.comment);
    if (!c.enabled) lines.push("Disabled");
    for (const m of c.metadata || []) if (m) lines.push(m[0] + ": " + m[1]);
    const d = descriptions.get(c.id);
    if (d) lines.push("", d);
    return lines.join("\n");
  }

  function showTip(ev, c) {
    const tip = $("tooltip");
    tip.textContent = tipLines(c);
    tip.hidden = false;
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 370) + "px";
    tip.style.top = Math.max(4, Math.min(ev.clientY + 14, window.innerHeight - tip.offsetHeight - 8)) + "px";
    if (!descriptions.has(c.id)) {
      descriptions.set(c.id, "");
      const short = (state.view.domain || "enterprise-attack").replace("-attack", "");
      apiJson("GET", "/api/releases/" + short + "/" + state.view.release + "/objects/" + encodeURIComponent(c.id))
        .then((o) => {
          const text = (o.description || "").split("\n\n")[0].replace(/\(Citation:[^)]*\)/g, "");
          descriptions.set(c.id, text.length > 400 ? text.slice(0, 400) + "…" : text);
          if (!tip.hidden && tip.textContent.startsWith(c.id + " ")) tip.textContent = tipLines(c);
        })
        .catch(() => {});
    }
  }

  function hideTip() {
    $("tooltip").hidden = true;
  }

  // ------------------------------------------------------------ editing

  function applySelection() {
    if (state.selected.size === 0) return status("Select techniques first (click; shift/ctrl-click for more).", true);
    const scoreText = $("sel-score").value.trim();
    const comment = $("sel-comment").value;
    const enabled = $("sel-enabled").value;
    for (const k of state.selected) {
      const [id, tactic] = k.split("|");
      const e = ensureEntry(id, tactic);
      if (scoreText !== "") e.score = Number(scoreText);
      if ($("sel-use-color").checked) e.color = $("sel-color").value;
      if (comment !== "") e.comment = comment;
      if (enabled !== "") e.enabled = enabled === "true";
    }
    refreshView().catch(fail);
    status(state.selected.size + " technique(s) changed; Save to keep them.");
  }

  function clearAnnotations() {
    for (const k of state.selected) {
      const [id, tactic] = k.split("|");
      state.layer.techniques = (state.layer.techniques || []).filter((t) => !(t.techniqueID === id && (t.tactic === tactic || !t.tactic)));
    }
    refreshView().catch(fail);
  }

  function readProps() {
    const l = state.layer;
    l.name = $("prop-name").value.trim() || l.name;
    const d = $("prop-description").value;
    if (d || l.description !== undefined) l.description = d;
    const colors = $("prop-gradient-colors").value.split(",").map((c) => c.trim()).filter(Boolean);
    const min = Number($("prop-gradient-min").value);
    const max = Number($("prop-gradient-max").value);
    if (colors.length >= 2 && Number.isFinite(min) && Number.isFinite(max)) {
      l.gradient = Object.assign({}, l.gradient || {}, { colors, minValue: min, maxValue: max });
    }
  }

  async function save() {
    readProps();
    const r = await apiJson("PUT", "/api/layers/" + encodeURIComponent(state.key), state.layer, { "If-Match": '"' + state.revision + '"' });
    state.revision = r.revision;
    fillProps();
    await refreshView();
    await refreshList();
    await refreshRevisions();
    status("Saved revision " + r.revision + ".");
  }

  async function refreshRevisions() {
    const { revisions } = await apiJson("GET", "/api/layers/" + encodeURIComponent(state.key) + "/revisions");
    const ul = $("revisions");
    ul.replaceChildren();
    for (const r of revisions) {
      ul.append(el("li", { dataset: { revision: r.revision } },
        el("strong", { text: "r" + r.revision }),
        el("span", { class: "meta", text: r.created + " · " + r.note + " · " + r.size + " bytes" }),
        el("button", { type: "button", text: "View", onclick: () => openLayer(state.key, r.revision).catch(fail) }),
        r.revision === state.revision ? null : el("button", {
          type: "button", text: "Restore",
          onclick: async () => {
            try {
              const current = await api("GET", "/api/layers/" + encodeURIComponent(state.key));
              const base = (current.headers.get("ETag") || "").replace(/"/g, "");
              await apiJson("POST", "/api/layers/" + encodeURIComponent(state.key) + "/revisions/" + r.revision + "/restore", undefined, { "If-Match": '"' + base + '"' });
              await openLayer(state.key);
            } catch (e) { fail(e); }
          },
        })));
    }
  }

  async function download(format) {
    const path = "/api/layers/" + encodeURIComponent(state.key) + "/render/" + format + "?revision=" + state.revision;
    const resp = await api("GET", path);
    const blob = await resp.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: state.key + "." + format });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    status("Downloaded " + state.key + "." + format + " (revision " + state.revision + ").");
  }

  async function upload(file) {
    const text = await file.text();
    const r = await apiJson("POST", "/api/import?filename=" + encodeURIComponent(file.name), text);
    const first = r.layers[0];
    const notes = r.layers.flatMap((l) => l.findings.map((f) => f.severity + ": " + f.message));
    await refreshList();
    await openLayer(first.key);
    status("Imported " + r.layers.length + " layer(s) (format " + first.originalVersion + ")" + (notes.length ? ":\n" + notes.slice(0, 8).join("\n") : "."));
  }

  async function newLayer() {
    const name = prompt("Name of the new layer", "New layer");
    if (!name) return;
    const rels = (await apiJson("GET", "/api/releases")).releases;
    const domain = rels.length ? rels[rels.length - 1].domain : "enterprise-attack";
    const enterprise = rels.filter((r) => r.domain === "enterprise-attack").pop();
    const rel = enterprise || rels[rels.length - 1];
    const layer = { name, domain: rel ? rel.domain : domain, versions: { layer: "4.5", attack: rel ? rel.release.split(".")[0] : undefined }, techniques: [] };
    const r = await apiJson("POST", "/api/layers", layer);
    await openLayer(r.key);
  }

  async function generateSearch(q) {
    const rels = (await apiJson("GET", "/api/releases")).releases;
    const rel = rels.filter((r) => r.domain === "enterprise-attack").pop() || rels[rels.length - 1];
    const res = await apiJson("GET", "/api/releases/" + rel.short + "/" + rel.release + "/search?q=" + encodeURIComponent(q) + "&limit=15");
    const ul = $("generate-results");
    ul.replaceChildren();
    for (const o of res.results) {
      ul.append(el("li", {}, el("span", { text: o.id + " " + o.name + " (" + o.type + ")" }),
        el("button", {
          type: "button", text: "Generate",
          onclick: async () => {
            try {
              const r = await apiJson("POST", "/api/generate", { id: o.id, domain: rel.short, release: rel.release, store: true });
              await openLayer(r.key);
              status("Generated " + r.name + ".");
            } catch (e) { fail(e); }
          },
        })));
    }
    if (!res.results.length) ul.append(el("li", { text: "nothing found" }));
  }

  async function combine() {
    const keys = [...$("combine-layers").querySelectorAll("input:checked")].map((i) => i.value);
    const names = "abcdefghijklmnopqrstuvwxyz";
    const layers = {};
    keys.forEach((k, i) => { layers[names[i]] = k; });
    const body = { expression: $("combine-expression").value, layers, name: $("combine-name").value || undefined, store: true };
    const r = await apiJson("POST", "/api/combine", body);
    await openLayer(r.key);
    status("Combined into " + r.key + ".");
  }

  // ------------------------------------------------------------ wiring

  document.addEventListener("DOMContentLoaded", () => {
    $("token").value = token();
    $("token").addEventListener("change", (ev) => sessionStorage.setItem("navlayer-token", ev.target.value.trim()));
    $("upload").addEventListener("change", (ev) => {
      const f = ev.target.files[0];
      if (f) upload(f).catch(fail).finally(() => { ev.target.value = ""; });
    });
    $("new-layer").addEventListener("click", () => newLayer().catch(fail));
    $("save").addEventListener("click", () => save().catch(fail));
    $("apply").addEventListener("click", applySelection);
    $("clear-annotation").addEventListener("click", clearAnnotations);
    $("deselect").addEventListener("click", () => { state.selected.clear(); drawMatrix(); });
    $("legend-add").addEventListener("click", () => {
      state.layer.legendItems = state.layer.legendItems || [];
      state.layer.legendItems.push({ label: "label", color: "#66b1ff" });
      drawLegendEditor();
    });
    $("prop-name").addEventListener("input", (ev) => { $("layer-title").textContent = ev.target.value; });
    for (const id of ["prop-gradient-colors", "prop-gradient-min", "prop-gradient-max"]) {
      $(id).addEventListener("change", () => { readProps(); refreshView().catch(fail); });
    }
    for (const b of document.querySelectorAll("button.download")) {
      b.addEventListener("click", () => download(b.dataset.format).catch(fail));
    }
    $("delete-layer").addEventListener("click", async () => {
      if (!confirm("Delete " + state.key + " and all its revisions?")) return;
      try {
        await apiJson("DELETE", "/api/layers/" + encodeURIComponent(state.key), undefined, { "If-Match": '"' + state.revision + '"' });
        state.key = null;
        $("editor").hidden = true;
        await refreshList();
      } catch (e) { fail(e); }
    });
    $("generate-form").addEventListener("submit", (ev) => { ev.preventDefault(); generateSearch($("generate-query").value).catch(fail); });
    $("combine-form").addEventListener("submit", (ev) => { ev.preventDefault(); combine().catch(fail); });
    refreshList().then(() => {
      const want = new URLSearchParams(location.search).get("layer");
      if (want) return openLayer(want);
    }).catch(fail);
  });
})();
