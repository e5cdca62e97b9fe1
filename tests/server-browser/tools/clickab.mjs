// A/B of the benchmark click (09-bench's measurement) between the assets the binary serves and
// the ones on disk (crates/server/assets, served through page.route), or CSS added to either:
//   NAVLAYER_BIN=... NAVLAYER_DATA=... [MODE=apply] node tools/clickab.mjs ROUNDS VARIANT...
// VARIANT: "served", "disk", or either followed by ":" and CSS. Each round opens a fresh page per
// variant, deselects, then clicks 5 cells in view (another column each), as the bench does.
// MODE=apply: Escape, Ctrl+A, then Apply of a new score, 4 times a round ("first" is Ctrl+A,
// "rest" the Apply after the first, whose cells had no score yet).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, launchBrowser, api as apiOf, newPage, openLayer, layer, median } from "../lib/harness.mjs";
import { armNext, measured } from "../lib/timing.mjs";

const assets = fileURLToPath(new URL("../../../crates/server/assets/", import.meta.url));
const rounds = +(process.argv[2] || 6);
const variants = process.argv.slice(3).length ? process.argv.slice(3) : ["served", "disk"];
const server = await startServer({ bin: process.env.NAVLAYER_BIN, data: process.env.NAVLAYER_DATA });
const browser = await launchBrowser();
const api = apiOf(server.base);
const types = { js: "text/javascript", css: "text/css" };
try {
  await api.store("ab", layer("AB", [], { layout: { showID: true, showName: true, expandedSubtechniques: "all" } }));
  const first = variants.map(() => []);
  const rest = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let v = 0; v < variants.length; v++) {
      const [kind, ...cssParts] = variants[v].split(":");
      const css = cssParts.join(":");
      const { page, done } = await newPage(browser, server.base);
      if (kind === "disk") {
        await page.route(/\/assets\//, (route) => {
          const path = new URL(route.request().url()).pathname.replace(/^\/assets\/(v\/[^/]+\/)?/, "");
          const ext = /** @type {"js"|"css"} */ (path.split(".").pop());
          route.fulfill({ body: readFileSync(assets + path), contentType: types[ext] || "application/octet-stream" });
        });
      }
      await openLayer(page, server.base, "ab");
      if (css) await page.evaluate((c) => { const s = new CSSStyleSheet(); s.replaceSync(c); document.adoptedStyleSheets = [s]; }, css);
      const targets = await page.evaluate(() => {
        const wrap = /** @type {HTMLElement} */ (document.getElementById("matrix-wrap")).getBoundingClientRect();
        const cols = [...document.querySelectorAll("#matrix .tactic")].map((t) => [...t.querySelectorAll("[role=gridcell]")].filter((c) => {
          const b = c.getBoundingClientRect();
          return b.left >= wrap.left && b.right <= wrap.right && b.top >= wrap.top + 60 && b.bottom <= wrap.bottom;
        }));
        const out = [];
        for (let row = 1; out.length < 5; row++) for (const col of cols) if (col[row] && out.length < 5) { const b = col[row].getBoundingClientRect(); out.push([b.left + 20, b.top + 8]); }
        return out;
      });
      if (process.env.MODE === "apply") {
        for (let i = 0; i < 4; i++) {
          await page.locator("#matrix [role=gridcell]").first().focus();
          await page.keyboard.press("Escape");
          await page.evaluate(() => new Promise((res) => requestIdleCallback(() => res(undefined), { timeout: 1000 })));
          await armNext(page, "keydown", "a");
          await page.keyboard.press("Control+a");
          first[v].push(await measured(page));
          await page.getByLabel("Score", { exact: true }).fill(String(15 + i * 10));
          await page.evaluate(() => new Promise((res) => requestIdleCallback(() => res(undefined), { timeout: 1000 })));
          await armNext(page, "click");
          await page.getByRole("button", { name: "Apply", exact: true }).click();
          const ms = await measured(page);
          if (i) rest[v].push(ms);
        }
      }
      for (let k = 0; k < (process.env.MODE === "apply" ? 0 : 3); k++) {
        await page.keyboard.press("Escape");
        await page.evaluate(() => new Promise((res) => requestIdleCallback(() => res(undefined), { timeout: 1000 })));
        for (let i = 0; i < targets.length; i++) {
          await armNext(page, "click");
          await page.mouse.click(targets[i][0], targets[i][1]);
          (i ? rest : first)[v].push(await measured(page));
        }
      }
      await done();
    }
  }
  const q = (xs, f) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length * f)].toFixed(1);
  variants.forEach((v, i) => console.log(JSON.stringify({ variant: v, first: q(first[i], 0.5), rest: q(rest[i], 0.5), restP25: q(rest[i], 0.25), restP75: q(rest[i], 0.75), n: rest[i].length })));
} finally {
  await browser.close();
  await server.stop();
}
