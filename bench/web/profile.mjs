// Where the page's main thread goes while it ingests: a CPU profile of the app with six panels
// and three Binance feeds from feedsim (the set-up of frames.mjs), summed by function, and the
// same for the stretches of more than 50 ms without idle time (what makes frames late).
//
// Usage: node bench/web/profile.mjs [rate] [dist]   (defaults: 10000, dist)
// For function names, build the app once without wasm-opt and with its name section:
//   sed -i 's#data-wasm-opt="z"#data-wasm-opt="0" data-keep-debug#' index.html
//   trunk build --release --dist target/dist-prof && git checkout index.html
//   node bench/web/profile.mjs 10000 target/dist-prof
// Writes target/profile.cpuprofile (open it in Chromium's DevTools, Performance panel).
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { ARGS, CHROMIUM, until } from '../../e2e/harness.mjs';
import { startFeedsim } from '../../e2e/feedsim.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { link } from './frames.mjs';

const rate = Number(process.argv[2] ?? 10_000);
const dir = process.argv[3] ?? 'dist';
const PROFILE_MS = 8_000;

const server = await startServer({ dir });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
const sim = await startFeedsim(['--rate', String(rate), '--max-seconds', '600', '--history', '200000']);
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(link(server.url, sim));
  await until(page, () => document.querySelector('[data-testid="share-open"]'), null, 30_000);
  await page.click('[data-testid="share-open"]');
  await until(page, () => document.querySelectorAll('[data-testid="feed-row"][data-feed-key^="binance:"][data-state="connected"]').length === 3, null, 60_000);
  await page.waitForTimeout(4_000); // warm-up: a benchmark's fixed interval, not a UI wait
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(PROFILE_MS);
  const { profile } = await cdp.send('Profiler.stop');
  await writeFile('target/profile.cpuprofile', JSON.stringify(profile));
  report(profile);
  await context.close();
} finally {
  await sim.close();
  await browser.close();
  await server.close();
}

/** Prints inclusive shares by function: of all samples, then of the long busy stretches. */
function report(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  profile.nodes.forEach((n) => (n.children ?? []).forEach((c) => parent.set(c, n.id)));
  const name = (id) => byId.get(id).callFrame.functionName.replace(/::h[0-9a-f]{16}/, '') || '(anonymous)';
  let t = profile.startTime;
  const samples = profile.samples.map((id, i) => ({ id, dt: profile.timeDeltas[i], t: (t += profile.timeDeltas[i]) }));
  const inclusive = (list) => {
    const total = list.reduce((a, s) => a + s.dt, 0);
    const sums = new Map();
    for (const s of list) {
      const seen = new Set();
      for (let c = s.id; c !== undefined; c = parent.get(c)) {
        const f = name(c);
        if (!seen.has(f)) sums.set(f, (sums.get(f) ?? 0) + s.dt), seen.add(f);
      }
    }
    return [...sums].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([f, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}  ${f.slice(0, 140)}`);
  };
  console.log(`rate ${rate}/s, ${(PROFILE_MS / 1000).toFixed(0)} s profiled; inclusive share of all samples:`);
  console.log(inclusive(samples).join('\n'));
  const stretches = [];
  let cur = null;
  for (const s of samples) {
    if (name(s.id) === '(idle)') {
      if (cur) stretches.push(cur);
      cur = null;
    } else (cur ??= []).push(s);
  }
  const long = stretches.filter((r) => r[r.length - 1].t - r[0].t > 50_000);
  console.log(`\n${long.length} busy stretches over 50 ms (${(long.reduce((a, r) => a + r[r.length - 1].t - r[0].t, 0) / 1000).toFixed(0)} ms); inclusive share within them:`);
  console.log(inclusive(long.flat()).join('\n'));
}
