// Profiles the web workspace's hot interactions with Chrome's own counters (CDP Performance
// metrics: script, style recalculation and layout time and counts, DOM nodes) and, with
// --trace, the longest main-thread events of a devtools.timeline trace per action.
//   NAVLAYER_BIN=target/release/navlayer NAVLAYER_DATA=../shared/attack-data node tools/profile.mjs [--trace]
import { startServer, launchBrowser, api as apiOf, newPage, openLayer, layer } from "../lib/harness.mjs";
import { armNext, measured } from "../lib/timing.mjs";

const trace = process.argv.includes("--trace");
const server = await startServer({ bin: process.env.NAVLAYER_BIN, data: process.env.NAVLAYER_DATA });
const browser = await launchBrowser();
const api = apiOf(server.base);
try {
  await api.store("prof", layer("Profile", [{ techniqueID: "T1059", score: 5 }], { layout: { showID: true, showName: true, expandedSubtechniques: "all" } }));
  const { page, done } = await newPage(browser, server.base);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  /** Runs `act` (which arms and triggers one event) and reports the counters it moved. */
  const profile = async (label, type, act, key) => {
    const events = [];
    if (trace) {
      cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
      await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
    }
    const a = await metrics();
    await armNext(page, type, key);
    await act();
    const ms = await measured(page);
    const b = await metrics();
    const d = (k) => +(b[k] - a[k]).toFixed(4);
    const out = { ms: +ms.toFixed(1), script: +(d("ScriptDuration") * 1000).toFixed(1), style: +(d("RecalcStyleDuration") * 1000).toFixed(1),
      styleN: d("RecalcStyleCount"), layout: +(d("LayoutDuration") * 1000).toFixed(1), layoutN: d("LayoutCount"), task: +(d("TaskDuration") * 1000).toFixed(1), nodes: b.Nodes };
    console.log(label.padEnd(22), JSON.stringify(out));
    if (trace) {
      const finished = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
      await cdp.send("Tracing.end");
      await finished;
      cdp.removeAllListeners("Tracing.dataCollected");
      const top = events.filter((e) => e.ph === "X" && e.dur > 1000).sort((x, y) => y.dur - x.dur).slice(0, 12)
        .map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)}ms${e.args?.data?.url ? " " + e.args.data.url.split("/").pop() : ""}${e.args?.data?.functionName ? " " + e.args.data.functionName : ""}`);
      console.log("   " + top.join("\n   "));
    }
  };
  const t0 = Date.now();
  await openLayer(page, server.base, "prof");
  console.log("first paint", await page.evaluate(() => window.navlayerPainted), "ms; open took", Date.now() - t0, "ms");
  console.log("cells", await page.evaluate(() => document.querySelectorAll("#matrix [role=gridcell]").length));
  const box = await page.evaluate(() => { const r = document.querySelectorAll("#matrix .tactic")[3].querySelector("[role=gridcell]").getBoundingClientRect(); return [r.left + 20, r.top + 8]; });
  await profile("click", "click", () => page.mouse.click(box[0], box[1]));
  await profile("click again", "click", () => page.mouse.click(box[0], box[1] + 30));
  await page.locator("#matrix [role=gridcell]").first().focus();
  await profile("ctrl+a", "keydown", () => page.keyboard.press("Control+a"), "a");
  await page.getByLabel("Score", { exact: true }).fill("42");
  await profile("apply", "click", () => page.getByRole("button", { name: "Apply", exact: true }).click());
  await profile("collapse all", "click", () => page.getByRole("button", { name: "Collapse all" }).click());
  await profile("expand all", "click", () => page.getByRole("button", { name: "Expand all" }).click());
  await page.locator("#controls-panel summary").click();
  await profile("layout flat", "change", () => page.getByLabel("Layout", { exact: true }).selectOption("flat"));
  await profile("layout side", "change", () => page.getByLabel("Layout", { exact: true }).selectOption("side"));
  await profile("layout mini", "change", () => page.getByLabel("Layout", { exact: true }).selectOption("mini"));
  await profile("layout side", "change", () => page.getByLabel("Layout", { exact: true }).selectOption("side"));
  await profile("sort score desc", "change", () => page.getByLabel("Sorting", { exact: true }).selectOption("3"));
  await profile("sort name", "change", () => page.getByLabel("Sorting", { exact: true }).selectOption("0"));
  await cdp.detach();
  await done();
} finally {
  await browser.close();
  await server.stop();
}
