// Runs every browser test file against one navlayer server and one chromium.
//   node run-all.mjs [FILTER]     (run.sh sets NAVLAYER_BIN, NAVLAYER_DATA, OUT_DIR)
// Each *.test.mjs exports `tests`: [{ name, run(ctx) }]; ctx has base, api, browser, bin, data, out.
import { readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launchBrowser, api } from "./lib/harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.NAVLAYER_BIN;
const data = process.env.NAVLAYER_DATA;
const out = process.env.OUT_DIR || join(here, "out");
const filter = process.argv[2] || "";
if (!bin || !data) { console.error("set NAVLAYER_BIN and NAVLAYER_DATA (run.sh does)"); process.exit(2); }

const files = readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort();
const server = await startServer({ bin, data });
const browser = await launchBrowser();
const ctx = { base: server.base, api: api(server.base), browser, bin, data, out, server };
let passed = 0, failed = 0;
const t0 = Date.now();
try {
  for (const f of files) {
    const mod = await import(join(here, f));
    for (const t of mod.tests) {
      const name = f.replace(/\.test\.mjs$/, "") + ": " + t.name;
      if (filter && !name.includes(filter)) continue;
      const s = Date.now();
      try {
        await t.run(ctx);
        passed++;
        console.log("ok   " + name + " (" + (Date.now() - s) + " ms)");
      } catch (e) {
        failed++;
        console.log("FAIL " + name + "\n" + (e.stack || e));
      }
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log("browser suite: " + ((Date.now() - t0) / 1000).toFixed(1) + " s");
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
