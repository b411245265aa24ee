// End-to-end: the Analysis tab, reached by keyboard alone, shows the fit table, its charts and
// the elasticity table, with no console error and no CSP violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawnPixels, launch, openPage, until } from './harness.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test('the Analysis tab opens by keyboard and shows the fit table', async () => {
  const { page, problems, context } = await openPage(env.browser, env.server.url);
  await until(page, () => document.querySelector('[data-testid="chart-revenue"]')?.hasAttribute('data-plot-area'));
  // Tab from the top of the page to the selected tab, then move right with the arrow key.
  let focused = null;
  for (let i = 0; i < 10 && focused !== 'tab-dashboard'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.dataset.testid ?? null);
  }
  assert.equal(focused, 'tab-dashboard');
  await page.keyboard.press('ArrowRight');
  await until(page, () => document.querySelector('[data-testid="fit-table"]'));
  assert.equal(await page.getAttribute('[data-testid="tab-analysis"]', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tab-analysis');
  const n = Number(await page.getAttribute('[data-testid="fit-n"]', 'data-value'));
  assert.ok(n > 50, `fit on ${n} buckets`);
  await until(page, () => document.querySelector('[data-testid="chart-scatter"]')?.hasAttribute('data-plot-area'));
  assert.ok((await drawnPixels(page, 'chart-scatter')) > 500);
  await until(page, () => document.querySelectorAll('[data-testid="elasticity-row"]').length === 12);
  assert.deepEqual(problems, []);
  await context.close();
});
