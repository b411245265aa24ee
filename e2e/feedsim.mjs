// The loopback feed simulator (crates/feedsim) as a child process for end-to-end tests: port 0,
// 127.0.0.1 only; resolves once it prints the address it listens on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { launch, until } from './harness.mjs';

const CANDIDATES = [process.env.FEEDSIM, 'target/debug/feedsim', 'target/release/feedsim'].filter(Boolean);

export async function startFeedsim(args = ['--rate', '50', '--max-seconds', '900']) {
  const bin = CANDIDATES.find((p) => existsSync(p));
  if (!bin) throw new Error(`no feedsim binary (tried ${CANDIDATES.join(', ')}): run make e2e`);
  const child = spawn(bin, ['--port', '0', '--host', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const addr = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`feedsim did not start: ${out}`)), 10_000);
    child.once('exit', (code) => fail(new Error(`feedsim exited with ${code}: ${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/feedsim listening on (127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  const http = `http://${addr}`;
  return {
    http,
    ws: `ws://${addr}`,
    /** POST /control/<action>?<query>; resolves to the JSON answer. */
    async control(action, query = '') {
      const r = await fetch(`${http}/control/${action}${query ? `?${query}` : ''}`, { method: 'POST' });
      if (!r.ok) throw new Error(`control ${action}: HTTP ${r.status} ${await r.text()}`);
      return r.json();
    },
    async sent(query = '') {
      const r = await fetch(`${http}/control/sent${query ? `?${query}` : ''}`);
      return r.json();
    },
    close() {
      return new Promise((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', ok);
        child.kill('SIGTERM');
      });
    },
  };
}

/** The feed-list row of the Binance BTC-USD feed. */
export const BINANCE_ROW = '[data-testid="feed-row"][data-feed-key="binance:BTCUSDT"]';

/**
 * Adds a Binance BTC-USD feed pointing at the simulator through the Feeds form, like a user;
 * resolves once it is connected. Returns the stream URL the form showed.
 */
export async function addBinanceFeed(page, sim) {
  await page.selectOption('[data-testid="venue-select"]', 'binance');
  await page.fill('[data-testid="venue-symbol"]', 'BTC-USD');
  await page.fill('[data-testid="venue-ws-base"]', sim.ws);
  const shown = await page.textContent('[data-testid="venue-url"]');
  await page.click('[data-testid="venue-add"]');
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected', BINANCE_ROW);
  return shown;
}

/**
 * For a test file: starts the simulator (with `args`, if given) and the browser (with the
 * served dist/) before its tests and stops both after. The returned object gets `sim` and
 * `env` once started.
 */
export function simulatorAndBrowser(args) {
  const started = {};
  before(async () => {
    started.sim = await startFeedsim(args);
    started.env = await launch();
  });
  after(async () => {
    await started.env?.close();
    await started.sim?.close();
  });
  return started;
}
