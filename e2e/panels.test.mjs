// End-to-end: the visitor arranges the dashboard's panels, picks a theme and a time zone, and
// finds them again after a reload; axe-core finds no accessibility violation on either page in
// either theme. One behaviour per test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, openPage, until } from './harness.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** The panels on screen, in order, as `kind` strings. */
function kinds(page) {
  return page.$$eval('[data-testid="panel"]', (els) => els.map((e) => e.dataset.kind));
}

async function ready(page) {
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]')?.hasAttribute('data-plot-area'));
}

test('panels are added, moved, resized and removed, and the layout survives a reload', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await ready(page);
  assert.deepEqual(await kinds(page), ['kpi', 'line', 'bars', 'forecast']);

  // A second line chart, of order counts, moved to the top from the keyboard.
  await page.selectOption('[data-testid="panel-kind"]', 'line');
  await page.click('[data-testid="panel-add"]');
  await until(page, () => document.querySelectorAll('[data-testid="panel"]').length === 5);
  const added = page.locator('[data-testid="panel"]').nth(4);
  await added.locator('[data-testid="chart-metric"]').selectOption('count');
  await until(
    page,
    () => document.querySelectorAll('[data-testid="panel"]')[4].querySelector('canvas[data-draws]').dataset.metric === 'count',
  );
  const up = added.locator('[data-testid="panel-up"]');
  await up.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('Enter');
  await until(page, () => document.querySelector('[data-testid="panel"]').dataset.kind === 'line'
    && document.querySelector('[data-testid="panel"] canvas[data-draws]').dataset.metric === 'count');
  assert.deepEqual(await kinds(page), ['line', 'kpi', 'line', 'bars', 'forecast']);
  // The panel is first, so "earlier" is disabled: the focus went to "later" in the same panel.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'panel-down');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-testid="panel"]') === document.querySelector('[data-testid="panel"]')), true);

  // Full width and tall: the canvas grows to match.
  const first = page.locator('[data-testid="panel"]').first();
  const heightBefore = await first.locator('canvas[data-draws]').evaluate((c) => c.clientHeight);
  await first.locator('[data-testid="panel-wide"]').click();
  await first.locator('[data-testid="panel-height"]').selectOption('l');
  await until(page, () => document.querySelector('[data-testid="panel"]').classList.contains('wide')
    && document.querySelector('[data-testid="panel"]').classList.contains('h-l'));
  const heightAfter = await first.locator('canvas[data-draws]').evaluate((c) => c.clientHeight);
  assert.ok(heightAfter > heightBefore, `${heightBefore} -> ${heightAfter}`);

  // The forecast goes.
  await page.locator('[data-kind="forecast"] [data-testid="panel-remove"]').click();
  await until(page, () => !document.querySelector('[data-kind="forecast"]'));

  await page.reload();
  await until(page, () => document.querySelectorAll('[data-testid="panel"]').length === 4
    && document.querySelector('[data-testid="panel"] canvas[data-draws]')?.dataset.metric === 'count');
  assert.deepEqual(await kinds(page), ['line', 'kpi', 'line', 'bars']);
  const cls = await first.getAttribute('class');
  assert.match(cls, /\bwide\b/);
  assert.match(cls, /\bh-l\b/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('every kind of panel can be added and draws its data', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await ready(page);
  const offered = await page.$$eval('[data-testid="panel-kind"] option', (os) => os.map((o) => o.value));
  assert.deepEqual(offered, ['kpi', 'line', 'candles', 'bars', 'histogram', 'scatter', 'heatmap', 'table', 'forecast']);
  for (const kind of ['candles', 'histogram', 'scatter', 'heatmap', 'table']) {
    await page.selectOption('[data-testid="panel-kind"]', kind);
    await page.click('[data-testid="panel-add"]');
  }
  for (const id of ['chart-candles', 'chart-histogram', 'chart-scatter', 'chart-heatmap']) {
    await until(page, (id) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.draws) > 0
      && document.querySelector(`[data-testid="${id}"]`).hasAttribute('data-plot-area'), id);
    // A text summary for screen readers names what the chart shows.
    const label = await page.getAttribute(`[data-testid="${id}"]`, 'aria-label');
    assert.ok(label && label.length > 20 && !/no data/.test(label), `${id}: ${label}`);
  }
  await until(page, () => document.querySelectorAll('[data-testid="data-table-row"]').length > 5);
  // Virtualised: a day of orders (over 200,000) but only the rows in view are in the page.
  assert.ok((await page.locator('[data-testid="data-table-row"]').count()) < 100);
  // A full dashboard (12 panels) refuses a thirteenth with a message.
  for (let i = 0; i < 3; i++) await page.click('[data-testid="panel-add"]');
  await until(page, () => document.querySelectorAll('[data-testid="panel"]').length === 12);
  await page.click('[data-testid="panel-add"]');
  await until(page, () => /at most 12 panels/.test(document.querySelector('[data-testid="panel-error"]').textContent));
  assert.equal(await page.locator('[data-testid="panel"]').count(), 12);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a top-N panel draws the number of bars asked for', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await ready(page);
  const bars = page.locator('[data-kind="bars"]');
  await bars.locator('[data-testid="panel-top-n"]').fill('3');
  await bars.locator('[data-testid="panel-top-n"]').press('Enter');
  await until(page, () => document.querySelector('[data-testid="chart-top"]')?.getAttribute('aria-label')?.startsWith('Top 3 '));
  const label = await page.getAttribute('[data-testid="chart-top"]', 'aria-label');
  // "Top 3 products by revenue: A 1.2k, B 1.1k, C 900": three entries after the colon.
  assert.equal(label.split(': ')[1].split(', ').length, 3, label);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a panel with its own bucket and symbol shows its own sums of the same trades', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await ready(page);
  // The dashboard groups by product; the bars panel keeps only the top product, the line panel
  // buckets by the hour while the dashboard stays at 15 minutes.
  await page.selectOption('[data-testid="bucket-select"]', '15m');
  const line = page.locator('[data-kind="line"]');
  await line.locator('[data-testid="panel-scope"]').click();
  await line.locator('[data-testid="panel-bucket"]').selectOption('1h');
  await until(page, () => document.querySelector('[data-kind="line"] canvas[data-draws]').dataset.bucket === '3600000');
  assert.equal(await line.locator('[data-testid="panel-scope"]').textContent(), 'Data: own');
  // Compared with a second line panel on the dashboard's own 15-minute buckets: each whole
  // hour of the panel is the sum of its four quarters (the demo is paused, so both read the
  // same trades).
  await page.selectOption('[data-testid="panel-kind"]', 'line');
  await page.click('[data-testid="panel-add"]');
  await page.click('[data-testid="pause"]');
  const values = (i) =>
    page.evaluate((i) => {
      const c = document.querySelectorAll('[data-kind="line"] canvas[data-draws]')[i];
      return Object.fromEntries(c.dataset.values.split(',').map((kv) => kv.split('=').map(Number)));
    }, i);
  await until(page, () => document.querySelectorAll('[data-kind="line"] canvas[data-draws]')[1]?.dataset.bucket === '900000');
  // Both panels have drawn the paused data: the newest quarter lies in the newest hour.
  await until(page, () => {
    const last = (i) => {
      const v = document.querySelectorAll('[data-kind="line"] canvas[data-draws]')[i].dataset.values;
      return Math.max(...v.split(',').map((kv) => Number(kv.split('=')[0])));
    };
    const q = last(1);
    return q - (q % 3_600_000) <= last(0);
  });
  const [hourly, quarters] = [await values(0), await values(1)];
  const hours = Object.keys(hourly).map(Number).sort((a, b) => a - b);
  let checked = 0;
  for (const h of hours) {
    const parts = [0, 1, 2, 3].map((k) => quarters[h + k * 900_000]);
    if (parts.some((p) => p === undefined)) continue;
    const sum = parts.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - hourly[h]) <= 1e-9 * Math.abs(sum), `${h}: ${sum} vs ${hourly[h]}`);
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} whole hours compared`);

  // Only one product in the bars panel.
  const bars = page.locator('[data-kind="bars"]');
  const top = (await page.getAttribute('[data-testid="chart-top"]', 'aria-label')).split(': ')[1].split(', ')[0];
  const product = top.replace(/ [^ ]+$/, '');
  await bars.locator('[data-testid="panel-scope"]').click();
  await bars.locator('[data-testid="panel-symbol"]').fill(product);
  await bars.locator('[data-testid="panel-symbol"]').press('Enter');
  await until(page, () => document.querySelector('[data-testid="chart-top"]').getAttribute('aria-label').split(': ')[1].split(', ').length === 1);
  assert.match(await page.getAttribute('[data-testid="chart-top"]', 'aria-label'), new RegExp(`: ${product.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the theme switch overrides the system and follows it again on "System"', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await page.emulateMedia({ colorScheme: 'light' });
  await ready(page);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.selectOption('[data-testid="theme"]', 'dark');
  await until(page, () => document.documentElement.dataset.theme === 'dark');
  const dark = await background();
  assert.notEqual(dark, light);
  // The charts redraw in the dark palette: the canvas's top-left pixel is the dark surface.
  await until(page, () => {
    const c = document.querySelector('[data-testid="chart-revenue"]');
    const [r, g, b] = c.getContext('2d').getImageData(1, 1, 1, 1).data;
    return r + g + b < 150;
  });
  await page.reload();
  await until(page, () => document.documentElement.dataset.theme === 'dark');
  assert.equal(await background(), dark);
  // "System" with a dark system is dark too; with a light one, light.
  await page.selectOption('[data-testid="theme"]', 'system');
  await until(page, () => !document.documentElement.hasAttribute('data-theme'));
  assert.equal(await background(), light);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await background(), dark);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the time zone setting moves the buckets to that zone', async () => {
  // Kolkata is UTC+5:30: its hours start half an hour off UTC's.
  const { page, problems, context } = await openPage(env.browser, env.server.url, { timezoneId: 'Asia/Kolkata' });
  await ready(page);
  await page.selectOption('[data-testid="bucket-select"]', '1h');
  const firstBucket = () =>
    page.evaluate(() => {
      const v = document.querySelector('[data-testid="chart-revenue"]').dataset.values;
      return Number(v.split(',')[0].split('=')[0]);
    });
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]').dataset.bucket === '3600000');
  assert.equal((await firstBucket()) % 3_600_000, 1_800_000);
  await page.selectOption('[data-testid="zone"]', 'UTC');
  await until(page, () => document.querySelector('[data-testid="status"]').textContent.includes('times in UTC'));
  await until(page, () => {
    const v = document.querySelector('[data-testid="chart-revenue"]').dataset.values;
    return Number(v.split(',')[0].split('=')[0]) % 3_600_000 === 0;
  });
  await page.selectOption('[data-testid="zone"]', 'Asia/Tokyo');
  await until(page, () => document.querySelector('[data-testid="status"]').textContent.includes('times in Asia/Tokyo'));
  assert.deepEqual(problems, []);
  await context.close();
});

const AXE = await readFile(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** axe-core's violations on the page as it is, as readable lines. */
async function violations(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
  });
  return found;
}

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds no violations on either page in the ${scheme} theme`, async () => {
    const { page, problems, context } = await openPage(env.browser, env.server.url);
    await page.emulateMedia({ colorScheme: scheme });
    await ready(page);
    assert.deepEqual(await violations(page), [], 'dashboard');
    await page.click('[data-testid="tab-analysis"]');
    await until(page, () => document.querySelector('#page-analysis'));
    assert.deepEqual(await violations(page), [], 'analysis');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
