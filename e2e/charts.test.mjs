// End-to-end: each chart panel downloads its picture as PNG and its data as CSV, under the
// production CSP. One behaviour per test.
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

const panelButton = (chart, button) => `figure:has([data-testid="${chart}"]) [data-testid="${button}"]`;

test('the revenue panel downloads a PNG of its canvas', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]')?.hasAttribute('data-plot-area'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(panelButton('chart-revenue', 'panel-png'))]);
  assert.equal(download.suggestedFilename(), 'chart-revenue.png');
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  // The image is the canvas's backing store: its size is in the IHDR chunk.
  const size = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="chart-revenue"]');
    return [c.width, c.height];
  });
  assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], size);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the revenue panel downloads its series as CSV, the values the chart shows', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]')?.dataset.values);
  // Paused, so the chart's data cannot change between reading it and downloading.
  await page.click('[data-testid="pause"]');
  const shown = await page.evaluate(() => document.querySelector('[data-testid="chart-revenue"]').dataset.values);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(panelButton('chart-revenue', 'panel-csv'))]);
  assert.equal(download.suggestedFilename(), 'chart-revenue.csv');
  const lines = (await readFile(await download.path(), 'utf8')).split('\r\n').filter((l) => l);
  assert.equal(lines[0], 'time,Total');
  const rows = new Map(lines.slice(1).map((l) => {
    const [time, value] = l.split(',');
    return [Date.parse(time), Number(value)];
  }));
  // Every point the chart exposes (its latest 120) is a row of the CSV, value for value.
  const points = shown.split(',').map((p) => p.split('=').map(Number));
  assert.ok(points.length > 10);
  for (const [t, v] of points) assert.equal(rows.get(t), v, `bucket ${new Date(t).toISOString()}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the top panel downloads its bars as CSV', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="chart-top"]')?.hasAttribute('data-plot-area'));
  await page.click('[data-testid="pause"]');
  const label = await page.evaluate(() => document.querySelector('[data-testid="chart-top"]').getAttribute('aria-label'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(panelButton('chart-top', 'panel-csv'))]);
  assert.equal(download.suggestedFilename(), 'chart-top.csv');
  const lines = (await readFile(await download.path(), 'utf8')).split('\r\n').filter((l) => l);
  assert.equal(lines[0], 'name,revenue');
  const names = lines.slice(1).map((l) => l.split(',')[0]);
  assert.ok(names.length > 0 && names.length <= 8, `${names.length} bars`);
  // In the order the panel lists them, and every value a positive number.
  const listed = label.slice(label.indexOf(': ') + 2).split(', ').map((s) => s.slice(0, s.lastIndexOf(' ')));
  assert.deepEqual(names, listed);
  for (const l of lines.slice(1)) assert.ok(Number(l.split(',').at(-1)) > 0, l);
  assert.deepEqual(problems, []);
  await context.close();
});
