// Runs the browser benchmarks: serves bench/web and node_modules on loopback, opens one page
// per tool in Debian's headless Chromium (playwright-core), runs each workload (W1-W4) with
// warm-up and measured runs, checks every run's aggregates against TradeLens's, compares the
// release app's first-load download with each peer's, and writes bench/results.json (rows of
// other runners, S1-S2 and W5, kept) and the README table (between <!-- bench:start --> and
// <!-- bench:end -->, bench/web/report.mjs).
// It also times decoding in the browser (D1 Binance messages, D2 CSV chunks) against
// JavaScript baselines in the same page (README table between <!-- bench-decode:start --> and
// <!-- bench-decode:end -->).
//   node bench/web/run.mjs [--quick]       (--quick: small sizes, for development)
//   node bench/web/run.mjs --only decode   (decoding only; merged into bench/results.json)
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { table, updatePeerTable } from './report.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
if (ONLY !== null && ONLY !== 'decode') throw new Error(`--only takes "decode", not "${ONLY}"`);
const TOOLS = (process.env.BENCH_TOOLS ?? 'tradelens,duckdb,perspective,arquero').split(',');
const NAMES = { tradelens: 'TradeLens', duckdb: 'DuckDB-Wasm', perspective: 'Perspective', arquero: 'Arquero' };
const VERSIONS = { tradelens: 'workspace', duckdb: '1.32.0', perspective: '3.8.0', arquero: '8.0.3' };
const N = QUICK ? 100_000 : 1_000_000;
const W1 = { warmup: QUICK ? 1 : 2, runs: QUICK ? 2 : 5 };
const W2 = { warmup: QUICK ? 0 : 1, runs: QUICK ? 1 : 3, steps: QUICK ? 10 : 100, batch: 1_000 };
const W4 = { runs: QUICK ? 2 : 5, trades: 10_000 };
/** W3: W1 at 10 M trades, in a fresh page per tool. No warm-up (a 10 M run warms itself up),
 * up to 3 measured runs, none started past `budget_s`; a run past `timeout_s` is abandoned and
 * the tool reported as unable to hold them in that time (Perspective needed 4.7 s per 1 M in
 * W1). Generating 10 M trades takes about 300 MB of typed arrays in each page. */
const W3 = { trades: Number(process.env.BENCH_W3_TRADES ?? (QUICK ? 1_000_000 : 10_000_000)), warmup: 0, runs: QUICK ? 1 : 3,
  budget_s: Number(process.env.BENCH_W3_BUDGET_S ?? 45), timeout_s: Number(process.env.BENCH_W3_TIMEOUT_S ?? 150) };
/** The release app (`trunk build --release`) whose first load the download rows measure. */
const DIST = join(ROOT, 'dist');
/** Brotli at quality 11 (as scripts/size.mjs) takes about 100 s for DuckDB-Wasm's 34 MB module:
 * sizes are cached by content hash (the peers are pinned, so after the first run only a
 * changed app costs anything). */
const BROTLI_CACHE = join(ROOT, 'target', 'bench-brotli-sizes.json');
/** Decoding: the native benchmarks' corpus (2 h of demo trades), CSV in 64 KiB chunks as
 * natively. Runs of TradeLens and of its baseline alternate. */
const DECODE = { warmup: QUICK ? 1 : 3, runs: QUICK ? 3 : 9, chunk: 64 * 1024 };
const DECODE_TITLES = {
  D1: 'D1: Binance @trade messages, one call each',
  D2: 'D2: generic CSV, 64 KiB chunks',
};
const BASELINES = { D1: 'JSON.parse + parseFloat', D2: 'split + parseFloat' };
/** Past this many seconds on one workload, a tool stops after its current measured run (at
 * least one): a slow peer must not push `make bench` past its 20 minutes. The table shows
 * how many runs each median is of. A warm-up run longer than half of it counts as a measured
 * run (what a warm-up leaves out, compiling and first allocations, is lost in such a run):
 * Perspective's W2 takes over two minutes a run. */
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 90);
/** A W1 or W2 run past this many seconds is abandoned (its page closed) and the tool reported
 * as not finishing in that time: Perspective's W2 run, 135 s on a quiet machine, took far
 * longer while other work shared the 2 cores. */
const RUN_LIMIT_S = Number(process.env.BENCH_RUN_LIMIT_S ?? 180);
/** Relative tolerance for sums (volume, notional, VWAP); counts and OHLC must be exact. */
const SUM_TOLERANCE = 1e-9;
const EXACT = ['bucket', 'symbol', 'count', 'open', 'high', 'low', 'close'];
const SUMS = ['volume', 'notional', 'vwap'];
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

/** Static server for bench/web and node_modules only, no caching headers. It counts what it
 * sends (`served`), so the bytes a page downloads include its workers' requests too. */
async function serve() {
  const served = [];
  const allowed = [join(ROOT, 'bench', 'web') + sep, join(ROOT, 'node_modules') + sep];
  const server = createServer(async (req, res) => {
    const file = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!allowed.some((a) => file.startsWith(a))) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
      served.push({ file, body });
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/bench/web/`, served, close: () => server.close() };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** A result packed by bench.js's `pack`: columns of Float64Array. */
function unpack(packed) {
  return Object.fromEntries(Object.entries(packed).map(([k, b64]) => {
    const bytes = Buffer.from(b64, 'base64');
    const col = new Float64Array(bytes.length / 8);
    new Uint8Array(col.buffer).set(bytes);
    return [k, col];
  }));
}

/** Why `got` differs from `want` (the TradeLens result), or null when they agree. */
function difference(want, got) {
  if (got.bucket.length !== want.bucket.length) return `${got.bucket.length} rows, TradeLens has ${want.bucket.length}`;
  for (let i = 0; i < want.bucket.length; i++) {
    for (const c of EXACT) {
      if (got[c][i] !== want[c][i]) return `row ${i} (bucket ${want.bucket[i]}, symbol ${want.symbol[i]}): ${c} ${got[c][i]} != ${want[c][i]}`;
    }
    for (const c of SUMS) {
      const [g, w] = [got[c][i], want[c][i]];
      if (!(Math.abs(g - w) <= SUM_TOLERANCE * Math.abs(w))) return `row ${i} (bucket ${want.bucket[i]}, symbol ${want.symbol[i]}): ${c} ${g} vs ${w}`;
    }
  }
  return null;
}

async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.waitForFunction(() => window.bench, null, { timeout: 30_000 });
  return { page, context, errors };
}

/** `evaluation` (a page.evaluate), or an error once `seconds` have passed: the page is then
 * closed, so that the run stops using the machine. */
async function withinLimit(page, evaluation, seconds) {
  let timer;
  const limit = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`did not finish within ${seconds} s (the limit this runner sets)`)), seconds * 1000);
  });
  try {
    return await Promise.race([evaluation, limit]);
  } catch (e) {
    evaluation.catch(() => {});
    if (/did not finish within/.test(e.message)) await page.context().close().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function summary(times) {
  return { median_ms: median(times), min_ms: Math.min(...times), max_ms: Math.max(...times), runs: times.length, times_ms: times };
}

async function main() {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const results = [];
  const reference = {};
  const record = (workload, tool, fields) => {
    const row = { workload, tool: NAMES[tool], version: VERSIONS[tool], ...fields };
    results.push(row);
    console.log(JSON.stringify({ ...row, times_ms: undefined }));
  };
  try {
    if (!ONLY) await peers(browser, server, record, reference);
    await decoding(browser, server, results);
  } finally {
    await browser.close();
    server.close();
  }
  const out = {
    generated: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), platform: process.platform },
    config: { trades: N, W1, W2, W3, W4, decode: DECODE, budget_s: BUDGET_S, run_limit_s: RUN_LIMIT_S, sum_tolerance: SUM_TOLERANCE, quick: QUICK },
    results,
  };
  const file = QUICK ? join(ROOT, 'bench', 'results-quick.tmp') : join(ROOT, 'bench', 'results.json');
  const written = QUICK ? out : ONLY ? await merged(file, out, { decode: DECODE }) : await merged(file, out, out.config, out);
  await writeFile(file, JSON.stringify(written, null, 2) + '\n');
  if (!QUICK) await updateReadme(written, !ONLY);
  if (!ONLY) console.log(table(written));
  console.log(decodeTable(written));
}

/** The results file with `out`'s rows in place of those of the same workloads: --only decode
 * keeps the rest of the last full run, a full run keeps the other runners' rows (storage.mjs,
 * ingest.mjs). `head` replaces the file's date, browser and machine. */
async function merged(file, out, config, head = {}) {
  if (!existsSync(file)) return out;
  const old = JSON.parse(await readFile(file, 'utf8'));
  const names = new Set(out.results.map((r) => r.workload));
  old.results = old.results.filter((r) => !names.has(r.workload)).concat(out.results);
  return { ...old, ...head, config: { ...old.config, ...config }, results: old.results };
}

/** D1, D2 in the TradeLens page: each decoder's runs next to its baseline's, same bytes. */
async function decoding(browser, server, results) {
  const { page, context, errors } = await openPage(browser, `${server.url}tradelens.html`);
  try {
    const r = await page.evaluate((cfg) => window.bench.decode(cfg), DECODE);
    const measured = new Date().toISOString();
    for (const [id, w] of Object.entries(r.workloads)) {
      const rate = (times) => ({ mb_per_s: w.bytes / 1e6 / (median(times) / 1000), trades_per_s: r.trades / (median(times) / 1000) });
      const [tool, base] = [rate(w.times.tool), rate(w.times.baseline)];
      const common = { bytes: w.bytes, trades: r.trades, ...(id === 'D2' ? { chunk_bytes: r.chunk } : {}), browser: `Chromium ${browser.version()}`, measured };
      const rows = [
        { workload: id, tool: 'TradeLens', version: 'workspace', ...summary(w.times.tool), ...common, ...tool, vs_baseline: tool.mb_per_s / base.mb_per_s },
        { workload: id, tool: 'JS baseline', version: BASELINES[id], ...summary(w.times.baseline), ...common, ...base },
      ];
      if (w.times.inside) {
        const inside = rate(w.times.inside);
        rows.splice(1, 0, { workload: id, tool: 'TradeLens', version: 'in-wasm loop', ...summary(w.times.inside), ...common, ...inside, vs_baseline: inside.mb_per_s / base.mb_per_s });
      }
      for (const row of rows) {
        results.push(row);
        console.log(JSON.stringify({ ...row, times_ms: undefined }));
      }
    }
  } catch (e) {
    const why = (e.message ?? String(e)).split('\n')[0] + (errors.length ? ` (page: ${errors[0]})` : '');
    for (const id of Object.keys(DECODE_TITLES)) results.push({ workload: id, tool: 'TradeLens', version: 'workspace', failed: why });
  } finally {
    await context.close();
  }
}

/** W1, W2, W3 and W4: TradeLens and its peers; then the first-load download of each. */
async function peers(browser, server, record, reference) {
  for (const tool of TOOLS) {
    const url = `${server.url}${tool}.html`;
    let opened;
    try {
      opened = await openPage(browser, url);
    } catch (e) {
      for (const w of ['W1', 'W2']) record(w, tool, { failed: `page did not load: ${e.message}` });
      continue;
    }
    const { page, context, errors } = opened;
    // W1: load N trades, aggregate per minute and symbol.
    await workload('W1', tool, W1.warmup, W1.runs, () => withinLimit(page, page.evaluate((n) => window.bench.w1(n), N), RUN_LIMIT_S), (r) => unpack(r.result), errors, record, reference);
    // W2: N trades loaded, then appends, each followed by the touched buckets' aggregates.
    await workload('W2', tool, W2.warmup, W2.runs,
      () => withinLimit(page, page.evaluate(([n, s, b]) => window.bench.w2(n, s, b), [N, W2.steps, W2.batch]), RUN_LIMIT_S),
      (r) => ({ result: unpack(r.result), last: unpack(r.last) }), errors, record, reference, true);
    await context.close().catch(() => {});
  }
  for (const tool of TOOLS) await w3(browser, server, tool, record, reference);
  // W4: cold start in a fresh context (empty cache), bytes transferred.
  const fetched = {};
  for (const tool of TOOLS) {
    const times = [];
    let bytes = null;
    let failed = null;
    for (let i = 0; i < W4.runs && !failed; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      server.served.length = 0;
      try {
        await page.goto(`${server.url}${tool}.html?cold=${W4.trades}`);
        const r = await (await page.waitForFunction(() => window.coldResult, null, { timeout: 60_000 })).jsonValue();
        if (r.error) throw new Error(r.error);
        times.push(r.ms);
        const all = server.served.map((s) => s.body);
        bytes = { requests: all.length, raw: all.reduce((s, b) => s + b.length, 0), gzip: all.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0) };
        if (i === 0) {
          fetched[tool] = server.served.map((s) => ({ name: s.file.slice(ROOT.length + 1), body: s.body }));
          console.log(`${tool} cold start downloads: ${server.served.map((s) => s.file.slice(ROOT.length)).join(', ')}`);
        }
      } catch (e) {
        failed = e.message.split('\n')[0];
      }
      await context.close();
    }
    record('W4', tool, failed ? { failed } : { ...summary(times), bytes_raw: bytes.raw, bytes_gzip: bytes.gzip, requests: bytes.requests });
  }
  await download(browser, fetched, record);
}

/** Why a W3 failure means the tool could not hold the trades (memory, a crash, our time
 * limit), or null for any other failure (a wrong answer, a page error). */
function cannotHold(message) {
  const m = /crash|out of memory|memory access out of bounds|Array buffer allocation failed|alloc(ation)? failed|Memory\.grow|RangeError|unreachable|did not finish within|closed/i.exec(message);
  return m ? m[0] : null;
}

/** W3: W1's aggregate over W3.trades trades in a fresh page (nothing left over from W1 and
 * W2), checked against TradeLens's like W1. A run past `W3.timeout_s` closes the page. */
async function w3(browser, server, tool, record, reference) {
  let opened;
  try {
    opened = await openPage(browser, `${server.url}${tool}.html`);
  } catch (e) {
    return record('W3', tool, { failed: `page did not load: ${e.message}` });
  }
  const { page, context, errors } = opened;
  let crashed = false;
  page.on('crash', () => { crashed = true; });
  const run = () => withinLimit(page, page.evaluate((n) => window.bench.w1(n), W3.trades), W3.timeout_s).catch((e) => {
    throw crashed ? new Error(`the page crashed (Chromium: out of memory or a renderer crash): ${e.message}`) : e;
  });
  const stats = async () => page.evaluate(() => performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null).catch(() => null);
  const times = [];
  const began = Date.now();
  try {
    for (let i = 0; i < W3.warmup + W3.runs; i++) {
      if (times.length > 0 && Date.now() - began > W3.budget_s * 1000) break;
      const r = await run();
      r.result = unpack(r.result);
      if (tool === 'tradelens') reference.W3 = r.result;
      if (!reference.W3) throw new Error('no TradeLens result to check against');
      const why = difference(reference.W3, r.result);
      if (why) throw Object.assign(new Error(`wrong aggregates: ${why}`), { wrong: true });
      if (i >= W3.warmup) times.push(r.ms);
      console.error(`  W3 ${NAMES[tool]} ${i < W3.warmup ? 'warm-up' : 'run'} ${i + 1}/${W3.warmup + W3.runs}: ${r.ms.toFixed(1)} ms, ${r.result.bucket.length} rows checked, JS heap ${await stats()} MiB`);
    }
    record('W3', tool, { ...summary(times), trades: W3.trades });
  } catch (e) {
    const why = (e.message ?? String(e)).split('\n')[0] + (errors.length ? ` (page: ${errors[0]})` : '');
    const hold = e.wrong ? null : cannotHold(why);
    record('W3', tool, { failed: why, trades: W3.trades, ...(hold ? { cannot_hold: true } : {}), ...(times.length ? { runs_before: times } : {}) });
  } finally {
    await context.close().catch(() => {});
  }
}

/** gzip -9 and brotli -q 11 sizes of one file; brotli sizes cached by content hash. */
function compressedSizes(body, cache) {
  const hash = createHash('sha256').update(body).digest('hex');
  cache[hash] ??= brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length;
  return { gzip: gzipSync(body, { level: 9 }).length, brotli: cache[hash] };
}

/** The goal is "the smallest download of the four": the release app's first load (dist/,
 * served with its CSP, everything the browser fetches until the dashboard is up and the
 * network idle), against each peer's W4 download (library, workers, wasm, the bench page). */
async function download(browser, fetched, record) {
  const cache = existsSync(BROTLI_CACHE) ? JSON.parse(await readFile(BROTLI_CACHE, 'utf8')) : {};
  const row = (files) => {
    const sizes = files.map((f) => ({ raw: f.body.length, ...compressedSizes(f.body, cache) }));
    const sum = (k) => sizes.reduce((s, x) => s + x[k], 0);
    return { requests: files.length, bytes_raw: sum('raw'), bytes_gzip: sum('gzip'), bytes_brotli: sum('brotli'), files: files.map((f, i) => ({ name: f.name, ...sizes[i] })) };
  };
  if (TOOLS.includes('tradelens')) {
    try {
      if (!existsSync(join(DIST, 'index.html'))) throw new Error('no dist/: run `make build` (trunk build --release) first');
      const files = await appFirstLoad(browser);
      record('download', 'tradelens', { what: 'the release app (dist/): page, JS, wasm, CSS, icon', ...row(files) });
    } catch (e) {
      record('download', 'tradelens', { failed: e.message.split('\n')[0] });
    }
  }
  for (const tool of TOOLS.filter((t) => t !== 'tradelens')) {
    if (!fetched[tool]) { record('download', tool, { failed: 'no W4 download to measure' }); continue; }
    record('download', tool, { what: 'as W4: library, workers and wasm, apache-arrow where used, the bench page', ...row(fetched[tool]) });
  }
  await mkdir(dirname(BROTLI_CACHE), { recursive: true });
  await writeFile(BROTLI_CACHE, JSON.stringify(cache) + '\n');
}

/** Everything the release app's page fetches on a first visit (fresh context). */
async function appFirstLoad(browser) {
  const server = await startServer({ dir: DIST });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const responses = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(server.url, { waitUntil: 'networkidle' });
    // The dashboard is up once its panels are (the default page: demo feed, no shared link).
    await page.waitForSelector('[data-testid="panel"]', { state: 'attached', timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    const files = [];
    for (const r of responses) {
      if (!r.url().startsWith(server.url)) continue;
      files.push({ name: new URL(r.url()).pathname, body: await r.body() });
    }
    console.log(`release app first load: ${files.map((f) => `${f.name} (${f.body.length} B)`).join(', ')}`);
    return files;
  } finally {
    await context.close();
    await server.close();
  }
}

async function workload(name, tool, warmup, runs, run, resultOf, errors, record, reference, isW2 = false) {
  const times = [];
  let warmupCounted = false;
  const began = Date.now();
  try {
    for (let i = 0; i < warmup + runs; i++) {
      if (times.length > 0 && Date.now() - began > BUDGET_S * 1000) break;
      const r = await run();
      const result = resultOf(r);
      if (tool === 'tradelens') reference[name] = result;
      const want = reference[name];
      if (!want) throw new Error('no TradeLens result to check against');
      const why = isW2
        ? difference(want.result, result.result) ?? difference(want.last, result.last)
        : difference(want, result);
      if (why) throw new Error(`wrong aggregates: ${why}`);
      const long = i < warmup && r.ms > (BUDGET_S * 1000) / 2;
      if (i >= warmup || long) times.push(r.ms);
      if (long) warmupCounted = true;
      console.error(`  ${name} ${NAMES[tool]} ${i < warmup && !long ? 'warm-up' : 'run'} ${i + 1}/${warmup + runs}: ${r.ms.toFixed(1)} ms, checked`);
    }
    record(name, tool, { ...summary(times), ...(warmupCounted ? { warmup_counted: true } : {}) });
  } catch (e) {
    const why = (e.message ?? String(e)).split('\n')[0] + (errors.length ? ` (page: ${errors[0]})` : '');
    record(name, tool, { failed: why });
  }
}

/** The decoding table: medians, rates, and TradeLens's rate over its baseline's. */
export function decodeTable(out) {
  const lines = ['| workload | decoder | median | MB/s | trades/s | runs | vs baseline |', '|---|---|---:|---:|---:|---:|---:|'];
  const rows = out.results.filter((r) => r.workload in DECODE_TITLES);
  for (const r of rows) {
    const name = r.tool !== 'TradeLens'
      ? `JS baseline: ${r.version}`
      : r.version === 'in-wasm loop' ? 'TradeLens, all in one call (no JS crossing per message)' : 'TradeLens (wasm, as shipped)';
    if (r.failed) {
      lines.push(`| ${DECODE_TITLES[r.workload]} | ${name} | failed: ${r.failed.replaceAll('|', '/')} | | | | |`);
      continue;
    }
    const ratio = r.vs_baseline ? `${r.vs_baseline.toFixed(2)}x` : '1.00x';
    lines.push(`| ${DECODE_TITLES[r.workload]} | ${name} | ${r.median_ms.toFixed(1)} ms | ${r.mb_per_s.toFixed(0)} | ${(r.trades_per_s / 1e6).toFixed(2)} M | ${r.runs} | ${ratio} |`);
  }
  const first = rows.find((r) => !r.failed);
  const about = first
    ? `${first.trades.toLocaleString('en')} trades; ${first.browser}, ${out.machine.cpus} × ${out.machine.cpu}, ${first.measured.slice(0, 10)}. `
    : '';
  return lines.join('\n') + `\n\n${about}MB/s counts 10^6 bytes of input. "vs baseline" is TradeLens's rate divided by the baseline's, measured alternately in the same page.`;
}

/** Rewrites the README's tables: the peers' (when `peersToo`) and the decoding one. */
async function updateReadme(out, peersToo) {
  const path = join(ROOT, 'README.md');
  let readme = await readFile(path, 'utf8');
  const [start, end] = ['<!-- bench-decode:start -->', '<!-- bench-decode:end -->'];
  const [a, b] = [readme.indexOf(start), readme.indexOf(end)];
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} marker`);
  await writeFile(path, readme.slice(0, a + start.length) + '\n' + decodeTable(out) + '\n' + readme.slice(b));
  if (peersToo) await updatePeerTable(out);
}

await main();
