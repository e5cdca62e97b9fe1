// Upload, edit, save, reload, revisions, download; hostile layer text stays inert.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newPage, openLayer, cell, writeJson, layer } from "./lib/harness.mjs";

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

export const tests = [
  {
    name: "upload, score with the keyboard, save, reload, revisions, download SVG",
    async run({ base, browser }) {
      const work = mkdtempSync(join(tmpdir(), "navlayer-ws-"));
      const file = writeJson(work, "browser-layer.json", layer("Browser test <b>layer</b>",
        [{ techniqueID: "T1059", tactic: "execution", score: 3, comment: XSS }],
        { gradient: { colors: ["#ffffff", "#ff6666"], minValue: 0, maxValue: 100 } }));
      const { page, done } = await newPage(browser, base);
      await page.goto(base + "/");
      await page.setInputFiles("#upload", file);
      await page.waitForFunction(() => document.getElementById("layer-title")?.textContent === "Browser test <b>layer</b>", null, { timeout: 60000 });
      assert.equal(await page.locator("#layer-title b").count(), 0, "layer name parsed as markup");

      const t1566 = cell(page, "T1566", "initial-access");
      const before = await t1566.evaluate((e) => getComputedStyle(e).backgroundColor);
      await t1566.click();
      await page.getByLabel("Score", { exact: true }).fill("42");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelector('[data-key="T1566|initial-access"] .score')?.textContent === "42");
      const after = await t1566.evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.notEqual(after, before, "the cell takes the gradient colour of its score");
      assert.equal(await page.locator("#dirty").isVisible(), true, "unsaved edits are shown");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("Saved revision 2"));
      assert.equal(await page.locator("#dirty").isVisible(), false);

      await openLayer(page, base, "browser-layer");
      assert.equal(await cell(page, "T1566", "initial-access").locator(".score").textContent(), "42", "score persisted");
      assert.equal(await cell(page, "T1566", "initial-access").evaluate((e) => getComputedStyle(e).backgroundColor), after);
      await page.locator("#revisions-box summary").click();
      await page.waitForSelector('#revisions li[data-revision="2"]');
      assert.equal(await page.locator("#revisions li").count(), 2, "two revisions listed");

      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "SVG", exact: true }).click()]);
      const svgPath = join(work, "download.svg");
      await download.saveAs(svgPath);
      const svg = readFileSync(svgPath, "utf8");
      assert.ok(svg.includes("<svg") && svg.includes("T1566"), "an SVG of the matrix was downloaded");
      assert.ok(!svg.includes("<script>window.__xss"), "the SVG escapes the comment");
      assert.equal(download.suggestedFilename(), "browser-layer.svg");
      await done();
    },
  },
  {
    name: "a hostile layer (script in comment, link, metadata and legend) stays inert",
    async run({ base, browser, api }) {
      const hostile = layer(XSS, [
        { techniqueID: "T1059", tactic: "execution", score: 1, comment: XSS + " (Citation: Evil)",
          links: [{ label: XSS, url: "javascript:window.__xss=3" }, { label: "ok", url: "https://example.com/" }],
          metadata: [{ name: XSS, value: XSS }] },
      ], { legendItems: [{ label: XSS, color: "#ff0000" }], links: [{ label: "layer " + XSS, url: "javascript:window.__xss=4" }],
        description: XSS });
      await api.import("hostile", hostile);
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "hostile");
      const c = cell(page, "T1059", "execution");
      await c.hover();
      await page.waitForSelector("#tooltip:not([hidden])");
      const tip = await page.textContent("#tooltip");
      assert.ok(tip.includes("Comment: " + XSS), "the comment is shown as text: " + tip);
      assert.ok(!tip.includes("Citation"), "citations are removed from the tooltip");
      assert.ok(tip.includes(XSS + ": " + XSS), "metadata is shown as text");
      await c.click({ button: "right" });
      const menu = page.getByRole("menu");
      await menu.waitFor();
      // javascript: links are listed as text, never as links.
      assert.equal(await menu.locator('a[href^="javascript"]').count(), 0, "a javascript: link became clickable");
      assert.equal(await menu.getByRole("menuitem", { name: XSS + " (not a web link)", exact: true }).count(), 1);
      assert.equal(await menu.getByRole("menuitem", { name: "layer " + XSS + " (not a web link)", exact: true }).count(), 1);
      assert.equal(await menu.locator('a[href="https://example.com/"]').count(), 1, "the http link is offered");
      await page.keyboard.press("Escape");
      await page.locator("#layer-panel summary").click();
      assert.equal(await page.getByLabel("Legend label 1").inputValue(), XSS);
      assert.ok((await page.textContent("#legend-view")).includes(XSS));
      assert.equal(await page.evaluate(() => window.__xss), undefined, "script in the layer ran");
      assert.equal(await page.locator("body img, #matrix script, #tooltip script, #legend-view script, #context-menu script").count(), 0, "layer text was parsed as markup");
      await done();
    },
  },
];
