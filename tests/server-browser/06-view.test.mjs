// Differential test of the client view model: the browser's view (gradient colour, aggregates,
// sort order, platform filter, hide disabled, expansion, contrast text colour) equals
// navlayer-render's MatrixView served by POST /api/view, over real layers and settings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newPage, openLayer, cell } from "./lib/harness.mjs";

const FIELDS = ["id", "name", "tactic", "sub", "subCount", "expanded", "score", "aggregate", "comment", "enabled", "background", "text", "annotated"];
const server = (v) => v.columns.map((c) => ({ id: c.id, name: c.name, shortname: c.shortname, techniqueCount: c.techniqueCount,
  cells: c.cells.map((x) => Object.fromEntries(FIELDS.map((f) => [f, x[f]]))) }));

/** The settings each base layer is checked under. */
function variants(base) {
  const out = [];
  const v = (name, change) => { const l = structuredClone(base); change(l); out.push([name, l]); };
  v("as is", () => {});
  for (const sorting of [0, 1, 2, 3]) v("sorting " + sorting, (l) => { l.sorting = sorting; });
  for (const fn of ["average", "min", "max", "sum"]) {
    v("aggregate " + fn, (l) => { l.layout = { ...l.layout, showAggregateScores: true, aggregateFunction: fn }; l.sorting = 3; });
  }
  v("aggregate average counting unscored", (l) => { l.layout = { ...l.layout, showAggregateScores: true, aggregateFunction: "average", countUnscored: true }; l.sorting = 2; });
  v("platform filter Linux", (l) => { l.filters = { platforms: ["Linux"] }; });
  v("platform filter linux, windows (any case)", (l) => { l.filters = { platforms: ["linux", "WINDOWS", "nowhere"] }; });
  v("hide disabled", (l) => { l.hideDisabled = true; l.techniques.forEach((t, i) => { if (i % 3 === 0) t.enabled = false; }); });
  v("expand annotated", (l) => { l.layout = { ...l.layout, expandedSubtechniques: "annotated" }; });
  v("expand all, reversed single-colour gradients", (l) => {
    l.layout = { ...l.layout, expandedSubtechniques: "all" };
    l.gradient = { colors: ["#0000ff", "nonsense", "#ff0000ff", "#abc"], minValue: 10, maxValue: -5 };
  });
  v("entries without tactic and duplicates", (l) => {
    l.techniques = l.techniques.map((t, i) => (i % 2 ? { ...t, tactic: undefined } : t));
    l.techniques.push(...l.techniques.slice(0, 5).map((t) => ({ ...t, score: 77, color: "" })));
  });
  v("scores spread over the gradient with aggregates", (l) => {
    l.techniques.forEach((t, i) => { t.score = (i * 37) % 101; if (i % 4 === 0) t.color = "#31a354"; });
    l.gradient = { colors: ["#ff6666", "#ffe766", "#8ec843"], minValue: 0, maxValue: 100 };
    l.layout = { ...l.layout, showAggregateScores: true };
    l.sorting = 3;
  });
  return out;
}

export const tests = [
  {
    name: "M1038 and G0016 under every sort mode, aggregate function, platform filter, hide disabled and expansion",
    async run({ base, browser, api }) {
      const m1038 = JSON.parse(readFileSync(join(process.env.NAVLAYER_DATA, "..", "reference", "M1038-enterprise-layer-attack-v19-official.json"), "utf8"));
      const g = await api.post("/api/generate", { id: "G0016", domain: "enterprise", release: "18.1", store: true });
      const g0016 = await api.layer(g.key);
      await api.store("view-m1038", m1038);
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "view-m1038");
      let checked = 0;
      for (const [label, baseLayer] of [["M1038", m1038], ["G0016", g0016]]) {
        for (const [name, l] of variants(baseLayer)) {
          const expected = server(await api.view(l));
          const got = await page.evaluate(async (layer) => {
            const m = await import("/assets/js/view.js");
            return m.comparable(m.buildView(layer, window.navlayerDebug.doc().index));
          }, l);
          assert.deepEqual(got, expected, label + ", " + name);
          checked += expected.reduce((n, c) => n + c.cells.length, 0);
        }
      }
      assert.ok(checked > 20000, "cells compared: " + checked);
      await done();
    },
  },
  {
    name: "after edits in the UI (scores on sub-techniques, aggregates, sorting) the page's view equals the server's",
    async run({ base, browser, api }) {
      const g = await api.post("/api/generate", { id: "G0016", domain: "enterprise", release: "18.1", store: true, key: "view-g0016-edit" });
      const l = await api.layer(g.key);
      l.layout = { ...l.layout, showAggregateScores: true, aggregateFunction: "max", expandedSubtechniques: "all" };
      l.sorting = 3;
      await api.store("view-edit", l);
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "view-edit");
      await cell(page, "T1059.001", "execution").click();
      await cell(page, "T1059.003", "execution").click({ modifiers: ["Control"] });
      await page.getByLabel("Score", { exact: true }).fill("42.125");
      await page.keyboard.press("Enter");
      const { layer, view } = await page.evaluate(async () => {
        const m = await import("/assets/js/view.js");
        const d = window.navlayerDebug.doc();
        return { layer: d.layer, view: m.comparable(d.view) };
      });
      assert.deepEqual(view, server(await api.view(layer)));
      const parent = view.find((c) => c.shortname === "execution").cells.find((c) => c.id === "T1059");
      assert.equal(parent.aggregate, 42.13, "max aggregate of the parent, rounded like toFixed(2)");
      assert.equal(await cell(page, "T1059", "execution").locator(".score").textContent(), "42.13");
      await done();
    },
  },
];
