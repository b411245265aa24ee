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
