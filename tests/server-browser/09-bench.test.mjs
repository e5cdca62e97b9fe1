// Benchmarks of the web workspace (issue 10), median of 5, on the enterprise 18.1 matrix with
// every sub-technique expanded. Not a timed test: the figures are printed and written to
// $OUT_DIR/bench-web-1.json for BENCHMARKS.md (run with the release build).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newPage, openLayer, median, layer, selectedKeys } from "./lib/harness.mjs";
import { armNext, measured, heapAfterGc } from "./lib/timing.mjs";

const N = 5;

export const tests = [
  {
    name: "benchmarks: click, Ctrl+A + Apply, expand all, first paint, heap after 1,000 clicks, search answers",
    async run({ base, browser, api, bin }) {
      await api.store("bench", layer("Benchmark", [], { layout: { showID: true, showName: true } }));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "bench");
      const results = { binary: bin };

      // Expand all (from collapsed), measured from the click to the repainted matrix.
      const expand = [];
      for (let i = 0; i < N; i++) {
        await page.getByRole("button", { name: "Collapse all" }).click();
        await armNext(page, "click");
        await page.getByRole("button", { name: "Expand all" }).click();
        expand.push(await measured(page));
      }
      results.cells = await page.evaluate(() => [...document.querySelectorAll("#matrix [role=gridcell]")].filter((e) => e.checkVisibility()).length);
      results.expandAllMs = median(expand);

      // One click to visible selection: cells in view (inside the scrolled matrix), each in
      // another column; each click must select its cell alone.
      const click = [];
      const targets = await page.evaluate((n) => {
        const wrap = /** @type {HTMLElement} */ (document.getElementById("matrix-wrap")).getBoundingClientRect();
        const inView = (/** @type {DOMRect} */ r) => r.left >= wrap.left && r.right <= wrap.right && r.top >= wrap.top + 60 && r.bottom <= wrap.bottom;
        const cols = [...document.querySelectorAll("#matrix .tactic")].map((t) => [...t.querySelectorAll("[role=gridcell]")]
          .filter((c) => inView(c.getBoundingClientRect())));
        /** @type {[number, number, string][]} */
        const out = [];
        for (let row = 1; out.length < n && row < 40; row++) {
          for (const col of cols) {
            const c = /** @type {HTMLElement} */ (col[row]);
            if (c && out.length < n) { const r = c.getBoundingClientRect(); out.push([r.left + 20, r.top + 8, c.dataset.key || ""]); }
          }
        }
        return out;
      }, N);
      if (targets.length < N) throw new Error("fewer than " + N + " cells in view to click");
      for (const [x, y, key] of targets) {
        await armNext(page, "click");
        await page.mouse.click(x, y);
        click.push(await measured(page));
        const sel = await selectedKeys(page);
        if (sel.length !== 1 || sel[0] !== key) throw new Error("the click on " + key + " selected " + sel.join(", "));
      }
      results.clickMs = median(click);
      results.clicks = click.map((x) => +x.toFixed(1));

      // Ctrl+A, then Apply of a score.
      const apply = [];
      for (let i = 0; i < N; i++) {
        await page.locator("#matrix [role=gridcell]").first().focus();
        await armNext(page, "keydown", "a");
        await page.keyboard.press("Control+a");
        const a = await measured(page);
        await page.getByLabel("Score", { exact: true }).fill(String(10 + i * 10));
        await armNext(page, "click");
        await page.getByRole("button", { name: "Apply", exact: true }).click();
        apply.push(a + (await measured(page)));
      }
      results.selectAllApplyMs = median(apply);
      // The same from an empty selection (Escape first), so that Ctrl+A selects 887 cells
      // each time rather than re-selecting what the previous Apply left selected.
      const fresh = [];
      for (let i = 0; i < N; i++) {
        await page.locator("#matrix [role=gridcell]").first().focus();
        await page.keyboard.press("Escape");
        await armNext(page, "keydown", "a");
        await page.keyboard.press("Control+a");
        const a = await measured(page);
        await page.getByLabel("Score", { exact: true }).fill(String(15 + i * 10));
        await armNext(page, "click");
        await page.getByRole("button", { name: "Apply", exact: true }).click();
        fresh.push(a + (await measured(page)));
      }
      results.selectAllFromNoneApplyMs = median(fresh);
      results.selectedCells = await page.evaluate(() => window.navlayerDebug.selection.keys.size);

      // Page load to first matrix paint (the expanded, scored layer saved first).
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("Saved"));
      // Each reload starts from a settled page (an idle period first), so that the figure is
      // this load's and not the previous page's last frames. The first paint draws the columns
      // in view (the others follow): check that they fill the view.
      const load = [];
      for (let i = 0; i < N; i++) {
        await page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(undefined), { timeout: 2000 })));
        await openLayer(page, base, "bench");
        const [ms, built, total, filled] = await page.evaluate(() => {
          const cols = [...document.querySelectorAll("#matrix .tactic")];
          const n = window.navlayerPaintedColumns || 0;
          const wrap = /** @type {HTMLElement} */ (document.getElementById("matrix-wrap")).getBoundingClientRect();
          return [window.navlayerPainted, n, cols.length, n >= cols.length || cols[n - 1].getBoundingClientRect().right >= wrap.right];
        });
        if (!filled) throw new Error(`the first paint drew ${built} of ${total} columns, short of the view's width`);
        load.push(ms);
        results.columnsAtFirstPaint = built + "/" + total;
      }
      results.firstPaintMs = median(load);

      // Heap after load versus after 1,000 clicks.
      const heapLoad = await heapAfterGc(page);
      const cells = await page.evaluate(() => [...document.querySelectorAll("#matrix .tactic")].slice(0, 6).flatMap((t) =>
        [...t.querySelectorAll("[role=gridcell]")].slice(0, 20).map((c) => { const r = c.getBoundingClientRect(); return [r.left + 15, r.top + 6]; })));
      for (let i = 0; i < 1000; i++) {
        const [x, y] = cells[i % cells.length];
        await page.mouse.click(x, y, { modifiers: i % 3 ? [] : ["Control"] });
      }
      const heapClicks = await heapAfterGc(page);
      results.heapAfterLoadMB = +(heapLoad / 1048576).toFixed(2);
      results.heapAfter1000ClicksMB = +(heapClicks / 1048576).toFixed(2);
      results.heapRatio = +(heapClicks / heapLoad).toFixed(2);

      // Search & multiselect answers, measured at the client over loopback (upper bound of the server time).
      const queries = { "empty": "q=", "PowerShell": "q=PowerShell", "G0016": "q=G0016", "e in name, ID, description": "q=e&fields=name,id,description" };
      results.searchMs = {};
      for (const [name, q] of Object.entries(queries)) {
        const ts = [];
        for (let i = 0; i < N; i++) {
          const t0 = performance.now();
          const r = await fetch(base + "/api/releases/enterprise/18.1/multiselect?" + q);
          await r.arrayBuffer();
          ts.push(performance.now() - t0);
        }
        results.searchMs[name] = +median(ts).toFixed(1);
      }
      for (const k of ["expandAllMs", "clickMs", "selectAllApplyMs", "selectAllFromNoneApplyMs", "firstPaintMs"]) results[k] = +results[k].toFixed(1);
      console.log("     " + JSON.stringify(results));
      writeFileSync(join(process.env.OUT_DIR, "bench-web-1.json"), JSON.stringify(results, null, 2));
      await done();
    },
  },
];
