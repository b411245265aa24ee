// End-to-end: live feeds kept in IndexedDB. A feed added once comes back after a reload with
// its saved trades, connects again, and backfills what the venue published while the page
// was away, so the ids it holds stay one unbroken run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, openPageIn, until } from './harness.mjs';
import { simulatorAndBrowser } from './feedsim.mjs';

const KEY = 'binance:BTCUSDT';
const ROW = `[data-testid="feed-row"][data-feed-key="${KEY}"]`;
const ctx = simulatorAndBrowser(['--rate', '60', '--max-seconds', '900']);

const rowData = (page) => page.evaluate((sel) => ({ ...document.querySelector(sel)?.dataset }), ROW);

test('a feed comes back after a reload with its saved trades, and the time away is backfilled', async (t) => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  await page.selectOption('[data-testid="venue-select"]', 'binance');
  await page.fill('[data-testid="venue-symbol"]', 'BTC-USD');
  await page.fill('[data-testid="venue-ws-base"]', ctx.sim.ws);
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

test('two tabs on one feed: one connection; closing the holder moves it to the other within 2 s', async (t) => {
  await ctx.sim.control('clear-sent');
  const context = await ctx.env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const a = await openPageIn(context, ctx.env.server.url);
  await until(a.page, () => document.querySelector('[data-testid="venue-add"]'));
  await a.page.selectOption('[data-testid="venue-select"]', 'binance');
  await a.page.fill('[data-testid="venue-symbol"]', 'BTC-USD');
  await a.page.fill('[data-testid="venue-ws-base"]', ctx.sim.ws);
  await a.page.click('[data-testid="venue-add"]');
  await until(a.page, (sel) => Number(document.querySelector(sel)?.dataset.saved) > 0, ROW, 15_000);
  // The second tab lists the feed, waits in standby, and shows what the first one saves.
  const b = await openPageIn(context, ctx.env.server.url);
  await until(b.page, (sel) => document.querySelector(sel)?.dataset.state === 'standby', ROW, 15_000);
  const shown = Number(await b.page.getAttribute(ROW, 'data-restored'));
  await until(b.page, ([sel, n]) => Number(document.querySelector(sel).dataset.restored) > n, [ROW, shown], 15_000);
  const open = async () => (await ctx.sim.sent('venue=binance')).connections.filter((c) => c.open).length;
  assert.equal(await open(), 1, 'the simulator sees one connection for two tabs');
  // Closing the holder: the other tab connects within 2 s.
  const closed = Date.now();
  await a.page.close();
  await until(b.page, (sel) => document.querySelector(sel).dataset.state === 'connected', ROW, 2_000);
  t.diagnostic(`connection moved in ${Date.now() - closed} ms`);
  await until(b.page, (sel) => Number(document.querySelector(sel).dataset.accepted) > 0, ROW);
  assert.equal(await open(), 1, 'still one connection, now the second tab\'s');
  assert.deepEqual([...a.problems, ...b.problems], []);
  await context.close();
});
