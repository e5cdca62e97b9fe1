// In-page timing for the benchmarks: from an input event's timestamp to the frame after the
// page has handled it (requestAnimationFrame, then a message: the frame has been painted).

/**
 * Arms a one-shot measurement of the next `type` event on the document (with `key`: the next
 * keyboard event of that key, so Ctrl+A is timed from the "a", not from the Control key's own
 * keydown); returns a promise of ms.
 */
export async function armNext(page, type, key) {
  await page.evaluate(([t, k]) => {
    window.__bench = new Promise((resolve) => {
      const on = (ev) => {
        if (k && ev.key !== k) return;
        document.removeEventListener(t, on, { capture: true });
        const start = ev.timeStamp;
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(performance.now() - start);
          ch.port2.postMessage(0);
        });
      };
      document.addEventListener(t, on, { capture: true });
    });
  }, [type, key || null]);
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
