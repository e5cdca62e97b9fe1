// Selection with the mouse and the keyboard, the toolbar's selection actions and the
// Navigator's selection options.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newPage, openLayer, cell, selectedKeys } from "./lib/harness.mjs";

const reference = (shared) => JSON.parse(readFileSync(join(shared, "reference", "M1038-enterprise-layer-attack-v19-official.json"), "utf8"));
const shared = () => process.env.NAVLAYER_SHARED || join(process.env.NAVLAYER_DATA, "..");

/** Drawn cell keys of a tactic column, in display order. */
const drawn = (page, tactic) => page.evaluate((t) =>
  [...document.querySelectorAll(`#matrix .tactic[data-tactic="${t}"] [role=gridcell]`)].filter((e) => e.checkVisibility()).map((e) => e.dataset.key), tactic);
const count = (page) => page.textContent("#selection-count");
const selectionSize = (page) => page.evaluate(() => window.navlayerDebug.selection.keys.size);

export const tests = [
  {
    name: "click, ctrl-click toggle, shift-click range within a tactic, across tactics",
    async run({ base, browser, api }) {
      await api.store("sel-m1038", reference(shared()));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "sel-m1038");
      await page.getByLabel("Select techniques across tactics").uncheck();
      const col = await drawn(page, "execution");
      const at = (i) => page.locator(`[data-key="${col[i]}"]`);
      await at(0).click();
      await at(3).click({ modifiers: ["Shift"] });
      assert.deepEqual(await selectedKeys(page), col.slice(0, 4).sort(), "shift-click selects the range in display order");
      assert.equal(await count(page), "4 techniques selected");
      await at(6).click({ modifiers: ["Control"] });
      assert.ok((await selectedKeys(page)).includes(col[6]), "ctrl-click adds");
      await at(6).click({ modifiers: ["Control"] });
      assert.ok(!(await selectedKeys(page)).includes(col[6]), "ctrl-click again removes");
      await at(1).click();
      assert.deepEqual(await selectedKeys(page), [col[1]], "a plain click selects only that cell");
      await at(1).click();
      assert.deepEqual(await selectedKeys(page), [], "clicking the only selected cell deselects it");

      await page.getByLabel("Select techniques across tactics").check();
      await cell(page, "T1078", "defense-evasion").click();
      const tactics = await page.evaluate(() => window.navlayerDebug.doc().index.byId.get("T1078").tactics);
      assert.ok(tactics.length >= 3, "Valid Accounts is in several tactics");
      assert.deepEqual(await selectedKeys(page), tactics.map((t) => "T1078|" + t).sort(), "selected in every tactic");
      assert.equal(await count(page), `1 technique selected (${tactics.length} cells)`);
      await done();
    },
  },
  {
    name: "keyboard: arrows move focus, Space toggles, Shift+arrows extend, Ctrl+A all drawn, Escape none",
    async run({ base, browser, api }) {
      await api.store("sel-keys", reference(shared()));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "sel-keys");
      await page.getByLabel("Select techniques across tactics").uncheck();
      const col = await drawn(page, "persistence");
      await page.locator(`[data-key="${col[0]}"]`).click();
      assert.equal(await page.evaluate(() => document.activeElement.dataset.key), col[0], "a click focuses the cell (the press does not: the click does)");
      await page.keyboard.press("Escape");
      assert.deepEqual(await selectedKeys(page), []);
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      assert.equal(await page.evaluate(() => document.activeElement.dataset.key), col[2], "ArrowDown moves the focus");
      await page.keyboard.press("Space");
      assert.deepEqual(await selectedKeys(page), [col[2]], "Space selects the focused cell");
      await page.keyboard.press("Shift+ArrowDown");
      await page.keyboard.press("Shift+ArrowDown");
      assert.deepEqual(await selectedKeys(page), [col[2], col[3], col[4]].sort(), "Shift+ArrowDown extends");
      await page.keyboard.press("Space");
      assert.ok(!(await selectedKeys(page)).includes(col[4]), "Space toggles off");
      await page.keyboard.press("ArrowRight");
      const right = await drawn(page, "privilege-escalation");
      assert.equal(await page.evaluate(() => document.activeElement.dataset.key), right[4], "ArrowRight goes to the next tactic, same row");
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute("tabindex")), "0", "roving tab stop");
      await page.keyboard.press("Control+a");
      const all = await page.evaluate(() => [...document.querySelectorAll("#matrix [role=gridcell]")].filter((e) => e.checkVisibility()).length);
      assert.equal((await selectedKeys(page)).length, all, "Ctrl+A selects every drawn cell");
      await page.keyboard.press("Escape");
      assert.deepEqual(await selectedKeys(page), [], "Escape deselects");
      await done();
    },
  },
  {
    name: "toolbar: select all, invert, select annotated / unannotated, sub-techniques with parent, visible only",
    async run({ base, browser, api }) {
      await api.store("sel-toolbar", reference(shared()));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "sel-toolbar");
      const universe = await page.evaluate(() => window.navlayerDebug.selection.allKeys().size);
      await page.getByRole("button", { name: "Select all", exact: true }).click();
      assert.equal(await selectionSize(page), universe, "select all selects every technique of every tactic");
      await page.getByRole("button", { name: "Deselect all", exact: true }).click();
      assert.equal(await selectionSize(page), 0);

      // Annotated cells as the Rust view reports them.
      const view = await api.view(await api.layer("sel-toolbar"));
      const annotated = view.columns.flatMap((c) => c.cells.filter((x) => x.annotated).map((x) => x.id + "|" + x.tactic)).sort();
      assert.ok(annotated.length > 50, "M1038 annotates many cells");
      await page.getByRole("button", { name: "Select annotated", exact: true }).click();
      const sel = await page.evaluate(() => [...window.navlayerDebug.selection.keys].sort());
      assert.deepEqual(sel, annotated, "select annotated selects exactly the annotated cells");
      await page.getByRole("button", { name: "Invert selection", exact: true }).click();
      assert.equal(await selectionSize(page), universe - annotated.length, "invert");
      const inverted = await page.evaluate(() => [...window.navlayerDebug.selection.keys]);
      assert.ok(inverted.every((k) => !annotated.includes(k)));
      await page.getByRole("button", { name: "Deselect all", exact: true }).click();
      await page.getByRole("button", { name: "Select unannotated", exact: true }).click();
      assert.equal(await selectionSize(page), universe - annotated.length, "select unannotated");

      await page.getByRole("button", { name: "Deselect all", exact: true }).click();
      await page.getByLabel("Select sub-techniques with parent").check();
      await page.getByLabel("Select techniques across tactics").uncheck();
      await cell(page, "T1059", "execution").click();
      const subs = await page.evaluate(() => window.navlayerDebug.doc().index.byId.get("T1059").tech.subtechniques.map((s) => s.id));
      const got = await page.evaluate(() => [...window.navlayerDebug.selection.keys].sort());
      assert.deepEqual(got, ["T1059", ...subs].map((i) => i + "|execution").sort(), "a parent brings its sub-techniques");

      // Only visible: with a Linux filter, select all takes only the cells the view shows.
      const linux = await api.layer("sel-toolbar");
      linux.filters = { platforms: ["Linux"] };
      await api.store("sel-linux", linux);
      await openLayer(page, base, "sel-linux");
      await page.getByLabel("Select only visible techniques").check();
      await page.getByRole("button", { name: "Select all", exact: true }).click();
      const shown = (await api.view(linux)).columns.reduce((n, c) => n + c.cells.length, 0);
      assert.equal(await selectionSize(page), shown, "only the visible techniques are selected");
      assert.ok(shown < universe);
      await done();
    },
  },
];
