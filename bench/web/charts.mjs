// Redraw time of the app's line panel with 1,000,000 points (decimated per pixel column)
// against the same panel with 1,000 points, measured in the same page, alternating runs, in
// Debian's headless Chromium (playwright-core) at devicePixelRatio 1 and 2. Needs
// `make bench-wasm` first. Prints medians (ms) and their ratio as JSON.
//   node bench/web/charts.mjs [--quick]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const QUICK = process.argv.includes('--quick');
const BIG = QUICK ? 100_000 : 1_000_000;
const SMALL = 1_000;
const WARMUP = QUICK ? 1 : 3;
const RUNS = QUICK ? 3 : 21;
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };

async function serve() {
  const allowed = join(ROOT, 'bench', 'web') + sep;
  const server = createServer(async (req, res) => {
    const file = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!file.startsWith(allowed)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/bench/web/charts.html`, close: () => server.close() };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = (x) => Math.round(x * 100) / 100;

const server = await serve();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
const results = [];
const version = browser.version();
try {
  for (const dpr of [1, 2]) {
    const context = await browser.newContext({ deviceScaleFactor: dpr });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => window.bench, null, { timeout: 30_000 });
    await page.evaluate(() => window.bench.init());
    const r = await page.evaluate(([b, s, w, n]) => window.bench.run(b, s, w, n), [BIG, SMALL, WARMUP, RUNS]);
    if (errors.length) throw new Error(errors.join('\n'));
    const [big, small] = [median(r.big), median(r.small)];
    results.push({
      dpr: r.dpr, canvas: `${r.width}x${r.height}`, runs: RUNS,
      [`median_ms_${BIG}`]: round(big), [`median_ms_${SMALL}`]: round(small), ratio: round(big / small),
      [`decimate_only_median_ms_${BIG}`]: round(median(r.decimate)),
      [`min_ms_${BIG}`]: round(Math.min(...r.big)), [`max_ms_${BIG}`]: round(Math.max(...r.big)),
    });
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify({ benchmark: 'line panel redraw', chromium: version, results }, null, 2));
