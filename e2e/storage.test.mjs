// End-to-end: the orders demo persists in IndexedDB, survives a reload without generating
// its history twice, and exports download under the production CSP. One behaviour per test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, openPage, until } from './harness.mjs';
import { waitStored } from './stored.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

const kpiCount = (page) => page.evaluate(() => Number(document.querySelector('[data-testid="kpi-count"]')?.dataset.value ?? 0));

test('a reload restores the saved orders and the demo goes on without duplicates', async (t) => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="kpi-count"]')?.dataset.value);
  // The first visit saves the generated history (and then every 2 s).
  const first = await waitStored(page, 1000);
  assert.equal(first.distinct, first.count);
  await page.reload();
  // Until the restore, the page shows a freshly generated day; then the saved one.
  const restored = await until(page, () => Number(document.querySelector('[data-testid="storage-usage"]')?.dataset.demoRestored), undefined, 15_000);
  assert.ok(restored >= first.count, `${restored} restored, ${first.count} stored before`);
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

/** Runs in the page: the lowest chunk id stored for the orders demo, or null. */
function lowestDemoChunk() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('tradelens');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('chunks').objectStore('chunks').getAllKeys();
      req.onsuccess = () => {
        const ids = req.result.filter((k) => k[0] === 'demo:orders').map((k) => k[1]);
        db.close();
        resolve(ids.length ? Math.min(...ids) : null);
      };
      req.onerror = () => reject(req.error);
    };
  });
}

test('the storage panel shows sizes, sets retention, and clears a feed after confirmation', async (t) => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  const first = await waitStored(page, 1000);
  await page.click('[data-testid="storage-panel"] summary');
  const row = '[data-testid="storage-feed"][data-feed="demo:orders"]';
  const trades = () => page.evaluate((sel) => Number(document.querySelector(sel)?.dataset.trades ?? -1), row);
  await until(page, ([sel, n]) => Number(document.querySelector(sel)?.dataset.trades ?? 0) >= n, [row, first.count]);
  await page.click(`${row} [data-testid="storage-edit"]`);
  // Nonsense is refused with a message, and nothing changes.
  await page.fill('[data-testid="retention-days"]', '7');
  await page.fill('[data-testid="retention-rollups"]', '1');
  await page.click('[data-testid="retention-save"]');
  await until(page, () => document.querySelector('[data-testid="retention-error"]')?.textContent.includes('keep them at least as long'));
  await page.fill('[data-testid="retention-days"]', '');
  await page.fill('[data-testid="retention-rollups"]', '');
  await page.fill('[data-testid="retention-rows"]', '100');
  await page.click('[data-testid="retention-save"]');
  await until(page, () => document.querySelector('[data-testid="storage-message"]')?.textContent.includes('Retention of demo:orders saved'));
  await until(page, ([sel, n]) => Number(document.querySelector(sel)?.dataset.trades ?? n) < n, [row, first.count], 10_000);
  const kept = await trades();
  assert.match(await page.textContent(`${row} [data-testid="storage-keeps"]`), /100 trades; summaries forever/);
  const lowest = await page.evaluate(lowestDemoChunk);
  assert.ok(lowest > 0, `retention kept chunk ${lowest}`);

  // Back to keeping everything (blank fields), so what the clear leaves is plain to see.
  await page.click(`${row} [data-testid="storage-edit"]`);
  await page.fill('[data-testid="retention-rows"]', '');
  await page.click('[data-testid="retention-save"]');
  await until(page, (sel) => document.querySelector(sel)?.textContent.includes('everything') || document.querySelector(sel)?.textContent.includes('all trades'), `${row} [data-testid="storage-keeps"]`);

  // The confirmation takes the focus on Cancel; Escape closes it and deletes nothing.
  await page.click(`${row} [data-testid="storage-clear"]`);
  await until(page, () => document.activeElement?.dataset.testid === 'storage-confirm-cancel');
  assert.match(await page.textContent('[data-testid="storage-confirm"]'), /Delete the [\d,]+ saved trades .* demo:orders/);
  await page.keyboard.press('Escape');
  await until(page, () => !document.querySelector('[data-testid="storage-confirm"]'));
  assert.equal(await page.evaluate(lowestDemoChunk), lowest);

  // Delete: the page reloads, and the demo's chunks start again from 0 (nothing was left;
  // the demo saves its history afresh).
  await page.click(`${row} [data-testid="storage-clear"]`);
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="storage-confirm-delete"]')]);
  await waitStored(page, 0);
  assert.equal(await page.evaluate(lowestDemoChunk), 0);
  t.diagnostic(`${first.count} stored, ${kept} kept under a 100-trade limit, then cleared`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an export holds the trades of the chosen range and group only', async (t) => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelectorAll('[data-testid="export-only"] option').length > 2);
  const csv = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testid}"]`)]);
    const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
    const header = lines[0].split(',');
    return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
  };
  const all = await csv('export-trades-csv');
  const field = await page.evaluate(() => document.querySelector('[data-testid="group-select"]').value || 'symbol');
  const group = await page.evaluate(() => document.querySelectorAll('[data-testid="export-only"] option')[1].value);
  await page.selectOption('[data-testid="export-range"]', '1h');
  await page.selectOption('[data-testid="export-only"]', group);
  const t0 = await page.evaluate(() => Date.now());
  const some = await csv('export-trades-csv');
  const t1 = await page.evaluate(() => Date.now());
  assert.ok(some.length > 0 && some.length < all.length, `${some.length} of ${all.length}`);
  for (const r of some) {
    assert.equal(r[field], group);
    assert.ok(Date.parse(r.time) >= t0 - 3_600_000, r.time);
  }
  // Every trade of the first export that the filter must keep is there.
  const ids = new Set(some.map((r) => r.id));
  const expected = all.filter((r) => r[field] === group && Date.parse(r.time) >= t1 - 3_600_000);
  assert.ok(expected.length > 0);
  for (const r of expected) assert.ok(ids.has(r.id), `trade ${r.id} missing`);
  // Aggregates of one group need the dashboard grouped by its field.
  if (field === 'symbol' && (await page.evaluate(() => document.querySelector('[data-testid="group-select"]').value)) === '') {
    await page.click('[data-testid="export-aggregates-csv"]');
    await until(page, () => document.querySelector('[data-testid="export-error"]')?.textContent.includes('Aggregates are not grouped'));
    await page.selectOption('[data-testid="group-select"]', 'symbol');
  }
  // Aggregates: only that group's rows, buckets in the range.
  const rows = await csv('export-aggregates-csv');
  assert.ok(rows.length > 0);
  for (const r of rows) {
    assert.equal(r.group, group);
    assert.ok(Date.parse(r.bucket_start) >= t0 - 3_600_000, r.bucket_start);
  }
  t.diagnostic(`${all.length} trades in all, ${some.length} of ${field} ${group} in the last hour`);
  assert.deepEqual(problems, []);
  await context.close();
});
