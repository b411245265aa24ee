// End-to-end: live feeds kept in IndexedDB. A feed added once comes back after a reload with
// its saved trades, connects again, and backfills what the venue published while the page
// was away, so the ids it holds stay one unbroken run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, until } from './harness.mjs';
import { startFeedsim } from './feedsim.mjs';

const KEY = 'binance:BTCUSDT';
const ROW = `[data-testid="feed-row"][data-feed-key="${KEY}"]`;
let env;
let sim;
before(async () => {
  sim = await startFeedsim(['--rate', '60', '--max-seconds', '900']);
  env = await launch();
});
after(async () => {
  await env?.close();
  await sim?.close();
});

const rowData = (page) => page.evaluate((sel) => ({ ...document.querySelector(sel)?.dataset }), ROW);

test('a feed comes back after a reload with its saved trades, and the time away is backfilled', async (t) => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  await page.selectOption('[data-testid="venue-select"]', 'binance');
  await page.fill('[data-testid="venue-symbol"]', 'BTC-USD');
  await page.fill('[data-testid="venue-ws-base"]', sim.ws);
  await page.click('[data-testid="venue-add"]');
  await until(page, (sel) => Number(document.querySelector(sel)?.dataset.accepted) >= 40, ROW, 15_000);
  const before = await rowData(page);
  await page.reload();
  // The feed is listed again without being added, restores, then connects.
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected', ROW, 15_000);
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) > 0, ROW, 15_000);
  const d = await until(page, (sel) => {
    const d = document.querySelector(sel).dataset;
    const held = Number(d.restored) + Number(d.accepted);
    return held === Number(d.lastId) - Number(d.firstId) + 1 && Number(d.gapsFilled) > 0 ? { ...d } : null;
  }, ROW, 20_000);
  // Everything accepted before the reload and saved (a batch saves within a tick) came back.
  assert.ok(Number(d.restored) >= Number(before.accepted) - 60, `restored ${d.restored} of ${before.accepted}`);
  assert.equal(d.firstId, before.firstId, 'history starts where it started');
  assert.equal(Number(d.gapsUnfilled), 0);
  t.diagnostic(`restored ${d.restored}, then ${d.accepted} live, ${d.gapsFilled} backfilled, ids ${d.firstId}..${d.lastId}`);
  assert.deepEqual(problems, []);
  await context.close();
});
