// What the page's IndexedDB holds of the orders demo: its trades in the `chunks` store, read
// in the page. Shared
// by the tests that check persistence (storage.test.mjs, hostile.test.mjs).
/**
 * Runs in the page: the stored trades (total, distinct ids, latest time, highest id, and the
 * count and sum of the ids up to `upTo` when given) once more than `min` are stored, else
 * false.
 */
function storedMoreThan([min, upTo]) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('tradelens');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('chunks')) {
        db.close();
        resolve(false);
        return;
      }
      const req = db.transaction('chunks').objectStore('chunks').getAll();
      req.onsuccess = () => {
        const ids = new Set();
        let count = 0;
        let latest = 0;
        for (const r of req.result) {
          // The demo's trades only: imported files and live feeds are stored too.
          if (r.feed !== 'demo:orders') continue;
          // Chunk layout: n at byte 8, ids (u64, little-endian) from byte 64.
          const bytes = r.data;
          const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
          const start = bytes.byteOffset + 64;
          new BigUint64Array(bytes.buffer.slice(start, start + 8 * n)).forEach((id) => ids.add(id));
          count += n;
          latest = Math.max(latest, r.time_max);
        }
        db.close();
        let maxId = 0n;
        let below = { count: 0, sum: 0n };
        for (const id of ids) {
          if (id > maxId) maxId = id;
          if (upTo !== undefined && id <= BigInt(upTo)) below = { count: below.count + 1, sum: below.sum + id };
        }
        const summary = { count, distinct: ids.size, latest, maxId: String(maxId), upTo: { count: below.count, sum: String(below.sum) } };
        resolve(count > min ? summary : false);
      };
      req.onerror = () => reject(req.error);
    };
  });
}

/**
 * Waits (frame by frame, up to `timeout` ms: the first save of a day of orders takes seconds on a busy machine) until more than `min` trades are stored; resolves
 * to the summary. With `upTo` (an id, as a string), it also counts and sums the stored ids up
 * to it: what was stored before stays stored exactly when both are unchanged.
 */
export async function waitStored(page, min, { upTo, timeout = 60_000 } = {}) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const s = await page.evaluate(storedMoreThan, [min, upTo]);
    if (s) return s;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
  throw new Error(`never more than ${min} trades stored`);
}
