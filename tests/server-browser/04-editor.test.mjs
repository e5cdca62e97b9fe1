// The annotation editor: score, colour (presets, picker, invalid colours refused), comment,
// enabled, metadata and links saved through the API, the shared-values rule, clear, undo/redo.
import assert from "node:assert/strict";
import { newPage, openLayer, cell, layer, settled } from "./lib/harness.mjs";

const bg = (loc) => loc.evaluate((e) => getComputedStyle(e).backgroundColor);
const rgb = (hex) => "rgb(" + [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ") + ")";

export const tests = [
  {
    name: "score, colour presets and picker, invalid colour refused, comment, enabled",
    async run({ base, browser, api }) {
      await api.store("ed-basic", layer("Editor basics"));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "ed-basic");
      const a = cell(page, "T1566", "initial-access"), b = cell(page, "T1190", "initial-access");
      await a.click();
      await settled(page);
      assert.equal(await page.getByLabel("Enabled", { exact: true }).inputValue(), "true", "a cell the layer does not annotate shows as enabled");
      await b.click({ modifiers: ["Control"] });
      await page.getByLabel("Score", { exact: true }).fill("7");
      await page.getByRole("button", { name: "Apply", exact: true }).click();
      assert.equal(await a.locator(".score").textContent(), "7");
      assert.equal(await b.locator(".score").textContent(), "7");

      const colour = page.getByLabel("Colour", { exact: true });
      await colour.fill("not-a-colour");
      await colour.press("Enter");
      assert.match(await page.getByRole("alert").textContent(), /is not a colour/);
      assert.equal(await page.evaluate(() => window.navlayerDebug.doc().layer.techniques.some((t) => t.color)), false, "nothing was written");

      await page.getByRole("button", { name: "Colour #31a354", exact: true }).click();
      assert.equal(await bg(a), rgb("#31a354"), "a preset colours the selection at once");
      await page.getByLabel("Colour picker").fill("#123456");
      await page.getByRole("button", { name: "Apply", exact: true }).click();
      assert.equal(await bg(b), rgb("#123456"), "the free picker");
      assert.equal(await a.evaluate((e) => getComputedStyle(e).color), "rgb(255, 255, 255)", "text readable on a dark colour");

      await page.getByLabel("Comment", { exact: true }).fill("seen in phishing (Citation: Report)");
      await page.getByRole("button", { name: "Apply", exact: true }).click();
      assert.ok(await a.evaluate((e) => e.classList.contains("commented")));
      assert.match(await a.locator(".label").evaluate((e) => getComputedStyle(e).textDecorationLine), /underline/, "commented cells are underlined");
      await page.getByLabel("Enabled", { exact: true }).selectOption("false");
      await page.getByRole("button", { name: "Apply", exact: true }).click();
      assert.ok(await a.evaluate((e) => e.classList.contains("disabled")));
      await settled(page);
      assert.equal(await page.getByLabel("Enabled", { exact: true }).inputValue(), "false", "the editor shows the selection disabled");
      assert.equal(await bg(a), "rgb(255, 255, 255)", "a disabled technique loses its colour");
      await page.getByRole("button", { name: "Clear annotations", exact: true }).click();
      assert.equal(await a.locator(".score").textContent(), "");
      assert.equal(await page.evaluate(() => window.navlayerDebug.doc().layer.techniques.length), 0, "clear removes the entries");
      await done();
    },
  },
  {
    name: "metadata and links: add, edit, divider, remove, shared values only, saved through the API",
    async run({ base, browser, api }) {
      await api.store("ed-meta", layer("Editor metadata", [
        { techniqueID: "T1059", tactic: "execution", metadata: [{ name: "owner", value: "blue team" }] },
        { techniqueID: "T1106", tactic: "execution", metadata: [{ name: "owner", value: "blue team" }] },
        { techniqueID: "T1204", tactic: "execution", metadata: [{ name: "owner", value: "red team" }] },
      ]));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "ed-meta");
      await cell(page, "T1059", "execution").click();
      await cell(page, "T1106", "execution").click({ modifiers: ["Control"] });
      await settled(page);
      assert.equal(await page.getByLabel("Metadata name 1").inputValue(), "owner", "shared metadata is shown for editing");
      assert.equal(await page.getByLabel("Metadata value 1").inputValue(), "blue team");
      await cell(page, "T1204", "execution").click({ modifiers: ["Control"] });
      await settled(page);
      assert.equal(await page.locator("#ed-meta-mixed").isVisible(), true, "differing metadata is announced");
      assert.equal(await page.getByLabel("Metadata name 1").count(), 0);
      await cell(page, "T1204", "execution").click({ modifiers: ["Control"] });

      await page.getByLabel("Metadata value 1").fill("purple team");
      await page.getByRole("button", { name: "Add metadata" }).click();
      await page.getByLabel("Metadata name 2").fill("ticket");
      await page.getByLabel("Metadata value 2").fill("SOC-42");
      await page.getByRole("button", { name: "Add divider" }).first().click();
      await page.getByRole("button", { name: "Add link" }).click();
      await page.getByLabel("Link label 1").fill("runbook");
      await page.getByLabel("Link URL 1").fill("https://wiki.example/runbook");
      await page.getByRole("button", { name: "Add link" }).click();
      await page.getByLabel("Link URL 2").fill("https://wiki.example/other");
      await page.getByRole("button", { name: "Remove link 2" }).click();
      await page.getByRole("button", { name: "Apply", exact: true }).click();
      assert.ok(await cell(page, "T1059", "execution").evaluate((e) => e.classList.contains("has-links")));
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("Saved revision 2"));

      const saved = await api.layer("ed-meta");
      for (const id of ["T1059", "T1106"]) {
        const e = saved.techniques.find((t) => t.techniqueID === id);
        assert.deepEqual(e.metadata, [{ name: "owner", value: "purple team" }, { name: "ticket", value: "SOC-42" }, { divider: true }], id);
        assert.deepEqual(e.links, [{ label: "runbook", url: "https://wiki.example/runbook" }], id);
      }
      assert.deepEqual(saved.techniques.find((t) => t.techniqueID === "T1204").metadata, [{ name: "owner", value: "red team" }], "others untouched");
      await done();
    },
  },
  {
    name: "undo and redo with Ctrl+Z / Ctrl+Shift+Z",
    async run({ base, browser, api }) {
      await api.store("ed-undo", layer("Undo"));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "ed-undo");
      const c = cell(page, "T1566", "initial-access");
      await c.click();
      await page.getByLabel("Score", { exact: true }).fill("5");
      await page.keyboard.press("Enter");
      await page.getByLabel("Score", { exact: true }).fill("9");
      await page.keyboard.press("Enter");
      assert.equal(await c.locator(".score").textContent(), "9");
      await c.focus();
      await page.keyboard.press("Control+z");
      assert.equal(await c.locator(".score").textContent(), "5", "one step back");
      await page.keyboard.press("Control+z");
      assert.equal(await c.locator(".score").textContent(), "", "two steps back");
      assert.equal(await page.locator("#dirty").isVisible(), false, "back to the saved state");
      await page.keyboard.press("Control+Shift+z");
      assert.equal(await c.locator(".score").textContent(), "5", "redo");
      await page.getByRole("button", { name: "Redo", exact: true }).click();
      assert.equal(await c.locator(".score").textContent(), "9");
      assert.equal(await page.getByRole("button", { name: "Redo", exact: true }).isDisabled(), true);
      await done();
    },
  },
];
