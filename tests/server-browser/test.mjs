// Browser test of `navlayer serve`: Playwright (playwright-core) driving Debian's chromium.
// Usage: node test.mjs BASE_URL OUT_DIR   (run.sh starts the server and calls this)
import { chromium } from "playwright-core";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

const base = process.argv[2];
const outDir = process.argv[3] || tmpdir();
assert.ok(base, "usage: node test.mjs BASE_URL [OUT_DIR]");

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
const layer = {
  name: "Browser test <b>layer</b>",
  versions: { attack: "18", navigator: "5.1.0", layer: "4.5" },
  domain: "enterprise-attack",
  description: "uploaded by the browser test",
  techniques: [
    { techniqueID: "T1059", tactic: "execution", score: 3, comment: XSS },
  ],
  gradient: { colors: ["#ffffff", "#ff6666"], minValue: 0, maxValue: 100 },
};
const work = mkdtempSync(join(tmpdir(), "navlayer-browser-"));
const file = join(work, "browser-layer.json");
writeFileSync(file, JSON.stringify(layer, null, 2));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const failures = [];
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const outside = [];
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) outside.push(r.url()); });
  page.on("pageerror", (e) => failures.push("page error: " + e.message));
  page.on("dialog", (d) => d.dismiss());

  // 1. Open the UI, upload a layer.
  await page.goto(base + "/");
  await page.setInputFiles("#upload", file);
  await page.waitForFunction((n) => document.getElementById("layer-title").textContent === n, layer.name, { timeout: 60000 });
  console.log("uploaded; title shown as text:", await page.textContent("#layer-title"));

  // 2. Script in a comment is shown as text, never run or parsed.
  const t1059 = page.locator('.cell[data-id="T1059"][data-tactic="execution"]');
  await t1059.locator(".label").hover();
  await page.waitForSelector("#tooltip:not([hidden])");
  const tip = await page.textContent("#tooltip");
  assert.ok(tip.includes("Comment: " + XSS), "the tooltip shows the comment as text: " + tip);
  assert.equal(await page.evaluate(() => window.__xss), undefined, "script in a comment ran");
  assert.equal(await page.locator("#tooltip img, #tooltip script, #matrix img, #matrix script, #layer-title b").count(), 0, "layer text was parsed as markup");
  await page.mouse.move(5, 5);

  // 3. Set a score on a technique, save.
  const cell = page.locator('.cell[data-id="T1566"][data-tactic="initial-access"]');
  const before = await cell.evaluate((e) => getComputedStyle(e).backgroundColor);
  await cell.locator(".label").click();
  await page.fill("#sel-score", "42");
  await page.click("#apply");
  await page.waitForFunction(() => {
    const c = document.querySelector('.cell[data-id="T1566"][data-tactic="initial-access"]');
    return c && c.querySelector(".score") && c.querySelector(".score").textContent === "42";
  });
  const after = await cell.evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(after, before, "the cell takes the gradient colour of its score");
  await page.click("#save");
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("Saved revision 2"));
  console.log("saved revision 2; cell colour", before, "->", after);

  // 4. Reload: the score persisted, two revisions are listed.
  await page.goto(base + "/?layer=browser-layer");
  await page.waitForSelector('.cell[data-id="T1566"][data-tactic="initial-access"] .score');
  assert.equal(await cell.locator(".score").textContent(), "42", "score persisted");
  assert.equal(await cell.evaluate((e) => getComputedStyle(e).backgroundColor), after);
  await page.waitForSelector('#revisions li[data-revision="2"]');
  assert.equal(await page.locator("#revisions li").count(), 2, "two revisions listed");
  assert.ok((await page.textContent("#revision-label")).includes("revision 2"));
  console.log("after reload: score 42, revisions", await page.locator("#revisions li strong").allTextContents());

  // 5. Download SVG.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click('button.download[data-format="svg"]'),
  ]);
  const svgPath = join(work, "download.svg");
  await download.saveAs(svgPath);
  const svg = readFileSync(svgPath, "utf8");
  assert.ok(svg.includes("<svg"), "an SVG was downloaded");
  assert.ok(svg.includes("T1566"), "the SVG holds the matrix");
  assert.ok(!svg.includes("<script>window.__xss"), "the SVG escapes the comment");
  assert.equal(download.suggestedFilename(), "browser-layer.svg");
  console.log("downloaded", download.suggestedFilename(), svg.length, "bytes");

  // Expand sub-techniques and take a screenshot for the record.
  await page.locator('.cell[data-id="T1059"][data-tactic="execution"] .toggle').click();
  await page.waitForSelector('.cell[data-id="T1059.001"][data-tactic="execution"]');
  await page.locator('.cell[data-id="T1059.001"][data-tactic="execution"] .label').hover();
  await page.waitForSelector("#tooltip:not([hidden])");
  await page.screenshot({ path: join(outDir, "navlayer-ui.png"), fullPage: false });
  console.log("screenshot:", join(outDir, "navlayer-ui.png"));

  assert.deepEqual(outside, [], "the UI requested something outside the server");
} catch (e) {
  failures.push(e.stack || String(e));
} finally {
  await browser.close();
}
if (failures.length) {
  console.error("FAILED:\n" + failures.join("\n"));
  process.exit(1);
}
console.log("browser test passed");
