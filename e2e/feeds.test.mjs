// End-to-end: live feeds from the loopback simulator (crates/feedsim), added through the Feeds
// page like a user would. One behaviour per test; every test asserts zero console errors and
// CSP violations (one test expects, and filters, exactly the CORS refusal it provokes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kpis, openPage, openPageIn, until } from './harness.mjs';
import { addBinanceFeed, BINANCE_ROW as ROW, simulatorAndBrowser } from './feedsim.mjs';

const ctx = simulatorAndBrowser();

/** Opens the app, pauses the demo, adds a Binance BTC-USD feed pointing at the simulator. */
async function withBinanceFeed() {
  const opened = await openPage(ctx.env.browser, ctx.env.server.url);
  const { page } = opened;
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  await page.click('[data-testid="pause"]');
  await until(page, () => document.querySelector('[data-testid="pause"]').getAttribute('aria-pressed') === 'true');
  // With the demo paused, the engine's count moves only with the feed's trades.
  opened.baseCount = Number(await page.getAttribute('[data-testid="kpi-count"]', 'data-value'));
  assert.equal(await addBinanceFeed(page, ctx.sim), `Connects to ${ctx.sim.ws}/ws/btcusdt@trade`);
  return opened;
}

const rowData = (page) => page.evaluate((sel) => ({ ...document.querySelector(sel).dataset }), ROW);

test('a Binance feed through the simulator streams trades into the dashboard', async () => {
  const { page, problems, context } = await withBinanceFeed();
  const first = await kpis(page);
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) >= 20, ROW);
  await until(page, (n) => Number(document.querySelector('[data-testid="kpi-count"]').dataset.value) >= n + 20, first['kpi-count']);
  const status = await page.textContent(`${ROW} [data-testid="feed-status"]`);
  assert.match(status, /^Connected · last message [\d.]+ s ago · [\d,]+ trades · [\d.,]+\/s · gaps: 0 filled, 0 unfilled/);
  // The socket lives in the page's socket worker (its messages reach the page in batches).
  const worker = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname === '/socket-worker.js').map((e) => e.initiatorType));
  assert.deepEqual(worker, ['other']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('without its socket worker (a host that did not deploy it), a feed says so and streams from the page', async () => {
  const context = await ctx.env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  let asked = 0;
  await context.route('**/socket-worker.js', (route) => {
    asked += 1;
    return route.fulfill({ status: 404, body: 'not found' });
  });
  const { page, problems } = await openPageIn(context, ctx.env.server.url);
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  assert.equal(await addBinanceFeed(page, ctx.sim), `Connects to ${ctx.sim.ws}/ws/btcusdt@trade`);
  await until(page, (sel) => Number(document.querySelector(sel)?.dataset.accepted) >= 20, ROW);
  assert.equal(asked, 1, 'the worker is tried once, then sockets open in the page');
  // The failure was told, not swallowed: the row counts the error and the reconnect.
  const row = await rowData(page);
  assert.ok(Number(row.errors) >= 1 && Number(row.reconnects) >= 1, JSON.stringify(row));
  assert.deepEqual(problems.filter((p) => !/socket-worker\.js|404/.test(p)), []);
  await context.close();
});

test('a dropped connection shows reconnecting, then connects again', async () => {
  const { page, problems, context } = await withBinanceFeed();
  await page.evaluate((sel) => {
    window.__states = [];
    const row = document.querySelector(sel);
    new MutationObserver(() => window.__states.push(row.dataset.state)).observe(row, { attributes: true, attributeFilter: ['data-state'] });
  }, ROW);
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) > 0, ROW);
  await ctx.sim.control('drop', 'venue=binance');
  await until(page, (sel) => {
    const d = document.querySelector(sel).dataset;
    return d.reconnects === '1' && d.state === 'connected';
  }, ROW, 15_000);
  const states = await page.evaluate(() => window.__states);
  assert.ok(states.includes('reconnecting'), `states seen: ${states}`);
  const before = Number((await rowData(page)).accepted);
  await until(page, ([sel, n]) => Number(document.querySelector(sel).dataset.accepted) > n, [ROW, before]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a gap is filled from REST history, and nothing is lost or counted twice', async () => {
  await ctx.sim.control('clear-sent');
  const { page, problems, context, baseCount } = await withBinanceFeed();
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) >= 10, ROW);
  await ctx.sim.control('gap', 'venue=binance&symbol=BTC-USD&n=7');
  await until(page, (sel) => Number(document.querySelector(sel).dataset.gapsFilled) >= 7, ROW, 15_000);
  // Stop the feed, then compare what the engine holds with what the simulator sent.
  await page.click(`${ROW} [data-testid="feed-pause"]`);
  await until(page, (sel) => document.querySelector(sel).dataset.state === 'paused', ROW);
  const d = await rowData(page);
  const [firstId, lastId, accepted, filled] = [d.firstId, d.lastId, d.accepted, d.gapsFilled].map(Number);
  assert.equal(Number(d.gapsUnfilled), 0);
  assert.equal(filled, 7);
  // No hole and no double count: one accepted trade per id of the range.
  assert.equal(accepted, lastId - firstId + 1);
  const sent = await ctx.sim.sent('venue=binance&ids=1');
  const ids = new Set();
  for (const c of sent.connections.filter((c) => c.path.includes('btcusdt'))) {
    for (const s of Object.values(c.symbols)) {
      assert.equal(s.ids_truncated, false);
      for (const id of s.ids) if (id >= firstId && id <= lastId) ids.add(id);
    }
  }
  // Every id the socket carried, plus the ones the socket skipped and REST filled.
  assert.equal(ids.size + filled, accepted);
  // The engine holds exactly the feed's trades on top of the paused demo's.
  await until(page, (n) => Number(document.querySelector('[data-testid="kpi-count"]').dataset.value) === n, baseCount + accepted);
  const status = await page.textContent(`${ROW} [data-testid="feed-status"]`);
  assert.match(status, /gaps: 7 filled, 0 unfilled/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('when REST history is blocked by CORS, the gap is shown as unfilled', async (t) => {
  const { page, problems, context } = await withBinanceFeed();
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) >= 5, ROW);
  await ctx.sim.control('cors', 'enabled=false');
  try {
    await ctx.sim.control('gap', 'venue=binance&symbol=BTC-USD&n=4');
    await until(page, (sel) => Number(document.querySelector(sel).dataset.gapsUnfilled) >= 4, ROW, 15_000);
  } finally {
    await ctx.sim.control('cors', 'enabled=true');
  }
  const d = await rowData(page);
  assert.equal(Number(d.gapsUnfilled), 4);
  assert.equal(Number(d.gapsFilled), 0);
  const status = await page.textContent(`${ROW} [data-testid="feed-status"]`);
  assert.match(status, /gaps: 0 filled, 4 unfilled/);
  assert.match(status, /CORS/);
  // Chromium logs the refused cross-origin fetch as a console error (and the failed resource
  // load): exactly those are expected here, nothing else.
  const unexpected = problems.filter(
    (p) =>
      !/^console: Access to fetch at 'http:\/\/127\.0\.0\.1:\d+\/api\/v3\/historicalTrades\?.*' from origin 'http:\/\/127\.0\.0\.1:\d+' has been blocked by CORS policy/.test(p) &&
      !/^console: Failed to load resource: net::ERR_FAILED$/.test(p),
  );
  assert.deepEqual(unexpected, []);
  t.diagnostic(`filtered, as expected: ${JSON.stringify(problems)}`);
  await context.close();
});

test('an HTTP NDJSON feed is previewed with its mapping, then polled into the engine', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  const url = `${ctx.sim.http}/orders.ndjson?limit=50`;
  await until(page, () => document.querySelector('[data-testid="http-url"]'));
  await page.fill('[data-testid="http-url"]', url);
  await page.selectOption('[data-testid="http-format"]', 'ndjson');
  await page.fill('[data-testid="http-interval"]', '1');
  await page.click('[data-testid="http-load"]');
  // The preview shows decoded rows, and which source field feeds each column, before ingesting.
  await until(page, () => document.querySelectorAll('[data-testid="add-http"] [data-testid="preview-row"]').length > 0);
  const head = await page.textContent('[data-testid="add-http"] thead');
  for (const m of ['id ← id', 'time ← time', 'price ← price', 'qty ← quantity', 'symbol ← product']) assert.ok(head.includes(m), `${m} in ${head}`);
  assert.equal(await page.$(`[data-testid="feed-row"][data-feed-key="${url}"]`), null, 'nothing added before "Add feed"');
  await page.click('[data-testid="http-add"]');
  const row = `[data-testid="feed-row"][data-feed-key="${url}"]`;
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected' && Number(document.querySelector(sel).dataset.accepted) > 0, row);
  const first = Number(await page.getAttribute(row, 'data-accepted'));
  // New orders arrive on later polls; the ones polled again are deduplicated by id.
  await until(page, ([sel, n]) => Number(document.querySelector(sel).dataset.accepted) > n, [row, first], 15_000);
  // The quality panel counts the same accepted rows (it refreshes within a tick).
  await until(page, ([u, sel]) => {
    const tr = [...document.querySelectorAll('[data-testid="quality-row"]')].find((r) => r.dataset.feed === u);
    const accepted = tr && Number(tr.querySelector('td').textContent.replace(/,/g, ''));
    return accepted > 0 && accepted === Number(document.querySelector(sel).dataset.accepted);
  }, [url, row]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a dropped CSV file is previewed, imported, and its bad rows exported safely', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  const csv = [
    'id,time,price,quantity,product',
    '1,2025-10-07T09:50:26Z,10.5,2,tea',
    '2,2025-10-07T09:51:00Z,12,1,cake',
    '=2+3,2025-10-07T09:52:00Z,oops,1,evil',
    '4,2025-10-07T09:53:00Z,bad,1,<img src=x data-testid=injected>',
    '5,2025-10-07T09:54:00Z,4.5,3,scone',
  ].join('\n');
  await until(page, () => document.querySelector('[data-testid="file-input"]'));
  await page.setInputFiles('[data-testid="file-input"]', { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await until(page, () => document.querySelectorAll('[data-testid="add-file"] [data-testid="preview-row"]').length === 3);
  await page.click('[data-testid="file-import"]');
  const row = '[data-testid="feed-row"][data-feed-key="file:orders.csv"]';
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'done', row);
  assert.equal(await page.getAttribute(row, 'data-accepted'), '3');
  // Quarantined raw text is shown as text, never as markup.
  await until(page, () => document.querySelector('[data-testid="quarantine-count"]')?.textContent === '2');
  assert.equal(await page.$('[data-testid="injected"]'), null);
  assert.ok((await page.textContent('[data-testid="quarantine"]')).includes('<img src=x data-testid=injected>'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="quarantine-export"]')]);
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split('\r\n');
  assert.equal(lines[0], 'reason,feed,position,detail,raw');
  assert.equal(lines.length, 3);
  // The cell beginning with "=" gets a leading apostrophe so a spreadsheet shows it as text.
  assert.ok(lines.some((l) => l.endsWith(`"'=2+3,2025-10-07T09:52:00Z,oops,1,evil"`)), text);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an SSE order stream is sampled from its first event, mapped and ingested', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  const url = `${ctx.sim.http}/sse/orders`;
  await until(page, () => document.querySelector('[data-testid="http-url"]'));
  await page.fill('[data-testid="http-url"]', url);
  await page.selectOption('[data-testid="http-format"]', 'sse');
  // The simulator names its events (`event: order`).
  await page.fill('[data-testid="http-event"]', 'order');
  await page.click('[data-testid="http-load"]');
  await until(page, () => document.querySelectorAll('[data-testid="add-http"] [data-testid="preview-row"]').length === 1, null, 15_000);
  await page.click('[data-testid="http-add"]');
  const row = `[data-testid="feed-row"][data-feed-key="${url}"]`;
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected', row);
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) >= 3, row, 15_000);
  // Pausing closes the stream: the count stops.
  await page.click(`${row} [data-testid="feed-pause"]`);
  await until(page, (sel) => document.querySelector(sel).dataset.state === 'paused', row);
  const stopped = await page.getAttribute(row, 'data-accepted');
  await page.waitForTimeout(1_500);
  assert.equal(await page.getAttribute(row, 'data-accepted'), stopped);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Coinbase and Kraken feeds subscribe and stream through the simulator', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  for (const [venue, base, key] of [
    ['coinbase', `${ctx.sim.ws}/coinbase`, 'coinbase:ETH-USD'],
    ['kraken', `${ctx.sim.ws}/v2`, 'kraken:ETH/USD'],
  ]) {
    await page.selectOption('[data-testid="venue-select"]', venue);
    await page.fill('[data-testid="venue-symbol"]', 'eth-usd');
    await page.fill('[data-testid="venue-ws-base"]', base);
    await page.click('[data-testid="venue-add"]');
    const row = `[data-testid="feed-row"][data-feed-key="${key}"]`;
    await until(page, (sel) => {
      const d = document.querySelector(sel)?.dataset;
      return d?.state === 'connected' && Number(d.accepted) >= 10;
    }, row, 15_000);
    assert.equal(await page.getAttribute(row, 'data-gaps-unfilled'), '0');
  }
  assert.deepEqual(problems, []);
  await context.close();
});
