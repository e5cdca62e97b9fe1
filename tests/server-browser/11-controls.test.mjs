// Layer controls (issue 11): layout side / flat / mini and back, sorting by score, platform
// filter, hide disabled, aggregate scores, show IDs / names, tactic row background; each saved
// with the layer and equal to the server's view.
import { join } from "node:path";
import assert from "node:assert/strict";
import { newPage, openLayer, cell, layer } from "./lib/harness.mjs";

const FIELDS = ["id", "sub", "subCount", "expanded", "score", "aggregate", "enabled", "background", "text"];
const pick = (cols) => cols.map((c) => ({ id: c.shortname, cells: c.cells.map((x) => Object.fromEntries(FIELDS.map((f) => [f, x[f]]))) }));
const order = (page, tactic) => page.evaluate((t) =>
  [...document.querySelectorAll(`#matrix .tactic[data-tactic="${t}"] .cell.parent`)].map((e) => e.dataset.id), tactic);

export const tests = [
  {
    name: "layout mini and back, sort by score, filter to Linux, hide disabled, aggregates, IDs and names",
    async run({ base, browser, api }) {
      await api.store("ctl", layer("Controls", [
        { techniqueID: "T1059", tactic: "execution", score: 1 },
        { techniqueID: "T1059.004", tactic: "execution", score: 90 },
        { techniqueID: "T1059.001", tactic: "execution", score: 30 },
        { techniqueID: "T1106", tactic: "execution", score: 50 },
        { techniqueID: "T1203", tactic: "execution", enabled: false },
      ]));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "ctl");
      await page.locator("#controls-panel summary").click();
      const layoutSel = page.getByLabel("Layout", { exact: true });
      await layoutSel.selectOption("mini");
      assert.ok(await page.locator("#matrix.mini").count() === 1);
      assert.ok(await page.locator('#matrix [data-key="T1059.001|execution"]').count() === 1, "mini shows every sub-technique");
      const w = await cell(page, "T1106", "execution").evaluate((e) => e.getBoundingClientRect().width);
      assert.ok(w <= 14, "mini cells are small squares: " + w);
      await page.screenshot({ path: join(process.env.OUT_DIR, "web-mini.png") });
      if (process.env.DOC_SHOTS) await page.screenshot({ path: join(process.env.DOC_SHOTS, "web-mini.png") });
      await layoutSel.selectOption("flat");
      assert.ok(await page.locator("#matrix.flat").count() === 1);
      await layoutSel.selectOption("side");
      assert.ok(await page.locator("#matrix.side").count() === 1);
      assert.equal(await page.evaluate(() => window.navlayerDebug.doc().layer.layout.layout), "side");

      await page.getByLabel("Sorting", { exact: true }).selectOption("3");
      const sorted = await order(page, "execution");
      assert.deepEqual(sorted.slice(0, 2), ["T1106", "T1059"], "score, high to low");
      await page.getByLabel("Aggregate scores", { exact: true }).check();
      await page.getByLabel("Aggregate function", { exact: true }).selectOption("max");
      assert.equal(await cell(page, "T1059", "execution").locator(".score").textContent(), "90", "the parent shows the max of its sub-techniques");
      assert.equal((await order(page, "execution"))[0], "T1059", "sorted by the aggregate");

      const platforms = page.getByLabel("Platforms", { exact: true });
      const linux = platforms.getByLabel("Linux", { exact: true });
      for (const box of await platforms.getByRole("checkbox").all()) if ((await box.getAttribute("value")) !== "Linux") await box.uncheck();
      assert.ok(await linux.isChecked());
      assert.deepEqual(await page.evaluate(() => window.navlayerDebug.doc().view.platforms), ["Linux"]);
      assert.equal(await cell(page, "T1059.001", "execution").count(), 0, "PowerShell is not on Linux");

      assert.equal(await cell(page, "T1203", "execution").count(), 1);
      await page.getByLabel("Hide disabled", { exact: true }).check();
      assert.equal(await cell(page, "T1203", "execution").count(), 0, "disabled techniques hidden");

      await page.getByLabel("Show IDs", { exact: true }).check();
      assert.equal(await cell(page, "T1106", "execution").locator(".tid").textContent(), "T1106");
      await page.getByLabel("Show names", { exact: true }).uncheck();
      assert.equal(await cell(page, "T1106", "execution").locator(".tname").count(), 0);
      await page.getByLabel("Show names", { exact: true }).check();
      await page.getByLabel("Tactic row background", { exact: true }).check();
      assert.notEqual(await page.locator(".tactic-head").first().evaluate((e) => e.style.background), "");

      const { l, v } = await page.evaluate(async () => {
        const m = await import("/assets/js/view.js");
        const d = window.navlayerDebug.doc();
        return { l: d.layer, v: m.comparable(d.view) };
      });
      assert.deepEqual(pick(v), pick((await api.view(l)).columns), "the controls' view equals the server's");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("Saved"));
      const saved = await api.layer("ctl");
      assert.equal(saved.sorting, 3);
      assert.deepEqual(saved.filters.platforms, ["Linux"]);
      assert.equal(saved.hideDisabled, true);
      assert.equal(saved.layout.showAggregateScores, true);
      assert.equal(saved.layout.aggregateFunction, "max");
      assert.equal(saved.layout.showID, true);
      await page.keyboard.press("Control+z");
      await done();
    },
  },
];
