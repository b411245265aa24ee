// End-to-end durability: three Binance feeds from the loopback simulator at 5,000 trades/s in
// all, while the page is reloaded 20 times and then the whole browser is killed (SIGKILL) 10
// times, each time during ingest. At the end, what IndexedDB holds for each feed is one
// unbroken run of ids, each stored once, starting at the first id the simulator sent: no
// committed trade lost (and the ones in flight at each kill backfilled), none duplicated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPageIn, startKillableChromium, until } from './harness.mjs';
import { startFeedsim } from './feedsim.mjs';
import { startServer } from '../scripts/serve.mjs';

const RELOADS = Number(process.env.RELOADS ?? 20);
const KILLS = Number(process.env.KILLS ?? 10);
const log = (...a) => process.env.TL_VERBOSE && console.error(new Date().toISOString(), ...a);
const FEEDS = [
  { pair: 'BTC-USD', key: 'binance:BTCUSDT', symbol: 'BTCUSDT' },
  { pair: 'ETH-USD', key: 'binance:ETHUSDT', symbol: 'ETHUSDT' },
  { pair: 'SOL-USD', key: 'binance:SOLUSDT', symbol: 'SOLUSDT' },
];
const KEYS = FEEDS.map((f) => f.key);

let sim;
let server;
let dir;
let chrome;
before(async () => {
  sim = await startFeedsim(['--rate', '5000', '--max-seconds', '1800', '--history', '1500000']);
  server = await startServer({ dir: 'dist' });
  dir = await mkdtemp(join(tmpdir(), 'tl-durability-'));
});
after(async () => {
  await chrome?.kill();
  await server?.close();
  await sim?.close();
  if (dir) {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}-tmp`, { recursive: true, force: true });
  }
});

/** Every feed row's figures. */
const rows = (page) =>
  page.evaluate((keys) => Object.fromEntries(keys.map((k) => {
    const el = document.querySelector(`[data-testid="feed-row"][data-feed-key="${k}"]`);
    return [k, el ? { ...el.dataset } : null];
  })), KEYS);

/**
 * Waits until every feed is connected, has caught up (what it missed while the page was away
 * is backfilled: its ids are one run), and this page has saved `n` new trades of it: a moment
 * in the middle of ingest, as a user's reload would be. Late in the test each page restores
 * over two million trades and backfills the restart's gap beside 5,000 live trades a second:
 * on a busy 2-core machine that takes minutes, hence the long wait (a condition, not a sleep).
 */
const ingesting = async (page, n) => {
  try {
    await until(page, ([keys, n]) => keys.every((k) => {
      const d = document.querySelector(`[data-testid="feed-row"][data-feed-key="${k}"]`)?.dataset;
      return d?.state === 'connected' && Number(d.saved) >= n &&
        Number(d.restored) + Number(d.accepted) === Number(d.lastId) - Number(d.firstId) + 1;
    }), [KEYS, n], 240_000);
  } catch (e) {
    const status = await page.evaluate(() => [...document.querySelectorAll('[data-testid="feed-status"]')].map((s) => s.textContent));
    throw new Error(`${e.message}\nfeeds: ${JSON.stringify(await rows(page))}\nstatus: ${JSON.stringify(status)}`);
  }
};

test('20 reloads and 10 browser kills during ingest at 5,000 trades/s lose and double nothing', { timeout: 1_500_000 }, async (t) => {
  await sim.control('clear-sent');
  chrome = await startKillableChromium(dir);
  let { page, problems } = await openPageIn(chrome.context, server.url);
  await until(page, () => document.querySelector('[data-testid="venue-add"]'));
  for (const f of FEEDS) {
    await page.selectOption('[data-testid="venue-select"]', 'binance');
    await page.fill('[data-testid="venue-symbol"]', f.pair);
    await page.fill('[data-testid="venue-ws-base"]', sim.ws);
    await page.fill('[data-testid="venue-max-wait"]', '2');
    await page.click('[data-testid="venue-add"]');
  }
  const seen = [];
  for (let r = 0; r < RELOADS; r++) {
    await ingesting(page, 1000 + 1000 * (r % 3));
    log('reload', r, JSON.stringify(await rows(page)));
    await page.reload();
    seen.push(...problems.splice(0));
  }
  for (let k = 0; k < KILLS; k++) {
    await ingesting(page, 1000 + 1000 * (k % 3));
    log('kill', k, JSON.stringify(await rows(page)));
    seen.push(...problems.splice(0));
    await chrome.kill();
    chrome = await startKillableChromium(dir);
    ({ page, problems } = await openPageIn(chrome.context, server.url));
  }
  // Settle: connected, every gap backfilled, so the ids held are one run per feed.
  await ingesting(page, 1000);
  log('settling', JSON.stringify(await rows(page)));
  await until(page, (keys) => keys.every((k) => {
    const d = document.querySelector(`[data-testid="feed-row"][data-feed-key="${k}"]`).dataset;
    return Number(d.restored) + Number(d.accepted) === Number(d.lastId) - Number(d.firstId) + 1 && d.gapsUnfilled === '0';
  }), KEYS, 120_000);
  // Pause (saved with the list), then reload: the page now holds exactly what was stored.
  for (const f of FEEDS) await page.click(`[data-testid="feed-row"][data-feed-key="${f.key}"] [data-testid="feed-pause"]`);
  await until(page, (keys) => keys.every((k) => document.querySelector(`[data-testid="feed-row"][data-feed-key="${k}"]`).dataset.state === 'paused'), KEYS);
  await page.reload();
  const stored = await until(page, (keys) => {
    const out = {};
    for (const k of keys) {
      const d = document.querySelector(`[data-testid="feed-row"][data-feed-key="${k}"]`)?.dataset;
      if (d?.state !== 'paused' || document.querySelector('[data-testid="storage-progress"]')) return null;
      out[k] = { ...d };
    }
    return out;
  }, KEYS, 120_000);
  seen.push(...problems.splice(0));
  const totals = (await sim.sent('venue=binance')).totals.binance;
  let all = 0;
  for (const f of FEEDS) {
    const d = stored[f.key];
    const [first, last, restored, read] = [d.firstId, d.lastId, d.restored, d.storedRead].map(Number);
    assert.equal(read, restored, `${f.symbol}: every stored trade stored once (${read} read, ${restored} distinct)`);
    assert.equal(restored, last - first + 1, `${f.symbol}: no id missing between ${first} and ${last}`);
    // The simulator's record names symbols its own way (BTC-USD).
    const sent = totals[f.pair];
    assert.equal(first, sent.first_id, `${f.symbol}: kept from the first id the simulator sent`);
    assert.ok(last <= sent.last_id);
    t.diagnostic(`${f.symbol}: ${restored} trades stored, ids ${first}..${last}; the simulator sent ${sent.count} over its sockets, ids up to ${sent.last_id}`);
    all += restored;
  }
  assert.ok(all > 100_000, `${all} trades stored in all`);
  // Chromium reports a socket cut by a reload or a kill as a console error only in those
  // moments; nothing else may appear.
  assert.deepEqual(seen.filter((p) => !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws\/\w+@trade' failed/.test(p)), []);
  await chrome.kill();
  chrome = null;
});
