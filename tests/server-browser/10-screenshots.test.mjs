// Screenshots of the workspace for docs/web.md: written to $OUT_DIR, and to $DOC_SHOTS (e.g.
// docs/img) when set. Each picture is checked for what it must show before it is taken.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, api as apiOf, newPage, openLayer, cell } from "./lib/harness.mjs";

async function shot(page, name) {
  const path = join(process.env.OUT_DIR, name);
  await page.screenshot({ path });
  if (process.env.DOC_SHOTS) {
    mkdirSync(process.env.DOC_SHOTS, { recursive: true });
    copyFileSync(path, join(process.env.DOC_SHOTS, name));
  }
}

export const tests = [
  {
    name: "workspace, search & multiselect, context menu",
    async run({ browser, bin, data }) {
      // A server of its own, so the layer list shows only what the pictures are about.
      const server = await startServer({ bin, data });
      const base = server.base;
      const api = apiOf(base);
      try {
      const ref = JSON.parse(readFileSync(join(process.env.NAVLAYER_DATA, "..", "reference", "M1038-enterprise-layer-attack-v19-official.json"), "utf8"));
      ref.layout = { ...(ref.layout || {}), showID: true, showName: true, showAggregateScores: true };
      await api.store("docs-m1038", ref);
      const { page, done } = await newPage(browser, base, { viewport: { width: 1600, height: 900 } });
      await openLayer(page, base, "docs-m1038");
      await cell(page, "T1059.001", "execution").click();
      await cell(page, "T1059.003", "execution").click({ modifiers: ["Shift"] });
      await page.getByLabel("Comment", { exact: true }).fill("Constrained Language Mode enforced");
      assert.ok((await page.textContent("#selection-count")).includes("selected"));
      await shot(page, "web-workspace.png");

      await page.getByRole("searchbox", { name: "Search", exact: true }).fill("APT29");
      await page.locator(".hit", { hasText: "APT29 (G0016)" }).waitFor();
      await page.getByRole("button", { name: "Select APT29", exact: true }).click();
      await page.locator("#editor-panel summary").click();
      await shot(page, "web-search.png");

      await page.keyboard.press("Escape");
      await cell(page, "T1059", "execution").click({ button: "right" });
      await page.getByRole("menu").waitFor();
      await shot(page, "web-context-menu.png");
      await done();
      } finally {
        await server.stop();
      }
    },
  },
];
