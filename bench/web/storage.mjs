// Storage benchmarks of the app itself (issue 4): the release build in dist/, served with its
// production CSP, in Debian's headless Chromium through playwright-core.
//   S1  persisted trades per second: a generated CSV of N trades imported through the file
//       picker; timed from the click on Import until the feed row's data-saved counts every
//       accepted trade. (The row's "done" is meant to wait for the saves, but it can come
//       earlier: the 4-a-second tick's flush hands batches to the writer without run_file
//       awaiting them. The time to "done" and data-saved at that moment are recorded too.)
//       Baseline in the same run: the same import in a context where indexedDB.open throws,
//       so the app runs memory-only and saving costs nothing (decode + ingest + UI only).
//   S2  navigation to a restored dashboard: the page reloaded in the same context (IndexedDB
//       kept); (a) the feed row shows data-restored = N, (b) the KPI count holds them too.
//       Timed in the page from navigation start (performance.now()).
// Results go to bench/results.json (rows S1, S1-baseline, S2a, S2b; the rest of the file kept)
// and the README (between <!-- bench-storage:start --> and <!-- bench-storage:end -->).
//   node bench/web/storage.mjs [--runs 3] [--trades 1000000] [--quick]
//   (--quick: 100 k trades, 1 run, writes bench/results-storage-quick.tmp only)
import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile, rm } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const QUICK = process.argv.includes('--quick');
const N = Number(arg('--trades', QUICK ? 100_000 : 1_000_000));
const RUNS = Number(arg('--runs', QUICK ? 1 : 3));
const TIMEOUT_MS = Number(process.env.BENCH_STORAGE_TIMEOUT_S ?? 900) * 1000;
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
// As e2e/harness.mjs.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const NAME = `tl-sb-trades-${N}.csv`;
const ROW = `[data-testid="feed-row"][data-feed-key="file:${NAME}"]`;
const TITLES = {
  S1: 'S1: CSV import, persisted to IndexedDB (click Import → every trade saved)',
  'S1-baseline': 'S1 baseline: same import, IndexedDB off (memory only)',
  S2a: 'S2a: reload → feed row restored',
  S2b: 'S2b: reload → KPI count includes them',
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const summary = (times) => ({ median_ms: median(times), min_ms: Math.min(...times), max_ms: Math.max(...times), runs: times.length, times_ms: times });

/** N trades, one a second, ending now, 20 products, random-walk prices (fixed seed). */
async function generate(file) {
  const out = createWriteStream(file);
  let seed = 42;
  const rnd = () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t ^= t + Math.imul(t ^ (t >>> 7), 61 | t); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const start = Math.floor(Date.now() / 1000) - N;
  let price = 100;
  let buf = 'id,time,price,quantity,product\n';
  for (let i = 0; i < N; i++) {
    price = Math.max(1, price + (rnd() - 0.5) * 0.2);
    const time = new Date((start + i) * 1000).toISOString().replace('.000Z', 'Z');
    buf += `${i + 1},${time},${price.toFixed(2)},${1 + Math.floor(rnd() * 5)},p${Math.floor(rnd() * 20)}\n`;
    if (buf.length > 1 << 20) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
  }
  out.end(buf);
  await once(out, 'finish');
  return (await stat(file)).size;
}

async function newPage(browser, url, { noIdb = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  if (noIdb) {
    await page.addInitScript(() => {
      IDBFactory.prototype.open = function () { throw new DOMException('benchmark baseline: storage off', 'InvalidStateError'); };
    });
  }
  await page.goto(url);
  return { page, context, errors };
}

const until = (page, fn, arg, polling = 20) => page.waitForFunction(fn, arg, { timeout: TIMEOUT_MS, polling }).then((h) => h.jsonValue());

/** Imports the CSV; ms from the click on Import to the row's "done", and the row's counters. */
async function importFile(page, file, noIdb = false) {
  await until(page, () => !!document.querySelector('[data-testid="file-input"]'));
  await page.setInputFiles('[data-testid="file-input"]', file);
  await until(page, () => document.querySelectorAll('[data-testid="add-file"] [data-testid="preview-row"]').length > 0);
  // In-page clock: the click handler's own time to the first poll that sees "done".
  await page.evaluate(() => document.querySelector('[data-testid="file-import"]').addEventListener('click', () => { window.__tlClick = performance.now(); }, { once: true, capture: true }));
  await page.click('[data-testid="file-import"]');
  const d = await until(page, (sel) => {
    const r = document.querySelector(sel);
    if (!r) return null;
    if (r.dataset.state === 'done' || r.dataset.state === 'stopped') return { ...r.dataset, at: performance.now() };
    return null;
  }, ROW);
  const click = await page.evaluate(() => window.__tlClick);
  if (d.state !== 'done') return { ms: d.at - click, done_ms: d.at - click, state: d.state, accepted: Number(d.accepted), saved: Number(d.saved) };
  // "done" can come before the last batches are saved (see the README note): the figure is
  // the time until data-saved counts every accepted trade. Memory-only never saves.
  const wait = Number(process.env.BENCH_STORAGE_SAVE_WAIT_S ?? 60) * 1000;
  const saved = await page.waitForFunction(([sel, noIdb]) => {
    const r = document.querySelector(sel).dataset;
    return noIdb || Number(r.saved) >= Number(r.accepted) ? { ...r, at: performance.now() } : null;
  }, [ROW, noIdb], { timeout: wait, polling: 20 }).then((h) => h.jsonValue()).catch(async () => {
    const r = await page.evaluate((sel) => ({ ...document.querySelector(sel).dataset }), ROW);
    throw new Error(`row "done" at ${((d.at - click) / 1000).toFixed(1)} s with ${d.saved} saved; ${wait / 1000} s later still ${r.saved} saved of ${r.accepted} accepted`);
  });
  return { ms: saved.at - click, done_ms: d.at - click, saved_at_done: Number(d.saved), state: d.state, accepted: Number(saved.accepted), saved: Number(saved.saved) };
}

async function run(browser, url, file, i) {
  const base = await newPage(browser, url, { noIdb: true });
  const b = await importFile(base.page, file, true);
  await base.context.close();
  if (b.state !== 'done' || b.accepted !== N) throw new Error(`baseline run ${i}: state ${b.state}, ${b.accepted} accepted of ${N}`);

  const { page, context, errors } = await newPage(browser, url);
  const s = await importFile(page, file);
  if (s.state !== 'done' || s.accepted !== N || s.saved !== N) throw new Error(`run ${i}: state ${s.state}, ${s.accepted} accepted, ${s.saved} saved of ${N}`);
  // Let the demo's last orders be saved (it saves within a second), then note the count.
  await page.waitForTimeout(2500);
  const before = Number(await page.getAttribute('[data-testid="kpi-count"]', 'data-value'));
  await page.reload({ waitUntil: 'commit' });
  // Waits for the restore to reach N (or pass it: that is reported, not waited out).
  const restored = await until(page, ([sel, n]) => {
    const r = document.querySelector(sel);
    return r && Number(r.dataset.restored) >= n ? { at: performance.now(), ...r.dataset } : null;
  }, [ROW, N]).catch(async (e) => {
    const r = await page.evaluate((sel) => ({ ...document.querySelector(sel)?.dataset }), ROW);
    throw new Error(`after the reload the row says ${JSON.stringify(r)}: ${e.message}`);
  });
  if (Number(restored.restored) !== N) throw new Error(`restored ${restored.restored} of ${N}: ${JSON.stringify(restored)}`);
  const a = restored.at;
  const k = await until(page, ([sel, n, want]) => {
    const r = document.querySelector(sel);
    const v = Number(document.querySelector('[data-testid="kpi-count"]')?.dataset.value);
    return r && Number(r.dataset.restored) === n && v >= want ? { at: performance.now(), count: v } : null;
  }, [ROW, N, before - 100]);
  await context.close();
  const out = { baseline_ms: b.ms, import_ms: s.ms, done_ms: s.done_ms, saved_at_done: s.saved_at_done, restored_ms: a, dashboard_ms: k.at, kpi_before: before, kpi_after: k.count, errors };
  console.log(`run ${i}: import persisted ${(s.ms / 1000).toFixed(2)} s, row done at ${(s.done_ms / 1000).toFixed(2)} s with ${s.saved_at_done} saved (baseline ${(b.ms / 1000).toFixed(2)} s), `
    + `restored ${a.toFixed(0)} ms, dashboard ${k.at.toFixed(0)} ms (KPI ${before} before, ${k.count} after)`
    + (errors.length ? `; ${errors.length} console errors` : ''));
  return out;
}

async function main() {
  const file = join(tmpdir(), NAME);
  const bytes = await generate(file);
  console.log(`${N} trades, ${(bytes / 1e6).toFixed(1)} MB CSV at ${file}; ${RUNS} run(s)`);
  const server = await startServer({ dir: join(ROOT, 'dist') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const runs = [];
  try {
    for (let i = 1; i <= RUNS; i++) runs.push(await run(browser, server.url, file, i));
  } finally {
    await browser.close();
    await server.close();
    await rm(file, { force: true });
  }
  const measured = new Date().toISOString();
  const env = {
    browser: `Chromium ${browser.version()}`,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), platform: process.platform },
    measured,
  };
  const s1 = summary(runs.map((r) => r.import_ms));
  const s1b = summary(runs.map((r) => r.baseline_ms));
  const secs = s1.median_ms / 1000;
  const demo = median(runs.map((r) => r.kpi_before - N));
  const rows = [
    { workload: 'S1', ...s1, trades: N, csv_bytes: bytes, trades_per_s: Math.round(N / secs), mb_per_s: +(bytes / 1e6 / secs).toFixed(2),
      vs_baseline: +(s1.median_ms / s1b.median_ms).toFixed(2),
      row_done_ms: summary(runs.map((r) => r.done_ms)), saved_when_done: runs.map((r) => r.saved_at_done) },
    { workload: 'S1-baseline', ...s1b, trades: N, csv_bytes: bytes, trades_per_s: Math.round(N / (s1b.median_ms / 1000)) },
    { workload: 'S2a', ...summary(runs.map((r) => r.restored_ms)), trades: N, demo_orders_stored: demo },
    { workload: 'S2b', ...summary(runs.map((r) => r.dashboard_ms)), trades: N, demo_orders_stored: demo },
  ].map((r) => ({ ...r, tool: 'TradeLens', version: 'workspace', title: TITLES[r.workload], ...env }));
  for (const r of rows) console.log(JSON.stringify({ ...r, times_ms: undefined, machine: undefined }));
  const errors = runs.flatMap((r) => r.errors);
  if (errors.length) console.log(`console errors (${errors.length}), first: ${errors.slice(0, 3).join(' | ')}`);
  const text = table(rows);
  console.log(text);
  if (QUICK) {
    await writeFile(join(ROOT, 'bench', 'results-storage-quick.tmp'), JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  const path = join(ROOT, 'bench', 'results.json');
  const old = JSON.parse(await readFile(path, 'utf8'));
  old.results = old.results.filter((r) => !(r.workload in TITLES)).concat(rows);
  old.config.storage = { trades: N, runs: RUNS, file: 'id,time,price,quantity,product; one trade a second; 20 products' };
  await writeFile(path, JSON.stringify(old, null, 2) + '\n');
  const readme = join(ROOT, 'README.md');
  const md = await readFile(readme, 'utf8');
  const re = /<!-- bench-storage:start -->[\s\S]*<!-- bench-storage:end -->/;
  if (!re.test(md)) throw new Error('README.md has no <!-- bench-storage:start --> ... <!-- bench-storage:end --> block');
  await writeFile(readme, md.replace(re, `<!-- bench-storage:start -->\n${text}\n<!-- bench-storage:end -->`));
}

function table(rows) {
  const by = Object.fromEntries(rows.map((r) => [r.workload, r]));
  const ms = (r) => `${Math.round(r.median_ms).toLocaleString('en')} ms (${Math.round(r.min_ms).toLocaleString('en')}–${Math.round(r.max_ms).toLocaleString('en')})`;
  const s1 = by.S1;
  const mb = (s1.csv_bytes / 1e6).toFixed(1);
  return [
    `| storage benchmark (${N.toLocaleString('en')} trades, ${mb} MB CSV) | median (min–max) | figure |`,
    '| --- | --- | --- |',
    `| ${TITLES.S1} | ${ms(s1)} | **${s1.trades_per_s.toLocaleString('en')} trades/s persisted**, ${s1.mb_per_s} MB/s; ${s1.vs_baseline}x the baseline |`,
    `| ${TITLES['S1-baseline']} | ${ms(by['S1-baseline'])} | ${by['S1-baseline'].trades_per_s.toLocaleString('en')} trades/s |`,
    `| ${TITLES.S2a} | ${ms(by.S2a)} | from navigation start |`,
    `| ${TITLES.S2b} | ${ms(by.S2b)} | **${(by.S2b.median_ms / 1000).toFixed(1)} s to a restored dashboard** |`,
    '',
    `${s1.runs} run(s), ${s1.browser}, ${s1.machine.cpus} cores (${s1.machine.cpu}), measured ${s1.measured.slice(0, 10)}. `
      + `The store also holds the orders demo's history (about ${Math.round(by.S2b.demo_orders_stored / 1000)} k orders), restored with the file's trades.`,
  ].join('\n');
}

await main();
