// Browser test of `navlayer render --format html`: opens the page offline in headless Chromium,
// clicks a technique and reads its comment, expands sub-techniques, searches, and checks that a
// hostile layer executes nothing. Usage: node html.test.mjs PAGE.html HOSTILE.html
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const [page1, hostile] = process.argv.slice(2);
if (!page1 || !hostile) {
  console.error('usage: node html.test.mjs PAGE.html HOSTILE.html');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failures = 0;
async function check(name, fn) {
  try { await fn(); console.log(`ok   ${name}`); }
  catch (e) { failures++; console.log(`FAIL ${name}\n     ${e.message}`); }
}
try {
  const context = await browser.newContext({ offline: true, javaScriptEnabled: true });
  const requests = [];
  const page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(page1).href);

  await check('click a technique shows its comment', async () => {
    const cell = page.locator('.t.annotated[data-id]').first();
    const k = await cell.getAttribute('data-k');
    const data = JSON.parse(await page.locator('#navlayer-data').textContent());
    const withComment = data.findIndex((c) => c.comment);
    const target = withComment >= 0 ? page.locator(`.t[data-k="${withComment}"]`) : cell;
    const want = withComment >= 0 ? data[withComment] : data[Number(k)];
    if (await target.isHidden()) {
      const parent = await target.getAttribute('data-parent');
      await page.locator(`.toggle[data-k="${parent}"]`).click();
    }
    await target.click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#detail-title').textContent(), `${want.id} ${want.name}`);
    assert.equal(await page.locator('#detail-comment').textContent(), want.comment || '');
    console.log(`     ${want.id}: ${JSON.stringify((want.comment || '').slice(0, 70))}`);
  });
  await check('expand and collapse sub-techniques', async () => {
    const toggle = page.locator('.toggle[aria-expanded="false"]').first();
    const k = await toggle.getAttribute('data-k');
    const subs = page.locator(`.t[data-parent="${k}"]`);
    assert.ok(await subs.count() > 0);
    assert.ok(await subs.first().isHidden());
    await toggle.click();
    assert.ok(await subs.first().isVisible());
    await page.locator(`.toggle[data-k="${k}"]`).click();
    assert.ok(await subs.first().isHidden());
  });
  await check('search highlights matches', async () => {
    await page.fill('#search', 'powershell');
    const n = await page.locator('.t.match').count();
    assert.ok(n >= 1, `matches: ${n}`);
    assert.match(await page.locator('#match-count').textContent(), /match/);
    await page.fill('#search', '');
  });
  await check('no network requests and no script errors', async () => {
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
  });

  // The hostile layer: nothing may execute.
  const hp = await context.newPage();
  const dialogs = [];
  hp.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await hp.goto(pathToFileURL(hostile).href);
  await check('hostile layer: comment shown as text, nothing executes', async () => {
    const data = JSON.parse(await hp.locator('#navlayer-data').textContent());
    const k = data.findIndex((c) => c.comment && c.comment.includes('<script>'));
    assert.ok(k >= 0, 'hostile comment present');
    await hp.locator(`.t[data-k="${k}"]`).click();
    assert.equal(await hp.locator('#detail-comment').textContent(), data[k].comment);
    assert.equal(await hp.locator('#detail-comment img').count(), 0);
    // Hover every technique and every link-ish element; click the javascript: link labels.
    for (const el of await hp.locator('.t:visible').all()) await el.hover();
    for (const el of await hp.locator('.unsafe-link').all()) await el.click();
    const hrefs = await hp.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    for (const h of hrefs) assert.match(h, /^(https?:|mailto:)/i, `href ${h}`);
    assert.equal(await hp.locator('body script').count(), 2);
    await hp.waitForTimeout(200);
    assert.deepEqual(dialogs, []);
  });
  await check('hostile title is text', async () => {
    assert.match(await hp.title(), /<script>alert/);
  });
} finally {
  await browser.close();
}
if (failures) { console.log(`${failures} check(s) failed`); process.exit(1); }
console.log('all browser checks passed');
