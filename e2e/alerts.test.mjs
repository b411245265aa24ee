// End-to-end: an alert rule added through the Alerts panel fires when the loopback simulator
// (crates/feedsim) sends a price spike; a system notification is shown (permission granted to
// the browser context, constructions counted by a wrapper around window.Notification that
// still calls the real one), the history keeps the event across a reload (IndexedDB), and the
// backtest over the stored history marks the spike's bucket on the chart.
//
// The cleaner flags a spiked price as an outlier but accepts it (crates/core/src/clean), so
// the spike reaches the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, until } from './harness.mjs';
import { addBinanceFeed, BINANCE_ROW, simulatorAndBrowser } from './feedsim.mjs';

const ctx = simulatorAndBrowser();

/** Runs in the page before its scripts: counts Notification constructions. */
function countNotifications() {
  const Real = window.Notification;
  window.__notes = [];
  class Counted extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options?.body ?? '' });
    }
  }
  window.Notification = Counted;
}

const RULE = '[data-testid="alert-rule"]';

test('a spike fires a rule, notifies, is kept in the history, and the backtest marks it', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url, { init: countNotifications });
  await context.grantPermissions(['notifications'], { origin: ctx.env.server.url });
  await until(page, () => document.querySelector('[data-testid="venue-add"]') && document.querySelector('[data-testid="alert-add"]'));
  // Exchange trades (prices offered as chart metrics), the demo paused: the totals of the
  // buckets to come are the feed's trades alone.
  await page.click('[data-testid="mode-exchange"]');
  await page.click('[data-testid="pause"]');
  await page.selectOption('[data-testid="bucket-select"]', '1s');
  await page.selectOption('[data-testid="chart-metric"]', 'vwap');
  await addBinanceFeed(page, ctx.sim);
  await until(page, (sel) => Number(document.querySelector(sel).dataset.accepted) >= 20, BINANCE_ROW);
  // The feed's current price, from the chart's exposed values (VWAP per 1 s bucket).
  const price = await until(page, () => {
    const v = document.querySelector('[data-testid="chart-revenue"]')?.dataset.values ?? '';
    const last = v.split(',').filter(Boolean).map((p) => Number(p.split('=')[1])).filter((x) => x > 1000).pop();
    return last ?? false;
  });
  // Twice the price: a random walk does not double during the test; a 3x spike crosses it.
  const threshold = Math.round(price * 2);
  await page.fill('[data-testid="alert-name"]', 'BTC spike');
  await page.selectOption('[data-testid="alert-metric"]', 'high');
  await page.selectOption('[data-testid="alert-kind"]', 'above');
  await page.fill('[data-testid="alert-value"]', String(threshold));
  await page.click('[data-testid="alert-add"]');
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'ok', RULE);

  await ctx.sim.control('spike', 'symbol=BTCUSDT&factor=3');
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'firing', RULE, 20_000);
  const notes = await page.evaluate(() => window.__notes);
  assert.equal(notes.length, 1, JSON.stringify(notes));
  assert.match(notes[0].title, /BTC spike/);
  assert.match(await page.title(), /^\(1\) TradeLens$/);
  const firing = '[data-testid="alert-history"][data-state="firing"]';
  await until(page, (sel) => document.querySelector(sel), firing);
  const at = Number(await page.getAttribute(firing, 'data-at'));
  // The next calm bucket resolves it.
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'ok', RULE, 20_000);

  // After a reload: the rule (localStorage) and the history (IndexedDB) are back. The page's
  // own address holds a link with the feed's host, but it is this tab's own: nothing is asked.
  await page.reload();
  await until(page, (sel) => document.querySelector(sel), RULE);
  assert.equal(await page.locator('[data-testid="share-consent"]').count(), 0);
  await until(page, ([sel, t]) => [...document.querySelectorAll(sel)].some((r) => Number(r.dataset.at) === t), [firing, at]);

  // The backtest over the restored buckets fires in the spike's bucket, marked on the chart.
  await page.selectOption('[data-testid="bucket-select"]', '1s');
  await page.selectOption('[data-testid="chart-metric"]', 'vwap');
  await until(page, (t) => {
    const v = document.querySelector('[data-testid="chart-revenue"]')?.dataset.values ?? '';
    return v.split(',').some((p) => Number(p.split('=')[0]) >= t);
  }, at);
  await page.click('[data-testid="alert-backtest-run"]');
  const times = await until(page, () => document.querySelector('[data-testid="alert-backtest"]')?.dataset.times);
  assert.ok(times.split(',').map(Number).includes(at), `backtest fired at ${times}, the live rule at ${at}`);
  // The restored spike is late history: judged again, but not announced or recorded twice.
  const rows = await page.$$eval('[data-testid="alert-history"]', (els) => els.map((e) => `${e.dataset.state}@${e.dataset.at}`));
  assert.equal(rows.filter((r) => r === `firing@${at}`).length, 1, rows.join(' '));
  assert.deepEqual(await page.evaluate(() => window.__notes), []);
  await until(page, (t) => (document.querySelector('[data-testid="chart-revenue"]')?.dataset.marks ?? '').split(',').map(Number).includes(t), at);
  assert.deepEqual(problems, []);
  await context.close();
});
