// In-page timing for the benchmarks: from an input event's timestamp to the frame after the
// page has handled it (requestAnimationFrame, then a message: the frame has been painted).

/** Arms a one-shot measurement of the next `type` event on the document; returns a promise of ms. */
export async function armNext(page, type) {
  await page.evaluate((t) => {
    window.__bench = new Promise((resolve) => {
      document.addEventListener(t, (ev) => {
        const start = ev.timeStamp;
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(performance.now() - start);
          ch.port2.postMessage(0);
        });
      }, { capture: true, once: true });
    });
  }, type);
}

/** The measurement armed by `armNext`, in ms. */
export function measured(page) {
  return page.evaluate(() => window.__bench);
}

/** JS heap in use after a full garbage collection, in bytes (Chrome DevTools Protocol). */
export async function heapAfterGc(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return usedSize;
}
