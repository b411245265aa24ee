// End-to-end: HTML pages as feeds. A saved page imported through the file picker, and a page
// polled from the loopback simulator (crates/feedsim `/orders.html`), each mapped with CSS
// selectors and previewed before anything is stored; plus polled CSV, which shares the
// polling decoder. Every test asserts zero console errors and CSP violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openPage, until } from './harness.mjs';
import { simulatorAndBrowser } from './feedsim.mjs';

const FIXTURE = 'crates/core/tests/fixtures/orders_page.html';
const ctx = simulatorAndBrowser();

/** The quality panel's counts for `feed`: accepted, skipped and each reason. */
function quality(page, feed) {
  return page.evaluate((f) => {
    const panel = document.querySelector('[data-testid="quality-panel"]');
    const names = [...panel.querySelectorAll('thead th')].slice(1).map((th) => th.textContent);
    const tr = [...panel.querySelectorAll('[data-testid="quality-row"]')].find((r) => r.dataset.feed === f);
    if (!tr) return null;
    const cells = [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/,/g, '')));
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  }, feed);
}

test('a saved HTML page is previewed with its selectors, then imported', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  const form = '[data-testid="add-file"]';
  await until(page, () => document.querySelector('[data-testid="file-input"]'));
  const scriptsBefore = await page.evaluate(() => document.scripts.length);
  await page.setInputFiles('[data-testid="file-input"]', {
    name: 'orders_page.html',
    mimeType: 'text/html',
    buffer: await readFile(FIXTURE),
  });
  // Guessed from the file name and the table's header: rows, cells, a preview of 5 rows.
  await until(page, (f) => document.querySelectorAll(`${f} [data-testid="preview-row"]`).length === 5, form);
  assert.equal(await page.inputValue(`${form} [data-testid="file-format"]`), 'html');
  assert.equal(await page.inputValue(`${form} [data-testid="html-rows"]`), 'table tbody tr');
  assert.equal(await page.getAttribute(`${form} [data-testid="html-row-count"]`, 'data-count'), '6');
  const head = await page.textContent(`${form} thead`);
  for (const m of ['time ← td.time time@datetime', 'price ← td.price', 'qty ← td.qty', 'symbol ← td.product']) {
    assert.ok(head.includes(m), `${m} in ${head}`);
  }
  // The escaped markup of a product is shown as text; nothing of the page became ours.
  assert.ok((await page.textContent(`${form} tbody`)).includes('<script>alert(1)</script>'));
  assert.equal(await page.evaluate(() => document.scripts.length), scriptsBefore);
  assert.equal(await page.$('[data-testid="feed-row"][data-feed-key="file:orders_page.html"]'), null, 'nothing stored before "Import"');
  // A selector the browser refuses is named in place of the preview, then corrected.
  await page.fill(`${form} [data-testid="html-rows"]`, 'tr!');
  await until(page, (f) => document.querySelector(`${f} [data-testid="html-rows-error"]`)?.textContent.includes('not valid CSS'), form);
  await page.fill(`${form} [data-testid="html-rows"]`, '#orders tbody tr');
  await until(page, (f) => document.querySelectorAll(`${f} [data-testid="preview-row"]`).length === 5, form);
  await page.click('[data-testid="file-import"]');
  const row = '[data-testid="feed-row"][data-feed-key="file:orders_page.html"]';
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'done', row);
  // Six rows: #1003 has no price, the second #1001 repeats the first.
  assert.equal(await page.getAttribute(row, 'data-accepted'), '4');
  const q = await until(page, (f) => {
    const panel = document.querySelector('[data-testid="quality-panel"]');
    return [...panel.querySelectorAll('[data-testid="quality-row"]')].some((r) => r.dataset.feed === f);
  }, 'file:orders_page.html').then(() => quality(page, 'file:orders_page.html'));
  assert.equal(q.accepted, 4);
  assert.equal(q.invalid_price, 1);
  assert.equal(q.duplicate, 1);
  // The quarantined row names its row and selector, and keeps its cells as text.
  const quarantined = await page.$$eval('[data-testid="quarantine-row"]', (trs) =>
    trs.map((tr) => ({
      reason: tr.cells[0].textContent,
      detail: tr.querySelector('[data-testid="quarantine-detail"]').textContent,
      raw: tr.querySelector('[data-testid="quarantine-raw"]').textContent,
    })),
  );
  const bad = quarantined.find((r) => r.reason === 'invalid_price');
  assert.match(bad.detail, /row 3: field `td\.price` \(price\) has value `n\/a`/);
  // Its cells in mapping order (no id column was recognised: "Order" is not a known name).
  assert.equal(bad.raw, '2025-10-07T09:52:00Z,n/a,3,Scone');
  assert.deepEqual(problems, []);
  await context.close();
});

test("feedsim's /orders.html is polled with CORS, mapped by selectors, and ingested", async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  const form = '[data-testid="add-http"]';
  const url = `${ctx.sim.http}/orders.html?limit=20`;
  await until(page, () => document.querySelector('[data-testid="http-url"]'));
  await page.fill('[data-testid="http-url"]', url);
  await page.selectOption('[data-testid="http-format"]', 'html');
  await page.fill('[data-testid="http-interval"]', '1');
  await page.click('[data-testid="http-load"]');
  await until(page, (f) => document.querySelectorAll(`${f} [data-testid="preview-row"]`).length === 5, form);
  assert.equal(await page.getAttribute(`${form} [data-testid="html-row-count"]`, 'data-count'), '20');
  const head = await page.textContent(`${form} thead`);
  for (const m of ['time ← td.time time@datetime', 'price ← td.price', 'qty ← td.quantity', 'symbol ← td.product']) {
    assert.ok(head.includes(m), `${m} in ${head}`);
  }
  // Ids come from the rows' own attribute, typed as a selector.
  await page.fill(`${form} [data-testid="map-id"]`, '@data-id');
  await until(page, (f) => document.querySelector(`${f} thead`).textContent.includes('id ← @data-id'), form);
  const ids = await page.$$eval(`${form} [data-testid="preview-row"] td:first-child`, (tds) => tds.map((td) => Number(td.textContent)));
  assert.ok(ids.every((id) => Number.isInteger(id) && id > 0), `ids ${ids}`);
  assert.equal(await page.$(`[data-testid="feed-row"][data-feed-key="${url}"]`), null, 'nothing added before "Add feed"');
  await page.click('[data-testid="http-add"]');
  const row = `[data-testid="feed-row"][data-feed-key="${url}"]`;
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected' && Number(document.querySelector(sel).dataset.accepted) >= 20, row, 15_000);
  // New orders reach the page; the ones shown again are deduplicated by their data-id.
  const first = Number(await page.getAttribute(row, 'data-accepted'));
  await until(page, ([sel, n]) => Number(document.querySelector(sel).dataset.accepted) > n, [row, first], 15_000);
  const q = await quality(page, url);
  for (const [reason, n] of Object.entries(q)) {
    if (!['accepted', 'skipped', 'duplicate', 'outlier'].includes(reason)) assert.equal(n, 0, `${reason} in ${JSON.stringify(q)}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a polled CSV endpoint is decoded as CSV (it went through the JSON decoder before)', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  const url = `${ctx.sim.http}/orders.csv?limit=20`;
  await until(page, () => document.querySelector('[data-testid="http-url"]'));
  await page.fill('[data-testid="http-url"]', url);
  await page.selectOption('[data-testid="http-format"]', 'csv');
  await page.click('[data-testid="http-load"]');
  await until(page, () => document.querySelectorAll('[data-testid="add-http"] [data-testid="preview-row"]').length === 5);
  await page.click('[data-testid="http-add"]');
  const row = `[data-testid="feed-row"][data-feed-key="${url}"]`;
  // Read as JSON every line was a reject and nothing was accepted.
  await until(page, (sel) => Number(document.querySelector(sel)?.dataset.accepted) >= 20, row, 15_000);
  await until(page, (u) => [...document.querySelectorAll('[data-testid="quality-row"]')].some((r) => r.dataset.feed === u), url);
  const q = await quality(page, url);
  assert.equal(q.malformed, 0, JSON.stringify(q));
  assert.ok(q.accepted >= 20, JSON.stringify(q));
  assert.deepEqual(problems, []);
  await context.close();
});
