// The cell context menu: versioned attack.mitre.org pages, layer and technique links, the
// user's items from `serve --context-menu` with the Navigator's placeholders, selection
// shortcuts, keyboard use.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, api as apiOf, newPage, openLayer, cell, writeJson, layer } from "./lib/harness.mjs";

export const tests = [
  {
    name: "menu links: versioned ATT&CK pages, user items with placeholders, layer and technique links; shortcuts by keyboard",
    async run({ browser, bin, data }) {
      const dir = mkdtempSync(join(tmpdir(), "navlayer-menu-"));
      const menuFile = writeJson(dir, "config.json", { custom_context_menu_items: [
        { label: "Look up", url: "https://search.example/?q={{technique_attackID}}+{{technique_name}}+{{tactic_name}}+{{tactic_attackID}}+{{technique_stixID}}",
          subtechnique_url: "https://search.example/{{parent_technique_attackID}}/{{subtechnique_attackID_suffix}}/{{parent_technique_name}}/{{subtechnique_name}}" },
        { label: "Evil", url: "javascript:window.__xss=1" },
      ] });
      const server = await startServer({ bin, data, extraArgs: ["--context-menu", menuFile] });
      try {
        const api = apiOf(server.base);
        await api.store("menu", layer("Menu", [
          { techniqueID: "T1059", tactic: "execution", links: [{ label: "runbook", url: "https://wiki.example/runbook" }, { divider: true }] },
        ], { links: [{ label: "team page", url: "https://team.example/" }] }));
        const { page, done } = await newPage(browser, server.base);
        await openLayer(page, server.base, "menu");
        await cell(page, "T1059", "execution").click({ button: "right" });
        const menu = page.getByRole("menu");
        await menu.waitFor();
        const href = (name) => menu.getByRole("menuitem", { name, exact: true }).getAttribute("href");
        assert.equal(await href("View technique on ATT&CK v18.1"), "https://attack.mitre.org/versions/v18/techniques/T1059/");
        assert.equal(await href("View tactic on ATT&CK v18.1"), "https://attack.mitre.org/versions/v18/tactics/TA0002/");
        const stix = (await api.get("/api/releases/enterprise/18.1/objects/T1059")).stixId;
        assert.equal(await href("Look up"), `https://search.example/?q=T1059+command-and-scripting-interpreter+execution+TA0002+${stix}`);
        assert.equal(await href("runbook"), "https://wiki.example/runbook", "the technique's link");
        assert.equal(await href("team page"), "https://team.example/", "the layer's link");
        assert.equal(await menu.getByRole("menuitem", { name: "Evil (not a web link)" }).count(), 1);
        assert.equal(await menu.locator("a[href^=javascript]").count(), 0);
        await page.keyboard.press("Escape");
        assert.equal(await menu.isVisible(), false);

        // A sub-technique uses subtechnique_url.
        await page.locator('[data-key="T1059|execution"] .toggle').click();
        await cell(page, "T1059.001", "execution").click({ button: "right" });
        assert.equal(await href("View technique on ATT&CK v18.1"), "https://attack.mitre.org/versions/v18/techniques/T1059/001/");
        assert.equal(await href("Look up"), "https://search.example/T1059/001/command-and-scripting-interpreter/powershell");
        await page.keyboard.press("Escape");

        // Keyboard: Shift+F10 on the focused cell, arrows, Enter.
        await cell(page, "T1106", "execution").focus();
        await page.keyboard.press("Shift+F10");
        await menu.waitFor();
        assert.equal(await page.evaluate(() => document.activeElement.textContent), "Select");
        await page.keyboard.press("Enter");
        assert.equal(await menu.isVisible(), false);
        assert.equal(await page.evaluate(() => document.activeElement.dataset.key), "T1106|execution", "focus returns to the cell");
        assert.deepEqual(await page.evaluate(() => [...window.navlayerDebug.selection.keys]), ["T1106|execution"]);
        await page.keyboard.press("Shift+F10");
        for (let i = 0; i < 8; i++) await page.keyboard.press("ArrowDown");
        assert.equal(await page.evaluate(() => document.activeElement.textContent), "Select all techniques in tactic");
        await page.keyboard.press("Enter");
        const inTactic = await page.evaluate(() => [...window.navlayerDebug.selection.keys].every((k) => k.endsWith("|execution")));
        const n = await page.evaluate(() => window.navlayerDebug.selection.keys.size);
        const all = await page.evaluate(() => window.navlayerDebug.doc().view.columns.find((c) => c.shortname === "execution").cells.length);
        assert.ok(n >= all, "every technique of the tactic is selected");
        assert.ok(!inTactic || n === all);
        assert.equal(await page.evaluate(() => window.__xss), undefined);
        await done();
      } finally {
        await server.stop();
      }
    },
  },
];
