// Layers from elsewhere (issue 11): open from a URL (loopback allowed only by the server option),
// create from other layers with inheritance, guided upgrade 16.1 → 18.1 against `navlayer
// migrate`, export of all tabs read back by `navlayer validate`, dark theme.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { startServer, api as apiOf, newPage, openLayer, cell, cli, layer } from "./lib/harness.mjs";

/** A loopback server answering with a layer. */
function layerServer(body) {
  return new Promise((resolve) => {
    const s = createServer((req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end(body); });
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

export const tests = [
  {
    name: "open a layer by URL from a loopback server: refused by default, opened when allowed",
    async run({ base, browser, bin, data }) {
      const web = await layerServer(JSON.stringify(layer("From the web", [{ techniqueID: "T1566", tactic: "initial-access", score: 4 }])));
      const url = "http://127.0.0.1:" + web.address().port + "/shared/from-web.json";
      const allowed = await startServer({ bin, data, extraArgs: ["--allow-private-urls"] });
      try {
        const { page, done } = await newPage(browser, base);
        await page.goto(base + "/");
        await page.getByRole("button", { name: "Open from URL" }).click();
        const dialog = page.getByRole("dialog", { name: "Open from URL" });
        await dialog.getByLabel("URL", { exact: true }).fill(url);
        await dialog.getByRole("button", { name: "Open" }).click();
        await dialog.getByRole("alert").filter({ hasText: "loopback" }).waitFor();
        assert.match(await dialog.getByRole("alert").textContent(), /--allow-private-urls/);
        await dialog.getByLabel("URL", { exact: true }).fill("file:///etc/passwd");
        await dialog.getByRole("button", { name: "Open" }).click();
        await dialog.getByRole("alert").filter({ hasText: "only http and https" }).waitFor();
        await done();

        const second = await newPage(browser, allowed.base);
        await second.page.goto(allowed.base + "/");
        await second.page.getByRole("button", { name: "Open from URL" }).click();
        await second.page.getByLabel("URL", { exact: true }).fill(url);
        await second.page.getByRole("dialog", { name: "Open from URL" }).getByRole("button", { name: "Open" }).click();
        await second.page.getByRole("tab", { name: "From the web" }).waitFor();
        assert.equal(await cell(second.page, "T1566", "initial-access").locator(".score").textContent(), "4");
        assert.equal((await apiOf(allowed.base).layer("from-web")).name, "From the web");
        await second.done();
      } finally {
        web.close();
        await allowed.stop();
      }
    },
  },
  {
    name: "create a + b from the open tabs with comments inherited from b",
    async run({ base, browser, api }) {
      await api.store("cb-a", layer("Layer A", [{ techniqueID: "T1566", tactic: "initial-access", score: 1, comment: "from a" },
        { techniqueID: "T1190", tactic: "initial-access", score: 5 }]));
      await api.store("cb-b", layer("Layer B", [{ techniqueID: "T1566", tactic: "initial-access", score: 2, comment: "from b" }]));
      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, "cb-a");
      await page.getByRole("button", { name: /^Layer B/ }).click();
      await page.getByRole("tab", { name: "Layer B" }).waitFor();
      await page.getByRole("button", { name: "Create from layers" }).click();
      const dialog = page.getByRole("dialog", { name: "Create layer from other layers" });
      assert.match(await dialog.locator("#cb-layers").textContent(), /a Layer A.*b Layer B/s);
      await dialog.getByLabel("Score expression").fill("a + (b");
      await dialog.getByLabel("Name of the new layer").fill("A plus B");
      await dialog.getByRole("button", { name: "Create" }).click();
      await dialog.getByRole("alert").filter({ hasText: /column|position|expected/i }).waitFor();
      await dialog.getByLabel("Score expression").fill("a + b");
      await dialog.getByLabel("Comments").selectOption("b");
      await dialog.getByRole("button", { name: "Create" }).click();
      await page.getByRole("tab", { name: "A plus B" }).waitFor();
      const d = await page.evaluate(() => window.navlayerDebug.doc().layer);
      const t1566 = d.techniques.find((t) => t.techniqueID === "T1566");
      assert.equal(t1566.score, 3);
      assert.equal(t1566.comment, "from b", "comments inherited from b");
      assert.equal(d.techniques.find((t) => t.techniqueID === "T1190").score, 5);
      await done();
    },
  },
  {
    name: "upgrade a 16.1 group layer to 18.1 with Accept all: the entries `navlayer migrate --to 18.1` gives",
    async run({ base, browser, api, bin, data }) {
      const g = await api.post("/api/generate", { id: "G0016", domain: "enterprise", release: "16.1", store: true, key: "apt29-16" });
      const old = await api.layer(g.key);
      const dir = mkdtempSync(join(tmpdir(), "navlayer-up-"));
      writeFileSync(join(dir, "apt29-16.json"), JSON.stringify(old));
      const report = JSON.parse(cli(bin, data, ["migrate", join(dir, "apt29-16.json"), "--to", "18.1", "-o", join(dir, "out.json"), "--report", "json"]));
      const expected = JSON.parse(readFileSync(join(dir, "out.json"), "utf8"));
      const entries = (Array.isArray(report) ? report[0] : report.layers ? report.layers[0] : report).entries;
      const review = entries.filter((e) => ["major", "revoked", "deprecated", "unknown"].includes(e.change) || e.tactic_change);
      assert.ok(review.length > 0, "the 16.1 → 18.1 upgrade has entries to review");

      const { page, done } = await newPage(browser, base);
      await openLayer(page, base, g.key);
      const listed = page.getByRole("navigation", { name: "Layers" }).getByRole("button", { name: /^APT29/ });
      await page.waitForFunction(() => /Enterprise v16\.1/.test(document.getElementById("layer-list")?.textContent || ""));
      assert.match(await listed.first().textContent(), /Enterprise v16\.1/, "the layer list shows domain and release");
      const offer = page.getByRole("region", { name: "Upgrade" });
      await offer.waitFor();
      assert.match(await offer.textContent(), /v16\.1.*v18\.1/);
      await offer.getByRole("button", { name: "Upgrade" }).click();
      const dialog = page.getByRole("dialog", { name: "Upgrade layer" });
      await dialog.waitFor();
      const rows = await dialog.locator("#up-list tr").evaluateAll((trs) => trs.map((t) => Number(t.dataset.index)));
      assert.deepEqual(rows, review.map((e) => e.index), "the review lists the entries the CLI reports as changed");
      const t0 = Date.now();
      await dialog.getByRole("button", { name: "Accept all" }).click();
      await page.waitForFunction(() => /Saved revision 2/.test(document.getElementById("status")?.textContent || ""));
      console.log("     upgrade review to saved revision: " + (Date.now() - t0) + " ms after Accept all");
      const saved = await api.layer(g.key);
      assert.deepEqual(saved.techniques, expected.techniques, "the saved revision is the CLI's migrated layer");
      assert.equal(saved.versions.attack, expected.versions.attack);
      // The revision keeps the migration report: the CLI's entries, fetchable and shown.
      const revs = (await api.get("/api/layers/" + g.key + "/revisions")).revisions;
      assert.equal(revs.length, 2);
      assert.match(revs[0].note, /^upgrade from ATT&CK v16\.1 to v18\.1: /);
      assert.equal(revs[0].hasReport, true);
      const kept = await api.get("/api/layers/" + g.key + "/revisions/2/report");
      const brief = (es) => es.map((e) => [e.index, e.technique_id, e.change, e.action, e.new_technique_id || null]);
      assert.deepEqual(brief(kept.report.entries), brief(entries), "the kept report is the CLI's report");
      assert.deepEqual(kept.dropped, []);
      await page.waitForFunction(() => /Enterprise v18\.1/.test(document.getElementById("layer-list")?.textContent || ""));
      await page.locator("#revisions-box summary").click();
      await page.getByRole("button", { name: "Migration report of revision 2" }).click();
      const shownReport = page.getByRole("dialog", { name: "Migration report" });
      await shownReport.waitFor();
      assert.equal(await shownReport.locator("tbody tr").count(), entries.length);
      assert.match(await shownReport.locator("#rp-summary").textContent(), /v16\.1 → v18\.1/);
      await shownReport.getByRole("button", { name: "Close" }).click();

      // Drop one entry in the review: the saved revision is the CLI's layer without what that
      // entry became, and the kept report says it was dropped.
      const g2 = await api.post("/api/generate", { id: "G0016", domain: "enterprise", release: "16.1", store: true, key: "apt29-16b" });
      await openLayer(page, base, g2.key);
      await page.getByRole("region", { name: "Upgrade" }).getByRole("button", { name: "Upgrade" }).click();
      await dialog.waitFor();
      const victim = review[0];
      await dialog.locator("#up-list tr[data-index='" + victim.index + "']").getByRole("radio", { name: "Drop " + victim.technique_id }).check();
      await page.screenshot({ path: join(process.env.OUT_DIR, "web-upgrade-review.png") });
      if (process.env.DOC_SHOTS) await page.screenshot({ path: join(process.env.DOC_SHOTS, "web-upgrade-review.png") });
      await dialog.getByRole("button", { name: "Apply choices" }).click();
      await page.waitForFunction(() => /Saved revision 2/.test(document.getElementById("status")?.textContent || ""));
      const gone = new Set(victim.destinations.map((x) => x.index));
      const kept2 = await api.get("/api/layers/" + g2.key + "/revisions/2/report");
      assert.deepEqual(kept2.dropped, [victim.index]);
      const pairs = (ts) => ts.map((t) => t.techniqueID + "/" + (t.tactic || ""));
      assert.deepEqual(pairs((await api.layer(g2.key)).techniques), pairs(expected.techniques.filter((_, i) => !gone.has(i))),
        "dropped: " + victim.technique_id + " (" + victim.change + ")");
      await done();
    },
  },
  {
    name: "export all tabs as one JSON file, read back by `navlayer validate`; SVG equal to `navlayer render`, PDF annotated only; dark theme",
    async run({ base, browser, api, bin, data }) {
      await api.store("ex-1", layer("Export one", [{ techniqueID: "T1566", tactic: "initial-access", score: 10, color: "#31a354" }]));
      await api.store("ex-2", layer("Export two", [{ techniqueID: "T1059", tactic: "execution", comment: "c" }]));
      const { page, done } = await newPage(browser, base, { colorScheme: "dark" });
      await openLayer(page, base, "ex-1");
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "follows the system");
      await page.getByRole("button", { name: /^Export two/ }).click();
      await page.getByRole("tab", { name: "Export two" }).waitFor();
      await page.getByRole("button", { name: "Export", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Export" });
      await dialog.getByLabel("Format").selectOption("json");
      await dialog.getByLabel("Layers").selectOption("all");
      const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export", exact: true }).click()]);
      const dir = mkdtempSync(join(tmpdir(), "navlayer-ex-"));
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const layers = JSON.parse(readFileSync(file, "utf8"));
      assert.equal(layers.length, 2);
      assert.deepEqual(layers.map((l) => l.name), ["Export one", "Export two"]);
      execFileSync(bin, ["--offline", "--data", data, "validate", file], { encoding: "utf8" });

      // SVG through the render crate with the dialog's options: the same file `navlayer render`
      // writes with the same options (flat, dark, A4 portrait, no legend, annotated only).
      await page.getByRole("button", { name: "Export", exact: true }).click();
      await dialog.getByLabel("Format").selectOption("svg");
      await dialog.getByLabel("Drawing").selectOption("flat");
      await dialog.getByLabel("Theme").selectOption("dark");
      await dialog.getByLabel("Size").selectOption("a4");
      await dialog.getByLabel("Orientation").selectOption("portrait");
      await dialog.getByLabel("Sub-techniques").selectOption("all");
      await dialog.getByLabel("legend", { exact: true }).uncheck();
      await dialog.getByLabel("Annotated techniques only").check();
      const [svgDl] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export", exact: true }).click()]);
      const svgFile = join(dir, svgDl.suggestedFilename());
      await svgDl.saveAs(svgFile);
      const svg = readFileSync(svgFile, "utf8");
      assert.ok(svg.includes("<svg"), "an SVG");
      assert.ok(/#1a1a23/i.test(svg), "rendered with the dark theme (the render crate's dark background)");
      const [w, h] = (svg.match(/viewBox="0 0 ([\d.]+) ([\d.]+)"/) || []).slice(1).map(Number);
      assert.ok(h > w, "portrait: " + w + "x" + h);
      const stored = join(dir, "ex-2.json");
      writeFileSync(stored, JSON.stringify(await api.layer("ex-2")));
      const cliSvg = join(dir, "cli.svg");
      execFileSync(bin, ["--offline", "--data", data, "render", stored, "-o", cliSvg, "--layout", "flat", "--theme", "dark", "--page", "a4",
        "--orientation", "portrait", "--subtechniques", "all", "--no-legend", "--annotated-only", "--show-id", "false", "--show-name", "true"], { stdio: "pipe" });
      assert.equal(svg, readFileSync(cliSvg, "utf8"), "the dialog's SVG is `navlayer render` with the same options");

      // PDF, annotated only: the one annotated technique of "Export two" is drawn, nothing else.
      await page.getByRole("button", { name: "Export", exact: true }).click();
      await dialog.getByLabel("Format").selectOption("pdf");
      assert.ok(await dialog.getByLabel("PDF pages").isVisible(), "PDF options shown for PDF");
      const [pdfDl] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export", exact: true }).click()]);
      assert.equal(pdfDl.suggestedFilename(), "ex-2.pdf");
      const pdfFile = join(dir, "ex-2.pdf");
      await pdfDl.saveAs(pdfFile);
      assert.equal(readFileSync(pdfFile).subarray(0, 5).toString(), "%PDF-");
      const text = execFileSync("pdftotext", [pdfFile, "-"], { encoding: "utf8" });
      assert.match(text, /Command and Scripting/, "the annotated technique is drawn");
      assert.doesNotMatch(text, /Phishing|Valid Accounts/, "annotated only: no other technique");
      await page.getByRole("button", { name: "Export", exact: true }).click();
      await dialog.getByLabel("Annotated techniques only").uncheck();
      const [fullDl] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export", exact: true }).click()]);
      await fullDl.saveAs(join(dir, "full.pdf"));
      assert.match(execFileSync("pdftotext", [join(dir, "full.pdf"), "-"], { encoding: "utf8" }), /Phishing/, "the whole matrix otherwise");
      await page.getByRole("button", { name: "Export", exact: true }).click();
      await dialog.waitFor();
      await page.screenshot({ path: join(process.env.OUT_DIR, "web-export-dialog.png") });
      if (process.env.DOC_SHOTS) await page.screenshot({ path: join(process.env.DOC_SHOTS, "web-export-dialog.png") });
      await dialog.getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("tab", { name: "Export one" }).click();
      const c = cell(page, "T1566", "initial-access");
      assert.equal(await c.evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(49, 163, 84)", "cells keep the layer's colour");
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, "rgb(22, 24, 28)");
      await page.screenshot({ path: join(process.env.OUT_DIR, "web-dark.png") });
      if (process.env.DOC_SHOTS) await page.screenshot({ path: join(process.env.DOC_SHOTS, "web-dark.png") });
      // The manual switch: system → light → dark → system.
      await page.getByRole("button", { name: /^Theme/ }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
      await page.getByRole("button", { name: /^Theme/ }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await done();
    },
  },
];
