// Benchmarks of the web workspace (issue 11), median of 5: switching layout or sorting on the
// expanded enterprise matrix to the repainted matrix; the upgrade of the 16.1 APT29 layer to a
// saved 18.1 revision, from the click on Upgrade through "Accept all". Not a timed test: written
// to $OUT_DIR/bench-web-2.json for BENCHMARKS.md (run with the release build).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newPage, openLayer, median, layer } from "./lib/harness.mjs";
import { armNext, measured } from "./lib/timing.mjs";

const N = 5;

export const tests = [
  {
    name: "benchmarks: layout and sorting switches, upgrade review to a saved revision",
    async run({ base, browser, api, bin }) {
      const scored = [];
      for (const t of ["T1059", "T1566", "T1190", "T1078", "T1053", "T1547", "T1055", "T1003"]) scored.push({ techniqueID: t, score: scored.length * 10 });
      await api.store("bench2", layer("Benchmark II", scored, { layout: { expandedSubtechniques: "all", showID: true } }));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "bench2");
      await page.locator("#controls-panel summary").click();
      const results = { binary: bin, cells: await page.evaluate(() => [...document.querySelectorAll("#matrix [role=gridcell]")].filter((e) => e.checkVisibility()).length) };
      const time = async (label, select, values) => {
        const ts = [];
        for (let i = 0; i < N * values.length; i++) {
          await armNext(page, "change");
          await page.getByLabel(label, { exact: true }).selectOption(values[i % values.length]);
          ts.push(await measured(page));
        }
        return +median(ts).toFixed(1);
      };
      results.layoutSwitchMs = await time("Layout", "ctl-layout", ["flat", "side"]);
      results.sortSwitchMs = await time("Sorting", "ctl-sorting", ["3", "0"]);

      const up = [];
      for (let i = 0; i < N; i++) {
        const key = "bench-up-" + i;
        await api.post("/api/generate", { id: "G0016", domain: "enterprise", release: "16.1", store: true, key });
        await openLayer(page, base, key);
        const t0 = Date.now();
        await page.getByRole("region", { name: "Upgrade" }).getByRole("button", { name: "Upgrade" }).click();
        await page.getByRole("dialog", { name: "Upgrade layer" }).getByRole("button", { name: "Accept all" }).click();
        await page.waitForFunction(() => /Saved revision 2/.test(document.getElementById("status")?.textContent || ""));
        up.push(Date.now() - t0);
      }
      results.upgradeToSavedMs = median(up);
      console.log("     " + JSON.stringify(results));
      writeFileSync(join(process.env.OUT_DIR, "bench-web-2.json"), JSON.stringify(results, null, 2));
      await done();
    },
  },
];
