// Search & multiselect: text search over techniques and the release's object lists, selecting
// results; G0016 checked against `navlayer query techniques --used-by G0016 --include-campaigns`.
import assert from "node:assert/strict";
import { newPage, openLayer, cli, layer, selectedKeys } from "./lib/harness.mjs";

const selectedIds = (page) => page.evaluate(() => [...new Set([...window.navlayerDebug.selection.keys].map((k) => k.split("|")[0]))].sort());

export const tests = [
  {
    name: "search PowerShell and select the result; description search toggle",
    async run({ base, browser, api }) {
      await api.store("search-empty", layer("Search"));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "search-empty");
      const box = page.getByRole("searchbox", { name: "Search", exact: true });
      await box.click();
      await page.keyboard.type("PowerShell");
      const hit = page.locator(".hit", { hasText: "PowerShell (T1059.001)" });
      await hit.waitFor();
      assert.equal(await hit.locator(".hit-count").textContent(), "1 technique");
      await hit.getByRole("button", { name: "Select PowerShell", exact: true }).click();
      assert.deepEqual(await page.evaluate(() => [...window.navlayerDebug.selection.keys]), ["T1059.001|execution"]);
      assert.deepEqual(await selectedKeys(page), [], "its parent is collapsed: no drawn cell is selected…");
      assert.equal(await page.locator('[data-key="T1059|execution"].sub-selected').count(), 1, "…but the parent shows a selected sub-technique");
      await page.locator('[data-key="T1059|execution"] .toggle').click();
      assert.deepEqual(await selectedKeys(page), ["T1059.001|execution"], "expanded, the sub-technique shows selected");
      assert.equal(await page.textContent("#selection-count"), "1 technique selected");
      // Software named PowerShell-something are listed too, each with its techniques.
      assert.ok(await page.locator("#search-results summary", { hasText: "Software" }).count() === 1);

      const names = await page.locator("#search-results details").first().locator(".hit-name").count();
      await page.getByLabel("description", { exact: true }).check();
      await page.waitForFunction((n) => document.querySelectorAll("#search-results details")[0].querySelectorAll(".hit-name").length > n, names);
      await done();
    },
  },
  {
    name: "select APT29 (G0016) from the groups list: exactly `navlayer query techniques --used-by G0016 --include-campaigns`",
    async run({ base, browser, api, bin, data }) {
      await api.store("search-g0016", layer("APT29 check"));
      const expected = JSON.parse(cli(bin, data, ["query", "techniques", "--used-by", "G0016", "--include-campaigns", "--format", "json"]))
        .map((t) => t.id).sort();
      assert.ok(expected.length > 50, "APT29 uses many techniques");
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "search-g0016");
      await page.getByRole("searchbox", { name: "Search", exact: true }).fill("G0016");
      const groups = page.locator("#search-results details", { hasText: "Groups" });
      const apt29 = groups.locator(".hit", { hasText: "APT29 (G0016)" });
      await apt29.waitFor();
      assert.equal(await apt29.locator(".hit-count").textContent(), expected.length + " techniques");
      await apt29.getByRole("button", { name: "Select APT29", exact: true }).click();
      assert.deepEqual(await selectedIds(page), expected, "the selection is the group's techniques with its campaigns'");
      const drawnSelected = await selectedKeys(page);
      assert.ok(drawnSelected.length > 0 && drawnSelected.every((k) => expected.includes(k.split("|")[0])), "drawn cells marked");
      await apt29.getByRole("button", { name: "Deselect APT29", exact: true }).click();
      assert.deepEqual(await selectedIds(page), []);
      // Select all results: every hit's techniques.
      await page.getByRole("button", { name: "Select all results", exact: true }).click();
      const all = await selectedIds(page);
      assert.ok(expected.every((t) => all.includes(t)) && all.length >= expected.length);
      await done();
    },
  },
];
