// W5 (issue 7): sustained ingest from feedsim through decoding, cleaning, storage and
// aggregation with the dashboard open. The release app (dist/) with six panels and three
// Binance feeds from feedsim (bench/web/frames.mjs, `measureRate`) at a ladder of rates, then
// a bisection between the highest rate it kept up with and the lowest it did not: the highest
// rate kept up with, the frame p95 there, and the trades/s S1 (bench/web/storage.mjs, run
// before this by `make bench`) persisted into IndexedDB. Every rate tried is a W5 row of
// bench/results.json, the answer the W5-summary row; the README peer table is rewritten.
//   node bench/web/ingest.mjs [--quick]   (after `make build` and a release feedsim build;
//   --quick: two rates, nothing written)
// Feedsim must be the release build: a debug build cannot generate these rates itself.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, mergeResults, readResults, table, updatePeerTable } from './report.mjs';

process.env.FEEDSIM ??= join(ROOT, 'target', 'release', 'feedsim');
if (!existsSync(process.env.FEEDSIM)) throw new Error(`no feedsim at ${process.env.FEEDSIM}: cargo build --locked --release -p tradelens-feedsim`);
// After FEEDSIM is set: e2e/feedsim.mjs picks its binary when loaded.
const { measureRate } = await import('./frames.mjs');
const { ARGS, CHROMIUM } = await import('../../e2e/harness.mjs');
const { startServer } = await import('../../scripts/serve.mjs');

const QUICK = process.argv.includes('--quick');
/** Coarse rates, tried upwards until one fails; below the first if even that fails. */
const LADDER = QUICK ? [2_000, 50_000] : [5_000, 10_000, 20_000, 50_000, 100_000];
const BELOW = QUICK ? [] : [2_000, 1_000];
/** Bisection steps between the last rate kept up with and the first missed, stopping once
 * they are within 10 % of each other; rates rounded to 250 trades/s. */
const FINE = { steps: QUICK ? 0 : 3, within: 1.1, round: 250 };
/** Per rate: seconds of warm-up after the feeds connect, then seconds measured. */
const TIMING = { warmS: QUICK ? 2 : 4, measureS: QUICK ? 5 : 10 };
/** Kept up: every feed still connected, feedsim sent the rate asked (within 5 %: a page that
 * does not read makes feedsim's sends wait, or drops it), and the page counted what was sent
 * (within 5 %: its count is read from the key-figure panel, refreshed four times a second). */
const TOLERANCE = 0.05;

function keptUp(row) {
  const down = row.feeds.filter((s) => s !== 'connected');
  if (down.length) return `feeds ${down.join(', ')}`;
  if (row.sent_per_s < (1 - TOLERANCE) * row.rate) return `feedsim sent ${row.sent_per_s}/s`;
  if (row.sent_per_s > (1 + TOLERANCE) * row.rate) return `feedsim sent ${row.sent_per_s}/s, a catch-up burst (a reconnect, or feedsim short of CPU)`;
  if (row.counted_per_s < (1 - TOLERANCE) * row.sent_per_s) return `counted ${row.counted_per_s}/s of ${row.sent_per_s}/s sent`;
  return null;
}

async function main() {
  const began = Date.now();
  const server = await startServer({ dir: join(ROOT, 'dist') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const points = [];
  const tryRate = async (rate) => {
    let row;
    try {
      row = await measureRate(browser, server.url, rate, TIMING);
      const why = keptUp(row);
      row = { ...row, kept_up: !why, ...(why ? { why } : {}) };
    } catch (e) {
      row = { rate, kept_up: false, failed: e.message.split('\n')[0] };
    }
    points.push(row);
    console.log(JSON.stringify({ ...row, panels: undefined }));
    return row.kept_up;
  };
  let lo = null;
  let hi = null;
  try {
    for (const rate of LADDER) {
      if (await tryRate(rate)) lo = rate;
      else { hi = rate; break; }
    }
    if (lo === null) {
      for (const rate of BELOW) {
        if (await tryRate(rate)) { lo = rate; break; }
        hi = rate;
      }
    }
    for (let k = 0; k < FINE.steps && lo !== null && hi !== null && hi / lo > FINE.within; k++) {
      const mid = Math.round((lo + hi) / 2 / FINE.round) * FINE.round;
      if (mid <= lo || mid >= hi) break;
      if (await tryRate(mid)) lo = mid;
      else hi = mid;
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const measured = new Date().toISOString();
  const results = await readResults();
  const s1 = results.results.find((r) => r.workload === 'S1' && !r.failed);
  const at = points.find((p) => p.rate === lo);
  const summary = {
    workload: 'W5-summary', tool: 'TradeLens', version: 'workspace',
    kept_up_per_s: lo, failed_at: hi,
    frame_p50_ms: at?.frame_p50_ms ?? null, frame_p95_ms: at?.frame_p95_ms ?? null, frame_max_ms: at?.frame_max_ms ?? null,
    persisted_per_s: s1?.trades_per_s ?? null, persisted_measured: s1?.measured ?? null,
    rates_tried: points.length, seconds: Math.round((Date.now() - began) / 1000),
    browser: `Chromium ${browser.version()}`, measured,
  };
  console.log(JSON.stringify(summary));
  const rows = points.map((p) => ({ workload: 'W5', tool: 'TradeLens', version: 'workspace', ...p, measured })).concat(summary);
  const config = { W5: { ladder: LADDER, below: BELOW, fine: FINE, ...TIMING, tolerance: TOLERANCE, feeds: 'three Binance @trade streams, one trade a message', cpus: cpus().length } };
  if (QUICK) {
    console.log(table({ ...results, results: results.results.filter((r) => !r.workload.startsWith('W5')).concat(rows) }));
    return;
  }
  await updatePeerTable(await mergeResults(rows, config));
  console.log(`W5: ${points.length} rates in ${summary.seconds} s; kept up to ${lo ?? 'none'}, missed at ${hi ?? 'none'}`);
}

await main();
