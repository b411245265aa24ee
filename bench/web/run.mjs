// Runs the browser benchmarks: serves bench/web and node_modules on loopback, opens one page
// per tool in Debian's headless Chromium (playwright-core), runs each workload with warm-up
// and measured runs, checks every run's aggregates against TradeLens's, and writes
// bench/results.json and the README table (between <!-- bench:start --> and <!-- bench:end -->).
//   node bench/web/run.mjs [--quick]     (--quick: small sizes, for development)
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const QUICK = process.argv.includes('--quick');
const TOOLS = (process.env.BENCH_TOOLS ?? 'tradelens,duckdb,perspective,arquero').split(',');
const NAMES = { tradelens: 'TradeLens', duckdb: 'DuckDB-Wasm', perspective: 'Perspective', arquero: 'Arquero' };
const VERSIONS = { tradelens: 'workspace', duckdb: '1.32.0', perspective: '3.8.0', arquero: '8.0.3' };
const N = QUICK ? 100_000 : 1_000_000;
const W1 = { warmup: QUICK ? 1 : 2, runs: QUICK ? 2 : 5 };
const W2 = { warmup: QUICK ? 0 : 1, runs: QUICK ? 1 : 3, steps: QUICK ? 10 : 100, batch: 1_000 };
const W4 = { runs: QUICK ? 2 : 5, trades: 10_000 };
/** Past this many seconds on one workload, a tool stops after its current measured run (at
 * least one): a slow peer must not push `make bench` past its 20 minutes. The table shows
 * how many runs each median is of. */
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 120);
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
      await workload('W1', tool, W1.warmup, W1.runs, () => page.evaluate((n) => window.bench.w1(n), N), (r) => r.result, errors, record, reference);
      // W2: N trades loaded, then appends, each followed by the touched buckets' aggregates.
      await workload('W2', tool, W2.warmup, W2.runs,
        () => page.evaluate(([n, s, b]) => window.bench.w2(n, s, b), [N, W2.steps, W2.batch]),
        (r) => r, errors, record, reference, true);
      await context.close();
    }
    // W4: cold start in a fresh context (empty cache), bytes transferred.
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
          if (i === 0) console.log(`${tool} cold start downloads: ${server.served.map((s) => s.file.slice(ROOT.length)).join(', ')}`);
        } catch (e) {
          failed = e.message.split('\n')[0];
        }
        await context.close();
      }
      record('W4', tool, failed ? { failed } : { ...summary(times), bytes_raw: bytes.raw, bytes_gzip: bytes.gzip, requests: bytes.requests });
    }
  } finally {
    await browser.close();
    server.close();
  }
  const out = {
    generated: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), platform: process.platform },
    config: { trades: N, W1, W2, W4, budget_s: BUDGET_S, sum_tolerance: SUM_TOLERANCE, quick: QUICK },
    results,
  };
  const file = QUICK ? join(ROOT, 'bench', 'results-quick.tmp') : join(ROOT, 'bench', 'results.json');
  await writeFile(file, JSON.stringify(out, null, 2) + '\n');
  if (!QUICK) await updateReadme(out);
  console.log(table(out));
}

async function workload(name, tool, warmup, runs, run, resultOf, errors, record, reference, isW2 = false) {
  const times = [];
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
      if (i >= warmup) times.push(r.ms);
      console.error(`  ${name} ${NAMES[tool]} ${i < warmup ? 'warm-up' : 'run'} ${i + 1}/${warmup + runs}: ${r.ms.toFixed(1)} ms, checked`);
    }
    record(name, tool, summary(times));
  } catch (e) {
    const why = (e.message ?? String(e)).split('\n')[0] + (errors.length ? ` (page: ${errors[0]})` : '');
    record(name, tool, { failed: why });
  }
}

const TITLES = {
  W1: `W1: load ${(N / 1e6).toFixed(1)} M trades, aggregate per minute and symbol`,
  W2: `W2: ${W2.steps} appends of ${W2.batch} trades, each brought up to date (total)`,
  W4: `W4: cold start to first result (${W4.trades / 1000} k trades)`,
};

/** The README table: medians, and the ratio of the fastest peer's median to each tool's. */
export function table(out) {
  const lines = ['| workload | tool | median | min | max | runs | vs fastest peer | download raw / gzip |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const w of ['W1', 'W2', 'W4']) {
    const rows = out.results.filter((r) => r.workload === w);
    const peers = rows.filter((r) => r.tool !== 'TradeLens' && !r.failed);
    const fastest = peers.length ? Math.min(...peers.map((r) => r.median_ms)) : null;
    for (const r of rows) {
      const ms = (x) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
      const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
      const bytes = r.bytes_raw ? `${kib(r.bytes_raw)} / ${kib(r.bytes_gzip)}` : '';
      if (r.failed) {
        lines.push(`| ${TITLES[w]} | ${r.tool} ${r.version} | failed: ${r.failed.replaceAll('|', '/')} | | | | | |`);
      } else {
        const ratio = fastest ? `${(fastest / r.median_ms).toFixed(2)}x` : '';
        lines.push(`| ${TITLES[w]} | ${r.tool} ${r.version} | ${ms(r.median_ms)} | ${ms(r.min_ms)} | ${ms(r.max_ms)} | ${r.runs} | ${ratio} | ${bytes} |`);
      }
    }
  }
  return lines.join('\n') + `\n\n${out.browser}, ${out.machine.cpus} × ${out.machine.cpu}, ${out.generated.slice(0, 10)}. ` +
    '"vs fastest peer" is the fastest peer\'s median divided by this tool\'s: above 1x is faster than every peer.';
}

async function updateReadme(out) {
  const path = join(ROOT, 'README.md');
  const readme = await readFile(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const [a, b] = [readme.indexOf(start), readme.indexOf(end)];
  if (a < 0 || b < a) throw new Error('README.md has no bench markers');
  await writeFile(path, readme.slice(0, a + start.length) + '\n' + table(out) + '\n' + readme.slice(b));
}

await main();
