// End-to-end: a browser storage quota far too small (set through the DevTools protocol).
// When a batch does not fit, the writer deletes the feed's oldest chunks, says so in the
// banner, and saves the batch again; ingest goes on; every stored chunk is whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './harness.mjs';
import { simulatorAndBrowser } from './feedsim.mjs';

const KEY = 'binance:BTCUSDT';
const ROW = `[data-testid="feed-row"][data-feed-key="${KEY}"]`;
const ctx = simulatorAndBrowser(['--rate', '5000', '--max-seconds', '600']);

/** Runs in the page: per stored chunk of `feed`, its trade count in the record and in its data. */
function chunks(feed) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('tradelens');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('chunks').objectStore('chunks').getAll();
      req.onsuccess = () => {
        db.close();
        resolve(req.result.filter((r) => r.feed === feed).map((r) => ({
          id: r.chunk_id,
          count: r.count,
          inData: new DataView(r.data.buffer, r.data.byteOffset).getUint32(8, true),
        })));
      };
      req.onerror = () => reject(req.error);
    };
  });
}

test('with a tiny quota the banner says so, old chunks make room, and ingest resumes', async (t) => {
  const context = await ctx.env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // 1.5 MB: not even the demo's first day of orders fits; the live feed fills the rest within
  // a minute. (navigator.storage.estimate() goes on reporting the disk's quota: the override
  // shows only in writes failing.)
  const cdp = await context.newCDPSession(page);
  const origin = new URL(ctx.env.server.url).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1.5 * 2 ** 20 });
  await page.goto(ctx.env.server.url);
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  await page.selectOption('[data-testid="venue-select"]', 'binance');
  await page.fill('[data-testid="venue-symbol"]', 'BTC-USD');
  await page.fill('[data-testid="venue-ws-base"]', ctx.sim.ws);
  await page.click('[data-testid="venue-add"]');
  const banner = await until(page, () => {
    const text = document.querySelector('[data-testid="storage-banner"]')?.textContent ?? '';
    return /storage was full/.test(text) ? text : null;
  }, null, 120_000);
  t.diagnostic(banner);
  assert.match(banner, /Browser storage was full: deleted the \d+ oldest chunks of [\w:]+ and saved again\./);
  // Ingest resumes: the feed keeps saving after the banner.
  const saved = Number(await page.getAttribute(ROW, 'data-saved'));
  await until(page, ([sel, n]) => Number(document.querySelector(sel).dataset.saved) > n + 1000, [ROW, saved], 30_000);
  // No partial batch: every stored chunk holds exactly the trades its record says.
  for (const feed of [KEY, 'demo:orders']) {
    const stored = await page.evaluate(chunks, feed);
    for (const c of stored) assert.equal(c.inData, c.count, `${feed} chunk ${c.id}`);
  }
  const usage = await page.textContent('[data-testid="storage-usage"]');
  t.diagnostic(usage);
  assert.deepEqual(problems, []);
  await context.close();
});
