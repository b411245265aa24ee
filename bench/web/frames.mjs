// Frame times of the release app with six live panels while feedsim streams trades over
// loopback WebSockets (Binance format, three symbols), at several rates: does the page keep
// up (trades counted per second against trades sent), and how long are its frames (p50, p95,
// max of requestAnimationFrame intervals, and long tasks)? Issue 6's goal: p95 under 16.7 ms
// at 10,000 trades/s; issue 7's: keeping up at 50,000 trades/s with p95 under 16.7 ms.
//
// Usage: node bench/web/frames.mjs [rate ...]   (after `make build` and a feedsim build)
// Writes bench/results-frames.json. Frame intervals are wall-clock figures of this machine in
// headless Chromium (no GPU, vsync emulated at 60 Hz): compare runs of the same machine only.
// `measureRate` is also what bench/web/ingest.mjs (W5, `make bench`) sweeps rates with.
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { deflateRawSync } from 'node:zlib';
import { ARGS, CHROMIUM, until } from '../../e2e/harness.mjs';
import { startFeedsim } from '../../e2e/feedsim.mjs';
import { startServer } from '../../scripts/serve.mjs';

const WARM_S = 5;
const MEASURE_S = 15;

const PANELS = [
  { kind: 'kpi', wide: true },
  { kind: 'line', metric: 'notional' },
  { kind: 'candles' },
  { kind: 'bars', top_n: 8 },
  { kind: 'histogram', of: 'price' },
  { kind: 'heatmap', metric: 'count', wide: true },
];

export function link(base, sim) {
  const feeds = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].map((symbol) => ({
    kind: 'venue', venue: 'binance', symbol, ws: sim.ws, rest: sim.http, max_backoff_ms: 60000,
  }));
  const dash = { v: 2, mode: 'exchange', bucket: '1m', group_by: ['symbol'], feeds, panels: PANELS, theme: 'light', zone: 'UTC' };
  return `${base}#s1=${deflateRawSync(Buffer.from(JSON.stringify(dash))).toString('base64url')}`;
}

/** In the page: frame intervals and long tasks over `ms`, and trades counted meanwhile. */
function measure(ms) {
  return new Promise((resolve) => {
    const count = () => Number(document.querySelector('[data-testid="kpi-count"]')?.dataset.value ?? 0);
    const frames = [];
    const long = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const c0 = count();
    const t0 = performance.now();
    let last = t0;
    const step = (now) => {
      frames.push(now - last);
      last = now;
      if (now - t0 < ms) requestAnimationFrame(step);
      else {
        observer.disconnect();
        resolve({ frames, long, counted: count() - c0, seconds: (now - t0) / 1000 });
      }
    };
    requestAnimationFrame(step);
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Trades sent over every stream so far: the totals per venue and symbol. */
const sentTrades = (s) =>
  Object.values(s.totals ?? {}).flatMap((syms) => Object.values(syms)).reduce((a, t) => a + t.count, 0);

/**
 * One rate: feedsim streams `rate` trades/s to the release app (served at `url`) with six
 * panels open; after `warmS` s, `measureS` s of frame intervals, trades counted by the page
 * and trades sent by feedsim. Resolves to the row results-frames.json holds.
 */
export async function measureRate(browser, url, rate, { warmS = WARM_S, measureS = MEASURE_S } = {}) {
  const sim = await startFeedsim(['--rate', String(rate), '--max-seconds', '600', '--history', '200000']);
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.goto(link(url, sim));
    await until(page, () => document.querySelector('[data-testid="share-open"]'), null, 30_000);
    await page.click('[data-testid="share-open"]');
    try {
      await until(page, () => document.querySelectorAll('[data-testid="feed-row"][data-feed-key^="binance:"][data-state="connected"]').length === 3, null, 60_000);
    } catch (e) {
      const rows = await page.$$eval('[data-testid="feed-row"]', (rs) => rs.map((r) => `${r.dataset.feedKey} ${r.dataset.state}: ${r.querySelector('[data-testid="feed-status"]')?.textContent}`));
      throw new Error(`feeds did not connect: ${rows.join(' | ')}`);
    }
    const sent0 = await sim.sent();
    await page.waitForTimeout(warmS * 1000); // warm-up: a benchmark's fixed interval, not a UI wait
    const s0 = await sim.sent();
    const m = await page.evaluate(measure, measureS * 1000);
    const s1 = await sim.sent();
    const sent = sentTrades(s1) - sentTrades(s0);
    const drawn = await page.$$eval('canvas[data-draws]', (cs) => cs.map((c) => Number(c.dataset.draws)));
    const states = await page.$$eval('[data-testid="feed-row"]', (rows) => rows.map((r) => r.dataset.state));
    return {
      rate,
      panels: PANELS.map((p) => p.kind),
      counted_per_s: Math.round(m.counted / m.seconds),
      sent_per_s: Math.round(sent / m.seconds),
      frames: m.frames.length,
      frame_p50_ms: +pct(m.frames, 50).toFixed(2),
      frame_p95_ms: +pct(m.frames, 95).toFixed(2),
      frame_max_ms: +Math.max(...m.frames).toFixed(2),
      long_tasks: m.long.length,
      long_task_ms: Math.round(m.long.reduce((a, b) => a + b, 0)),
      canvases: drawn.length,
      feeds: states,
      sent_before_warmup: sentTrades(sent0),
      measured_s: +m.seconds.toFixed(2),
    };
  } finally {
    await context.close();
    await sim.close();
  }
}

async function main() {
  const RATES = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rates = RATES.length ? RATES : [10_000, 25_000, 50_000];
  const server = await startServer({ dir: 'dist' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const results = [];
  try {
    for (const rate of rates) {
      const row = await measureRate(browser, server.url, rate);
      results.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const version = browser.version?.() ?? '';
  await writeFile('bench/results-frames.json', JSON.stringify({ chromium: version, measured_s: MEASURE_S, results }, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
