// End-to-end: the orders demo persists in IndexedDB, survives a reload without generating
// its history twice, and exports download under the production CSP. One behaviour per test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, openPage, until } from './harness.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/**
 * Runs in the page: the trades stored in its database (total, distinct ids, latest time) once
 * more than `min` are stored, else false.
 */
function storedMoreThan(min) {
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
          // Chunk layout: n at byte 8, ids (u64, little-endian) from byte 64.
          const bytes = r.data;
          const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
          const start = bytes.byteOffset + 64;
          new BigUint64Array(bytes.buffer.slice(start, start + 8 * n)).forEach((id) => ids.add(id));
          count += n;
          latest = Math.max(latest, r.time_max);
        }
        db.close();
        resolve(count > min ? { count, distinct: ids.size, latest } : false);
      };
      req.onerror = () => reject(req.error);
    };
  });
}

/** Waits (frame by frame, up to `timeout` ms) until more than `min` trades are stored. */
async function waitStored(page, min, timeout = 15_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const s = await page.evaluate(storedMoreThan, min);
    if (s) return s;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
  throw new Error(`never more than ${min} trades stored`);
}

const kpiCount = (page) => page.evaluate(() => Number(document.querySelector('[data-testid="kpi-count"]')?.dataset.value ?? 0));

test('a reload restores the saved orders and the demo goes on without duplicates', async (t) => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="kpi-count"]')?.dataset.value);
  // The first visit saves the generated history (and then every 2 s).
  const first = await waitStored(page, 1000);
  assert.equal(first.distinct, first.count);
  await page.reload();
  await until(page, (n) => Number(document.querySelector('[data-testid="kpi-count"]')?.dataset.value ?? 0) >= n, first.count, 15_000);
  // The restored demo saves its new orders after the stored ones, with new ids.
  const later = await waitStored(page, first.count);
  assert.equal(later.distinct, later.count, 'an id was stored twice');
  // Only the gap since the last save was generated: not a second 24 h history.
  assert.ok(later.count < first.count * 1.5, `${later.count} stored after the reload, ${first.count} before`);
  assert.ok(later.latest >= first.latest);
  t.diagnostic(`${first.count} trades stored before the reload, ${later.count} after`);
  assert.ok((await kpiCount(page)) >= later.count);
  assert.deepEqual(problems, []);
  await context.close();
});

test('trades download as CSV under the page CSP', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="kpi-count"]')?.dataset.value);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-trades-csv"]')]);
  assert.match(download.suggestedFilename(), /^tradelens-orders-trades\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /^id,time,price,qty,side,symbol,category,region,channel,customer\r?\n/);
  assert.ok(text.split('\n').length > 100);
  assert.deepEqual(problems, []);
  await context.close();
});
