// Breaks the page load of an expanded enterprise 18.1 layer down into its requests and main-thread
// work (resource timing and a devtools.timeline trace), to see where first paint goes.
//   NAVLAYER_BIN=target/release/navlayer NAVLAYER_DATA=../shared/attack-data node tools/firstpaint.mjs [--trace]
import { startServer, launchBrowser, api as apiOf, newPage, openLayer, layer } from "../lib/harness.mjs";

const trace = process.argv.includes("--trace");
const server = await startServer({ bin: process.env.NAVLAYER_BIN, data: process.env.NAVLAYER_DATA });
const browser = await launchBrowser();
const api = apiOf(server.base);
try {
  await api.store("fp", layer("FP", [{ techniqueID: "T1059", score: 5 }], { layout: { showID: true, showName: true, expandedSubtechniques: "all" } }));
  const { page, done } = await newPage(browser, server.base);
  const cdp = await page.context().newCDPSession(page);
  await openLayer(page, server.base, "fp");
  for (let i = 0; i < 4; i++) {
    const events = [];
    if (trace) {
      cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
      await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading,navigation" + (process.env.INVAL ? ",disabled-by-default-devtools.timeline.invalidationTracking" : ""), transferMode: "ReportEvents" });
    }
    if (process.env.RELOAD) { await page.reload(); await page.waitForFunction(() => typeof window.navlayerPainted === "number"); }
    else await openLayer(page, server.base, "fp");
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const res = performance.getEntriesByType("resource").map((e) => [e.name.replace(location.origin, "").replace(/\/assets\/v\/[^/]+/, ""), Math.round(e.startTime), Math.round(e.responseEnd)]);
      const n = /** @type {any} */ (nav);
      const pick = ["fetchStart", "requestStart", "responseStart", "responseEnd", "unloadEventStart", "unloadEventEnd", "domInteractive", "domContentLoadedEventStart"];
      return { nav: Object.fromEntries(pick.map((k) => [k, Math.round(n[k])])), paints: performance.getEntriesByType("paint").map((p) => [p.name, Math.round(p.startTime)]), painted: Math.round(window.navlayerPainted), htmlEnd: Math.round(nav.responseEnd), dcl: Math.round(nav.domContentLoadedEventEnd), marks: performance.getEntriesByType("mark").map((m) => [m.name, Math.round(m.startTime)]), res };
    });
    console.log(JSON.stringify({ nav: r.nav, paints: r.paints, painted: r.painted, htmlEnd: r.htmlEnd, dcl: r.dcl, marks: r.marks }));
    if (i === 0) for (const x of r.res) console.log("   ", x.join(" "));
    if (trace) {
      const finished = new Promise((res) => cdp.once("Tracing.tracingComplete", res));
      await cdp.send("Tracing.end");
      await finished;
      cdp.removeAllListeners("Tracing.dataCollected");
      const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && events.some((x) => x.pid === e.pid && x.name === "ParseHTML"));
      const nav = events.find((e) => e.name === "navigationStart" || e.name === "NavigationTiming") ;
      if (process.env.INVAL) {
        const navs = events.filter((e) => e.name === "navigationStart").map((e) => e.ts);
        const n0 = navs.length ? Math.max(...navs) : 0;
        const inv = events.filter((e) => /Invalidation|ScheduleStyle/.test(e.name) && e.ts > n0 - 30000 && e.ts < n0 + 40000);
        const counts = new Map();
        for (const e of inv) { const d = e.args?.data || {}; const k = e.name + " " + (d.reason || d.changedAttribute || d.changedPseudo || d.changedClass || d.invalidationSet?.[0]?.selectors?.join?.(",") || "") + " " + (d.nodeName || ""); counts.set(k, (counts.get(k) || 0) + 1); }
        for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log("   inval", v, k);
      }
      const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.dur > (process.env.MIN_US ? +process.env.MIN_US : 2000));
      // Times from the new document's navigationStart (else from the first event shown).
      const navStarts = events.filter((e) => e.name === "navigationStart").map((e) => e.ts);
      const t0 = navStarts.length ? Math.max(...navStarts) : Math.min(...onMain.map((e) => e.ts));
      for (const e of onMain.filter((e) => process.env.ALL || ["RunTask"].includes(e.name) === false).sort((a, b) => a.ts - b.ts).slice(0, +(process.env.LIMIT || 60)))
        console.log("     ", ((e.ts - t0) / 1000).toFixed(1).padStart(7), (e.dur / 1000).toFixed(1).padStart(6), e.name, e.args?.data?.url ? e.args.data.url.split("/").pop() : "", e.args?.data?.functionName || "", process.env.ARGS ? JSON.stringify(e.args?.beginData || e.args?.data || {}).slice(0, 200) : "");
    }
  }
  await cdp.detach();
  await done();
} finally {
  await browser.close();
  await server.stop();
}
