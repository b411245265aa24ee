// End-to-end: the release build, served from loopback with the production CSP, opens straight
// into a live demo dashboard. One behaviour per test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawnPixels, kpis, launch, openPage, until } from './harness.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test('the revenue chart draws data within 3 s of navigation', async (t) => {
  const { page, problems, started, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]')?.hasAttribute('data-plot-area'), null, 3_000);
  const drawn = await drawnPixels(page, 'chart-revenue');
  const elapsed = Date.now() - started;
  assert.ok(elapsed <= 3_000, `drawn after ${elapsed} ms`);
  t.diagnostic(`first draw with data ${elapsed} ms after navigation (24 h of demo history replayed)`);
  // A line across hundreds of device pixels with an area under it: thousands of pixels.
  assert.ok(drawn > 1_000, `only ${drawn} pixels drawn in the plot area`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('KPI values increase while the demo runs', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="kpi-count"]')?.dataset.value);
  const first = await kpis(page);
  assert.deepEqual(Object.keys(first).sort(), ['kpi-average', 'kpi-count', 'kpi-rate', 'kpi-revenue']);
  for (const [id, value] of Object.entries(first)) assert.ok(value > 0, `${id} = ${value}`);
  // Cumulative figures grow with every order; the average and the rate move with them.
  await until(
    page,
    (n) => Number(document.querySelector('[data-testid="kpi-count"]').dataset.value) > n,
    first['kpi-count'],
  );
  await until(
    page,
    (prev) => {
      const v = (id) => Number(document.querySelector(`[data-testid="${id}"]`).dataset.value);
      return v('kpi-revenue') > prev['kpi-revenue'] && v('kpi-average') !== prev['kpi-average'];
    },
    first,
  );
  const later = await kpis(page);
  assert.ok(later['kpi-count'] > first['kpi-count']);
  assert.ok(later['kpi-revenue'] > first['kpi-revenue']);
  assert.ok(later['kpi-rate'] > 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('changing the bucket size redraws the revenue chart', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]')?.dataset.bucket === '900000');
  const before = await page.evaluate(() => document.querySelector('[data-testid="chart-revenue"]').toDataURL());
  await page.selectOption('[data-testid="bucket-select"]', '1h');
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]').dataset.bucket === '3600000');
  const afterImage = await page.evaluate(() => document.querySelector('[data-testid="chart-revenue"]').toDataURL());
  assert.notEqual(afterImage, before);
  assert.ok((await drawnPixels(page, 'chart-revenue')) > 1_000);
  const caption = await page.textContent('figcaption');
  assert.match(caption, /per 1h/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the exchange switch shows trades, and group-by draws one line per group', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="kpi-count"]')?.dataset.value);
  await page.click('[data-testid="mode-exchange"]');
  await until(page, () => document.body.textContent.includes('Trades per second'));
  await page.selectOption('[data-testid="group-select"]', 'symbol');
  await until(page, () => /by symbols/.test(document.querySelector('[data-testid="chart-revenue"]').getAttribute('aria-label')));
  assert.ok((await drawnPixels(page, 'chart-revenue')) > 1_000);
  // Three demo symbols, three lines, three legend entries.
  assert.deepEqual((await page.locator('.legend li').allTextContents()).sort(), ['BTC-USD', 'ETH-USD', 'SOL-USD']);
  assert.equal(await page.getAttribute('[data-testid="mode-exchange"]', 'aria-pressed'), 'true');
  assert.deepEqual(problems, []);
  await context.close();
});

test('charts are sharp on a HiDPI screen', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url, { deviceScaleFactor: 2 });
  await until(page, () => document.querySelector('[data-testid="chart-top"]')?.hasAttribute('data-plot-area'));
  const sizes = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="chart-top"]');
    return { backing: c.width, css: c.clientWidth };
  });
  assert.equal(sizes.backing, sizes.css * 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test("times follow the visitor's time zone", async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url, { timezoneId: 'Asia/Kathmandu' });
  // Chromium's ICU may give the zone's older spelling, Asia/Katmandu.
  await until(page, () => /Asia\/Kath?mandu/.test(document.querySelector('[data-testid="status"]')?.textContent));
  // Kathmandu is UTC+05:45: with 1 h buckets, every bucket starts at a quarter to the UTC hour.
  await page.selectOption('[data-testid="bucket-select"]', '1h');
  const label = await until(page, () => {
    const l = document.querySelector('[data-testid="chart-revenue"]').getAttribute('aria-label');
    return /per 1h/.test(l) && l;
  });
  assert.match(label, /latest [\d,.]+ at \d\d:00, peak [\d,.]+ at \d\d:00/);
  assert.deepEqual(problems, []);
  await context.close();
});
