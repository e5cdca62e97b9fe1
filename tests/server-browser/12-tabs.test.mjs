// Tabs (issue 11): several layers open with their own unsaved state, the guard before closing
// a tab with unsaved edits, a new ICS layer on 18.1, generation for another domain.
import assert from "node:assert/strict";
import { newPage, openLayer, cell, layer } from "./lib/harness.mjs";

export const tests = [
  {
    name: "two tabs with unsaved edits, each its own; the guard before closing; layer list domains and releases",
    async run({ base, browser, api }) {
      await api.store("tab-one", layer("Tab one"));
      await api.store("tab-two", layer("Tab two"));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "tab-one");
      await cell(page, "T1566", "initial-access").click();
      await page.getByLabel("Score", { exact: true }).fill("11");
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: /^Tab two/ }).click();
      await page.getByRole("tab", { name: "Tab two" }).waitFor();
      const tablist = page.getByRole("tablist");
      assert.equal(await tablist.getByRole("tab").count(), 2);
      assert.equal(await page.getByRole("tab", { name: "Tab two" }).getAttribute("aria-selected"), "true");
      assert.equal(await cell(page, "T1566", "initial-access").locator(".score").textContent(), "", "the second tab has its own layer");
      await cell(page, "T1190", "initial-access").click();
      await page.getByLabel("Score", { exact: true }).fill("22");
      await page.keyboard.press("Enter");
      // Back to tab one with the keyboard: its unsaved score and its selection are still there.
      await page.getByRole("tab", { name: "Tab two" }).focus();
      await page.keyboard.press("ArrowLeft");
      assert.equal(await page.getByRole("tab", { name: "Tab one" }).getAttribute("aria-selected"), "true");
      assert.equal(await cell(page, "T1566", "initial-access").locator(".score").textContent(), "11");
      assert.deepEqual(await page.evaluate(() => [...window.navlayerDebug.selection.keys]), ["T1566|initial-access"]);
      assert.equal(await page.locator("#dirty").isVisible(), true);
      assert.equal(await page.locator(".tab-dirty").count(), 2, "both tabs show unsaved edits");

      // Closing asks first; dismissing keeps the tab, accepting closes it.
      let asked = "";
      page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
      await page.getByRole("button", { name: "Close tab" }).click();
      assert.match(asked, /unsaved edits/);
      assert.equal(await tablist.getByRole("tab").count(), 2, "dismissed: still open");
      page.once("dialog", (d) => d.accept());
      await page.getByRole("tab", { name: "Tab one" }).focus();
      await page.keyboard.press("Delete");
      assert.equal(await tablist.getByRole("tab").count(), 1);
      assert.equal(await page.getByRole("tab", { name: "Tab two" }).getAttribute("aria-selected"), "true");
      assert.equal(await cell(page, "T1190", "initial-access").locator(".score").textContent(), "22", "the other tab kept its edits");
      assert.equal((await api.layer("tab-one")).techniques.length, 0, "nothing was saved by closing");
      assert.match(await page.textContent("#layer-list"), /Tab two\s*Enterprise v18\.1/, "the layer list shows domain and release");
      page.on("dialog", (d) => d.accept());
      await done();
    },
  },
  {
    name: "a new ICS layer on 18.1, and attack.mitre.org's layer of an ICS asset",
    async run({ base, browser, api }) {
      const { page, done } = await newPage(browser, base);
      await page.goto(base + "/");
      await page.getByRole("button", { name: "New layer", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "New layer" });
      await dialog.getByLabel("Name").fill("ICS plant");
      await dialog.getByLabel("Domain").selectOption("ics-attack");
      await dialog.getByLabel("ATT&CK release").selectOption("18.1");
      await dialog.getByRole("button", { name: "Create" }).click();
      await page.getByRole("tab", { name: "ICS plant" }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll("#matrix [role=gridcell]").length > 50);
      const stored = (await api.get("/api/layers")).layers.find((l) => l.name === "ICS plant");
      const l = await api.layer(stored.key);
      assert.equal(l.domain, "ics-attack");
      assert.equal(l.versions.attack, "18.1");
      assert.match(await page.textContent("#revision-label"), /ICS v18\.1/);
      assert.ok(await page.getByRole("gridcell", { name: /^T0800 / }).count() >= 1, "the ICS matrix is drawn");

      await page.locator("#generate-box summary").click();
      await page.getByLabel("Release", { exact: true }).selectOption("ics-attack/18.1");
      await page.getByLabel("Object", { exact: true }).fill("A0004");
      await page.getByRole("button", { name: "Find" }).click();
      await page.getByRole("button", { name: "Generate" }).first().click();
      await page.waitForFunction(() => document.querySelectorAll("#tabs [role=tab]").length === 2);
      const gen = await page.evaluate(() => window.navlayerDebug.doc().layer);
      assert.equal(gen.domain, "ics-attack");
      assert.ok(gen.techniques.length > 5, "the asset's techniques");
      await done();
    },
  },
];
