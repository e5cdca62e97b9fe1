// Shared helpers of the browser suite: the navlayer server under test, the browser, pages with
// error capture, and the API calls the tests use to prepare and check data.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** Starts `navlayer serve` on a free loopback port with a fresh database. */
export async function startServer({ bin, data, extraArgs = [] }) {
  const dir = mkdtempSync(join(tmpdir(), "navlayer-browser-"));
  const port = await freePort();
  const args = ["--data", data, "serve", "--addr", "127.0.0.1:" + port, "--db", join(dir, "layers.sqlite"), ...extraArgs];
  const proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  const base = "http://127.0.0.1:" + port;
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error("navlayer serve exited: " + log);
    try { if ((await fetch(base + "/api/health")).ok) break; } catch (_) { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base, dir, proc,
    log: () => log,
    async stop() { proc.kill("SIGTERM"); await new Promise((r) => proc.once("exit", r)); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Launches Debian's chromium headless. */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh page on the server: page errors and requests outside the server are collected and
 * checked by `done()`.
 */
export async function newPage(browser, base, { viewport = { width: 1600, height: 1000 }, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport, colorScheme });
  const page = await context.newPage();
  const errors = [];
  const outside = [];
  page.on("pageerror", (e) => errors.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error" && !/404|Failed to load resource/.test(m.text())) errors.push("console: " + m.text()); });
  page.on("request", (r) => { const u = r.url(); if (!u.startsWith(base) && !u.startsWith("blob:") && !u.startsWith("data:")) outside.push(u); });
  return {
    page, context,
    async done() {
      await context.close();
      if (errors.length) throw new Error(errors.join("\n"));
      if (outside.length) throw new Error("the UI requested something outside the server: " + outside.join(", "));
    },
  };
}

/** The API of the server under test (JSON in, JSON out). */
export function api(base) {
  const call = async (method, path, body, headers = {}) => {
    const h = { ...headers };
    if (body !== undefined) h["Content-Type"] = "application/json";
    const r = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : (typeof body === "string" ? body : JSON.stringify(body)) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
    if (!r.ok) throw new Error(method + " " + path + " -> " + r.status + ": " + text.slice(0, 300));
    return { status: r.status, json, text, headers: r.headers };
  };
  return {
    call,
    get: (p) => call("GET", p).then((r) => r.json),
    post: (p, b) => call("POST", p, b).then((r) => r.json),
    /** Stores a layer under a key; returns the key. */
    async store(key, layer) { await call("POST", "/api/layers?key=" + encodeURIComponent(key), layer); return key; },
    /** Imports a layer as an upload does (stored with its findings, even unsafe links). */
    async import(key, layer) { await call("POST", "/api/import?key=" + encodeURIComponent(key), layer); return key; },
    layer: (key) => call("GET", "/api/layers/" + encodeURIComponent(key)).then((r) => r.json),
    view: (layer) => call("POST", "/api/view", layer).then((r) => r.json),
  };
}

/** Runs the navlayer CLI and returns its stdout. */
export function cli(bin, data, args) {
  return execFileSync(bin, ["--offline", "--data", data, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

/** Writes a JSON file into a temporary folder and returns its path. */
export function writeJson(dir, name, value) {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value, null, 2));
  return p;
}

/**
 * Opens a stored layer in the UI and waits, in the page, for the matrix to be painted and every
 * column built (a first draw builds what is in view; the grid is busy until the rest is). The
 * wait is a timer in the page, not `waitForFunction`: nothing of Playwright's runs in the page
 * during the load (its selector engine script took ~22 ms of the main thread in the middle of
 * the load the benchmark measures).
 */
export async function openLayer(page, base, key) {
  await page.goto(base + "/?layer=" + encodeURIComponent(key), { waitUntil: "commit" });
  await page.evaluate((k) => new Promise((resolve, reject) => {
    const until = performance.now() + 30000;
    const tick = () => {
      if (typeof window.navlayerPainted === "number" && document.getElementById("matrix")?.getAttribute("aria-busy") !== "true") resolve(undefined);
      else if (performance.now() > until) reject(new Error("layer " + k + " was not drawn; status: " + document.getElementById("status")?.textContent));
      else setTimeout(tick, 20);
    };
    tick();
  }), key);
}

/** The grid cell of a technique under a tactic (found by role and accessible name). */
export function cell(page, id, tactic) {
  const name = new RegExp("^" + id.replace(/\./g, "\\.") + " ");
  const loc = page.getByRole("gridcell", { name });
  return tactic ? loc.and(page.locator(`[data-tactic="${tactic}"]`)) : loc.first();
}

/** Selected cells as "ID|tactic", sorted. */
export function selectedKeys(page) {
  return page.evaluate(() => [...document.querySelectorAll('#matrix [role=gridcell][aria-selected="true"]')].map((e) => e.dataset.key).sort());
}

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A minimal valid layer on enterprise 18. */
export function layer(name, techniques = [], extra = {}) {
  return { name, versions: { attack: "18", navigator: "5.1.0", layer: "4.5" }, domain: "enterprise-attack", techniques, ...extra };
}

/**
 * Waits until the page has drawn the next frame and run the tasks queued for after it (the
 * editor fills its fields a frame after the selection changed).
 */
export function settled(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(undefined), 0))));
}
