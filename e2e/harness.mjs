// Shared set-up for the end-to-end tests: serve the release dist/ on loopback with its
// production CSP, launch Debian's Chromium through playwright-core, and record every console
// error, page error and CSP violation so each test can assert there were none.
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launch() {
  const server = await startServer({ dir: 'dist' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A new page whose problems (console errors, uncaught errors, CSP violations) are collected.
 * `init`, a function, runs in the page before any of its scripts, on every load.
 */
export async function openPage(browser, url, { deviceScaleFactor = 1, timezoneId, init } = {}) {
  const context = await browser.newContext({ deviceScaleFactor, timezoneId, viewport: { width: 1280, height: 900 } });
  const opened = await openPageIn(context, url, { init });
  return { ...opened, context };
}

/** [`openPage`] in an existing context (a second tab, or a persistent profile). */
export async function openPageIn(context, url, { init } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.exposeFunction('__reportCspViolation', (text) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`),
    );
  });
  if (init) await page.addInitScript(init);
  const started = Date.now();
  await page.goto(url);
  return { page, context, problems, started };
}

/**
 * Chromium as a child process of its own (a process group), on profile `dir`, driven over the
 * DevTools protocol, so a test can kill it outright (SIGKILL, no shutdown) and start it again
 * on the same profile.
 */
export async function startKillableChromium(dir) {
  const { spawn } = await import('node:child_process');
  const { mkdir } = await import('node:fs/promises');
  // A killed Chromium leaves its temporary directories behind (about 100 MB each): keep them
  // under the test's own directory, which the test removes.
  const tmp = `${dir}-tmp`;
  await mkdir(tmp, { recursive: true });
  const child = spawn(CHROMIUM, [...ARGS, '--headless=new', `--user-data-dir=${dir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, TMPDIR: tmp },
  });
  const endpoint = await new Promise((ok, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`chromium did not start: ${err}`)), 20_000);
    child.once('exit', (code) => fail(new Error(`chromium exited with ${code}: ${err}`)));
    child.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    browser,
    context: browser.contexts()[0],
    /** Kills the whole browser (every process of its group) at once. */
    kill() {
      return new Promise((ok) => {
        if (child.exitCode !== null || child.signalCode !== null) return ok();
        child.once('exit', ok);
        process.kill(-child.pid, 'SIGKILL');
      });
    },
  };
}

/** Waits until `fn` (run in the page) returns a truthy value; returns that value. */
export async function until(page, fn, arg, timeout = 10_000) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 'raf' });
  return handle.jsonValue();
}

/** Counts pixels in a canvas's recorded plot area that differ from its background. */
export function drawnPixels(page, testid) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"]`);
    const area = canvas?.getAttribute('data-plot-area');
    if (!area) return 0;
    const [x, y, w, h] = area.split(',').map(Number);
    const ctx = canvas.getContext('2d');
    const bg = ctx.getImageData(0, 0, 1, 1).data;
    const data = ctx.getImageData(x, y, w, h).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== bg[0] || data[i + 1] !== bg[1] || data[i + 2] !== bg[2]) n++;
    }
    return n;
  }, testid);
}

/** The raw numbers of every KPI (elements whose data-testid begins with `kpi-`). */
export function kpis(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid^="kpi-"]')].map((el) => [
        el.dataset.testid,
        el.dataset.value === '' ? null : Number(el.dataset.value),
      ]),
    ),
  );
}
