// The matrix on screen: ARIA grid and names, sticky tactic headers and a visible horizontal
// scrollbar, words never broken, comment marks and "(n/m)" counts, tooltip text, expansion by
// mouse and keyboard, gradient and legend editors, WCAG AA contrast of text and focus.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newPage, openLayer, cell, layer } from "./lib/harness.mjs";

const m1038 = () => JSON.parse(readFileSync(join(process.env.NAVLAYER_DATA, "..", "reference", "M1038-enterprise-layer-attack-v19-official.json"), "utf8"));

export const tests = [
  {
    name: "ARIA grid, names starting with the ATT&CK ID, sticky headers, horizontal scrollbar, no broken words",
    async run({ base, browser, api }) {
      await api.store("mx-all", layer("Expanded", [], { layout: { expandedSubtechniques: "all", showID: true, showName: true } }));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "mx-all");
      const grid = page.getByRole("grid", { name: "ATT&CK matrix" });
      assert.equal(await grid.count(), 1);
      const names = await page.evaluate(() => [...document.querySelectorAll("[role=gridcell]")].map((e) => [e.getAttribute("aria-label"), e.getAttribute("aria-selected")]));
      assert.ok(names.length > 850, "every technique and sub-technique drawn: " + names.length);
      assert.ok(names.every(([n, s]) => /^T\d{4}(\.\d{3})? \S/.test(n) && (s === "false" || s === "true")), "names start with the ATT&CK ID");
      assert.equal(await page.getByRole("gridcell", { name: "T1059.001 PowerShell" }).count(), 1);

      const wrap = page.locator("#matrix-wrap");
      const geo = await wrap.evaluate((w) => ({ sw: w.scrollWidth, cw: w.clientWidth, bar: w.offsetHeight - w.clientHeight, bottom: w.getBoundingClientRect().bottom }));
      assert.ok(geo.sw > geo.cw, "the matrix is wider than its box");
      assert.ok(geo.bar > 0 && geo.bottom <= 1000, "the horizontal scrollbar is on screen");
      await wrap.hover();
      await page.mouse.wheel(0, 900);
      await page.waitForFunction(() => document.getElementById("matrix-wrap").scrollTop > 500);
      const tops = await page.evaluate(() => {
        const w = document.getElementById("matrix-wrap").getBoundingClientRect().top;
        return [...document.querySelectorAll(".tactic-head")].map((h) => Math.round(h.getBoundingClientRect().top - w));
      });
      assert.ok(tops.every((t) => t >= 0 && t <= 2), "tactic headers stay at the top while scrolling: " + tops);

      const broken = await page.evaluate(() => {
        const out = [];
        for (const node of document.querySelectorAll("#matrix .label .tname, #matrix .label .tid")) {
          const text = node.firstChild;
          if (!text) continue;
          // Breaking after a hyphen or slash is allowed; inside a word it is not.
          const re = /[^\s\-/]+[-/]?/g;
          let m;
          while ((m = re.exec(text.textContent))) {
            const r = document.createRange();
            r.setStart(text, m.index);
            r.setEnd(text, m.index + m[0].length);
            const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
            if (lines.size > 1) out.push(m[0]);
          }
        }
        return out;
      });
      assert.deepEqual(broken, [], "words broken across lines");
      await page.screenshot({ path: join(process.env.OUT_DIR, "matrix-expanded.png") });
      await done();
    },
  },
  {
    name: "comment underline, (annotated/total) sub-technique counts, tooltip without citations, expand by mouse and keyboard",
    async run({ base, browser, api }) {
      const ref = m1038();
      await api.store("mx-m1038", ref);
      const view = await api.view(await api.layer("mx-m1038"));
      const exec = view.columns.find((c) => c.shortname === "execution").cells;
      const i = exec.findIndex((c) => c.id === "T1059");
      const subs = exec.slice(i + 1).filter((c, j, a) => c.sub && a.slice(0, j).every((x) => x.sub));
      const expected = ` (${subs.filter((s) => s.annotated).length}/${exec[i].subCount})`;
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "mx-m1038");
      const t1059 = cell(page, "T1059", "execution");
      assert.equal(await t1059.locator(".subc").textContent(), expected);
      const commented = view.columns.flatMap((c) => c.cells).find((x) => x.comment && !x.sub);
      assert.ok(commented, "M1038 has comments");
      const cc = cell(page, commented.id, commented.tactic);
      assert.match(await cc.locator(".label").evaluate((e) => getComputedStyle(e).textDecorationLine), /underline/);
      // Tooltip: comment as text, ATT&CK description fetched, citations removed.
      await cell(page, "T1566", "initial-access").hover();
      await page.waitForFunction(() => (document.getElementById("tooltip")?.textContent || "").includes("Adversaries may send phishing"));
      const tip = await page.textContent("#tooltip");
      assert.ok(!/Citation:/.test(tip), "citations removed: " + tip);

      const expanded = () => page.locator('[data-key="T1059|execution"] .toggle').getAttribute("aria-expanded");
      const wasOpen = await expanded();
      await page.locator('[data-key="T1059|execution"] .toggle').click();
      assert.notEqual(await expanded(), wasOpen, "the toggle expands or collapses");
      await t1059.focus();
      await page.keyboard.press("-");
      assert.equal(await expanded(), "false", "- collapses");
      assert.equal(await page.locator('[data-key="T1059.001|execution"]:visible').count(), 0, "collapsed: not drawn");
      assert.equal(await page.getByRole("gridcell", { name: /^T1059\.001 / }).count(), 0, "collapsed: out of the accessibility tree");
      await page.keyboard.press("+");
      assert.equal(await expanded(), "true", "+ expands");
      assert.equal(await page.locator('[data-key="T1059.001|execution"]:visible').count(), 1);
      assert.equal(await page.getByRole("gridcell", { name: /^T1059\.001 / }).count(), 1, "expanded: back in the accessibility tree");
      await done();
    },
  },
  {
    name: "gradient presets, stops, min/max and legend items change the view at once",
    async run({ base, browser, api }) {
      await api.store("mx-gradient", layer("Gradient", [{ techniqueID: "T1566", tactic: "initial-access", score: 5 }]));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "mx-gradient");
      const c = cell(page, "T1566", "initial-access");
      await page.locator("#layer-panel summary").click();
      await page.getByLabel("Preset", { exact: true }).selectOption("bluered");
      assert.deepEqual(await page.evaluate(() => window.navlayerDebug.doc().layer.gradient.colors), ["#66b1ff", "#ff66f4", "#ff6666"]);
      assert.match(await page.locator("#scale-bar").evaluate((e) => e.style.background), /102, 177, 255/, "the scale shows the gradient");
      const low = await c.evaluate((e) => getComputedStyle(e).backgroundColor);
      await page.getByLabel("Max", { exact: true }).fill("10");
      await page.getByLabel("Max", { exact: true }).press("Enter");
      assert.equal(await page.textContent("#scale-max"), "10");
      assert.notEqual(await c.evaluate((e) => getComputedStyle(e).backgroundColor), low, "the score's colour follows max");
      await page.getByRole("button", { name: "Add colour" }).click();
      assert.equal(await page.locator("#gr-stops li").count(), 4);
      await page.getByRole("button", { name: "Remove gradient colour 1" }).click();
      assert.equal(await page.evaluate(() => window.navlayerDebug.doc().layer.gradient.colors.length), 3);
      await page.getByLabel("Gradient colour 1", { exact: true }).fill("#000000");
      assert.equal(await page.evaluate(() => window.navlayerDebug.doc().layer.gradient.colors[0]), "#000000");

      await page.getByRole("button", { name: "Add legend item" }).click();
      await page.getByLabel("Legend label 1").fill("detected");
      await page.getByLabel("Legend label 1").press("Enter");
      await page.getByLabel("Legend colour 1", { exact: true }).fill("nope");
      await page.getByLabel("Legend colour 1", { exact: true }).press("Enter");
      assert.match(await page.textContent("#status"), /is not a colour/);
      await page.getByLabel("Legend colour picker 1").fill("#8ec843");
      assert.deepEqual(await page.evaluate(() => window.navlayerDebug.doc().layer.legendItems), [{ label: "detected", color: "#8ec843" }]);
      assert.equal(await page.textContent("#legend-view"), "detected");
      await page.screenshot({ path: join(process.env.OUT_DIR, "gradient-legend.png") });
      await done();
    },
  },
  {
    name: "text and focus indicators meet WCAG AA contrast",
    async run({ base, browser, api }) {
      await api.store("mx-contrast", layer("Contrast", [{ techniqueID: "T1566", tactic: "initial-access", score: 50 }]));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "mx-contrast");
      await cell(page, "T1566", "initial-access").focus();
      await page.keyboard.press("ArrowDown");
      const report = await page.evaluate(() => {
        const parse = (s) => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
          .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
        const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
        const bgOf = (e) => { for (let n = e; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor; if (!/rgba\(.*, 0\)|transparent/.test(c)) return parse(c); } return [255, 255, 255]; };
        const out = [];
        for (const sel of ["body", ".hint", ".meta", "#selection-count", ".tactic-head .count", ".tactic-head .tactic-name", "button", "label", "#status", ".cell .tname", "summary"]) {
          for (const e of [...document.querySelectorAll(sel)].slice(0, 5)) {
            if (!e.offsetParent && sel !== "body") continue;
            out.push([sel, ratio(parse(getComputedStyle(e).color), bgOf(e)), 4.5]);
          }
        }
        const f = document.activeElement;
        const fs = getComputedStyle(f);
        out.push(["focus outline", ratio(parse(fs.outlineColor), bgOf(f.parentElement)), 3]);
        return out;
      });
      const bad = report.filter(([, r, min]) => r < min);
      assert.deepEqual(bad, [], "contrast below AA");
      await done();
    },
  },
];
