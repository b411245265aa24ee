// End-to-end: sharing the dashboard by link (issue "Dashboard", first slice). A copied link
// opened in a fresh browser asks before it applies anything and then reproduces the
// controls; hostile links (oversized, tampered, from a newer version, with secrets or a
// script URL, with markup) give a clear message or show the markup as text, run no script
// and leave the saved feed list as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { launch, openPage, openPageIn, until } from './harness.mjs';
import { startFeedsim } from './feedsim.mjs';

let env;
before(async () => {
  env = await launch();
});
after(async () => env?.close());

/** The link to the served page carrying `dashboard` (an object) as JSON. */
function linkTo(dashboard) {
  return `${env.server.url}#s1=${payloadOf(JSON.stringify(dashboard))}`;
}
const payloadOf = (text) => deflateRawSync(Buffer.from(text)).toString('base64url');

const BASE = { v: 1, mode: 'orders', bucket: '15m', group_by: [], metric: 'notional', feeds: [] };
// Loopback port 9 (discard): nothing answers, nothing leaves the machine.
const VENUE = { kind: 'venue', venue: 'coinbase', symbol: 'BTC-USD', ws: 'ws://127.0.0.1:9', rest: 'http://127.0.0.1:9', max_backoff_ms: 60000 };

/** Runs in the page before its scripts: any script a payload smuggles in trips this. */
function arm() {
  window.__pwned = 0;
  window.alert = window.confirm = window.prompt = () => {
    window.__pwned = 1;
  };
}

/** The saved feed list's JSON as IndexedDB holds it (null before any is saved). */
function savedFeedList(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tradelens');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames].filter((n) => n !== 'chunks' && n !== 'rollups');
          if (names.length === 0) {
            db.close();
            resolve(null);
            return;
          }
          const tx = db.transaction(names);
          let found = null;
          for (const name of names) {
            const req = tx.objectStore(name).getAll();
            req.onsuccess = () => {
              for (const r of req.result) {
                if (r && typeof r.json === 'string' && String(r.key).endsWith('feeds')) found = r.json;
              }
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(found);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

const controls = (page) =>
  page.evaluate(() => ({
    ...Object.fromEntries(
      ['mode-exchange', 'bucket-select', 'group-select', 'group-then-select', 'chart-metric', 'theme', 'zone'].map((id) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        return [id, el.tagName === 'BUTTON' ? el.getAttribute('aria-pressed') : el.value];
      }),
    ),
    panels: [...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.dataset.kind),
    bars: [...document.querySelectorAll('[data-testid="chart-top"]')].map((c) => c.getAttribute('aria-label').split(':')[0]),
    theme: document.documentElement.dataset.theme,
    rules: [...document.querySelectorAll('[data-testid="alert-rule"]')].map((r) => r.textContent),
  }));

test('a copied link without feeds reproduces the controls in a fresh browser, without asking', async () => {
  const a = await openPage(env.browser, env.server.url);
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
  await until(a.page, () => document.querySelector('[data-testid="chart-metric"]'));
  await a.page.click('[data-testid="mode-exchange"]');
  await a.page.selectOption('[data-testid="bucket-select"]', '1h');
  await a.page.selectOption('[data-testid="group-select"]', 'symbol');
  await a.page.selectOption('[data-testid="chart-metric"]', 'count');
  await a.page.selectOption('[data-testid="panel-kind"]', 'bars');
  await a.page.click('[data-testid="panel-add"]');
  await a.page.locator('[data-testid="panel"]').nth(4).locator('[data-testid="panel-top-n"]').fill('3');
  await a.page.locator('[data-testid="panel"]').nth(4).locator('[data-testid="panel-top-n"]').press('Enter');
  await a.page.locator('[data-kind="kpi"] [data-testid="panel-down"]').click();
  await a.page.fill('[data-testid="alert-name"]', 'Busy <b>hour</b>');
  await a.page.selectOption('[data-testid="alert-metric"]', 'count');
  await a.page.selectOption('[data-testid="alert-kind"]', 'above');
  await a.page.fill('[data-testid="alert-value"]', '1000000000');
  await a.page.click('[data-testid="alert-add"]');
  await until(a.page, () => document.querySelectorAll('[data-testid="alert-rule"]').length === 1);
  await a.page.selectOption('[data-testid="theme"]', 'dark');
  await a.page.selectOption('[data-testid="zone"]', 'UTC');
  await until(a.page, () => document.querySelectorAll('[data-testid="chart-top"]')[1]?.getAttribute('aria-label')?.startsWith('Top 3 '));
  await a.page.click('[data-testid="share-copy"]');
  await until(a.page, () => document.querySelector('[data-testid="share-copied"]').textContent === 'Link copied');
  const link = await a.page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#s1=[A-Za-z0-9_-]+$/);
  // The address bar follows the dashboard too.
  assert.equal(await a.page.evaluate(() => location.href), link);
  const want = await controls(a.page);
  assert.deepEqual(a.problems, []);
  await a.context.close();

  // It contacts no host, so there is nothing to agree to: the settings apply at once.
  const b = await openPage(env.browser, link);
  await until(b.page, (w) => document.querySelector('[data-testid="chart-metric"]')?.value === w
    && document.querySelectorAll('[data-testid="panel"]').length === 5
    && document.querySelectorAll('[data-testid="alert-rule"]').length === 1, want['chart-metric']);
  // The rule's name is text, not markup.
  assert.equal(await b.page.locator('[data-testid="alert-rule"] b').count(), 0);
  assert.equal(await b.page.locator('[data-testid="share-consent"]').count(), 0);
  assert.deepEqual(await controls(b.page), want);
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test('back and forward follow the controls', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await until(page, () => location.hash.startsWith('#s1='));
  const first = await page.evaluate(() => location.hash);
  await page.selectOption('[data-testid="bucket-select"]', '1h');
  await until(page, (h) => location.hash !== h, first);
  await page.goBack();
  await until(page, () => document.querySelector('[data-testid="bucket-select"]').value === '15m');
  await page.goForward();
  await until(page, () => document.querySelector('[data-testid="bucket-select"]').value === '1h');
  assert.equal(await page.locator('[data-testid="share-consent"]').count(), 0);
  await context.close();
});

test('a link with feeds names their hosts and connects only after Open', async () => {
  const link = linkTo({ ...BASE, feeds: [VENUE] });
  const { page, context } = await openPage(env.browser, link);
  await until(page, () => document.querySelector('[data-testid="share-consent"]'));
  assert.deepEqual(await page.locator('[data-testid="share-host"]').allTextContents(), ['127.0.0.1:9']);
  // Escape cancels: no feed added, nothing saved.
  await page.keyboard.press('Escape');
  await until(page, () => !document.querySelector('[data-testid="share-consent"]'));
  assert.equal(await page.locator('[data-testid="feed-row"][data-feed-key="coinbase:BTC-USD"]').count(), 0);
  assert.equal(await savedFeedList(page), null);
  // Asked again, Open adds (and saves) the feed.
  const again = await openPageIn(context, link);
  await until(again.page, () => document.querySelector('[data-testid="share-consent"]'));
  await again.page.click('[data-testid="share-open"]');
  await until(again.page, () => document.querySelector('[data-testid="feed-row"][data-feed-key="coinbase:BTC-USD"]'));
  // The summary says everything the link sets, the selected time range included.
  const ranged = linkTo({ v: 2, mode: 'orders', bucket: '15m', feeds: [VENUE], panels: [{ kind: 'kpi' }], range: [1_764_000_000_000, 1_764_003_600_000] });
  const third = await openPageIn(context, ranged);
  await until(third.page, () => document.querySelector('[data-testid="share-consent"]'));
  assert.match(await third.page.textContent('[data-testid="share-summary"]'),
    /^Shop orders demo · 15m buckets · no grouping · panels: .+ · time range: 2025-11-24 16:00:00 – 2025-11-24 17:00:00 UTC$/);
  await context.close();
});

test('hostile links give a clear message, run no script and change nothing stored', async () => {
  const { page, context } = await openPage(env.browser, linkTo({ ...BASE, feeds: [VENUE] }), { init: arm });
  await until(page, () => document.querySelector('[data-testid="share-consent"]'));
  await page.click('[data-testid="share-open"]');
  // A saved list to compare against.
  let saved = null;
  for (let i = 0; i < 200 && !saved; i++) {
    saved = await savedFeedList(page);
    if (!saved) await page.waitForTimeout(50);
  }
  assert.ok(saved, 'the accepted link saved its feed');
  // A saved layout to compare against: one panel fewer than the default.
  await page.locator('[data-kind="forecast"] [data-testid="panel-remove"]').click();
  await until(page, () => localStorage.getItem('tradelens.dashboard')?.includes('"kind":"bars"'));
  const layout = await page.evaluate(() => localStorage.getItem('tradelens.dashboard'));
  assert.ok(!layout.includes('forecast'), layout);

  const valid = payloadOf(JSON.stringify(BASE));
  const tampered = Buffer.from(valid, 'base64url');
  tampered[Math.floor(tampered.length / 2)] ^= 0x5a;
  const hostile = {
    oversized: ['A'.repeat(9000), /too long/],
    tampered: [tampered.toString('base64url'), /damaged|not valid/],
    'future version': [payloadOf(JSON.stringify({ ...BASE, v: 3, panels: [] })), /newer TradeLens \(format 3\); this page reads format 2/],
    'markup as a panel kind': [payloadOf(JSON.stringify({ v: 2, mode: 'orders', bucket: '15m', feeds: [], panels: [{ kind: '<img src=x onerror=window.__pwned=1>' }] })), /panel 1 kind is "<img src=x onerror=window.__pwned=1>"/],
    'too many panels': [payloadOf(JSON.stringify({ v: 2, mode: 'orders', bucket: '15m', feeds: [], panels: Array(13).fill({ kind: 'kpi' }) })), /13 panels, at most 12/],
    'script URL': [payloadOf(JSON.stringify({ ...BASE, feeds: [{ kind: 'poll', url: 'javascript:window.__pwned=1', format: 'csv', interval_ms: 5000, mapping: { time: 't', price: 'p', time_format: { date_time: { default_offset_min: null } }, default_symbol: 'all' } }] })), /uses "javascript"/],
    'secret in a URL': [payloadOf(JSON.stringify({ ...BASE, feeds: [{ kind: 'sse', url: 'https://127.0.0.1:9/e?api_key=abc', event: '', mapping: { time: 't', price: 'p', time_format: { epoch: 'ms' }, default_symbol: 'all' } }] })), /"api_key" that looks like a secret/],
  };
  for (const [name, [payload, message]] of Object.entries(hostile)) {
    const opened = await openPageIn(context, `${env.server.url}#s1=${payload}`, { init: arm });
    const p = opened.page;
    await until(p, () => document.querySelector('[data-testid="share-error"]'));
    assert.match(await p.textContent('[data-testid="share-error"]'), message, name);
    assert.equal(await p.getAttribute('[data-testid="share-error"]', 'role'), 'alert');
    assert.equal(await p.locator('[data-testid="share-consent"]').count(), 0, name);
    assert.equal(await p.evaluate(() => window.__pwned), 0, name);
    assert.equal(await savedFeedList(p), saved, name);
    assert.equal(await p.evaluate(() => localStorage.getItem('tradelens.dashboard')), layout, name);
    assert.equal(await p.locator('[data-testid="share-error"] img').count(), 0, name);
    await p.close();
  }

  // Markup in a label is data: shown as text in the dialog, never as an element.
  const markup = payloadOf(JSON.stringify({ ...BASE, feeds: [{ kind: 'poll', url: 'http://127.0.0.1:9/<svg/onload=window.__pwned=1>', format: 'csv', interval_ms: 5000, mapping: { time: '<img src=x onerror=window.__pwned=1>', price: 'p', time_format: { date_time: { default_offset_min: null } }, default_symbol: '<script>window.__pwned=1</script>' } }] }));
  const m = await openPageIn(context, `${env.server.url}#s1=${markup}`, { init: arm });
  await until(m.page, () => document.querySelector('[data-testid="share-consent"]'));
  assert.match(await m.page.textContent('[data-testid="share-feed"]'), /<svg\/onload=window.__pwned=1>/);
  assert.equal(await m.page.locator('[data-testid="share-consent"] svg, [data-testid="share-consent"] img, [data-testid="share-consent"] script').count(), 0);
  await m.page.click('[data-testid="share-cancel"]');
  assert.equal(await m.page.evaluate(() => window.__pwned), 0);
  assert.equal(await savedFeedList(m.page), saved);
  await context.close();
});

test('a link opened in a fresh browser shows the same values once the same data is present', async () => {
  // One simulator, a fixed set of orders (its first 300, generated before the test starts, the
  // same on every request), polled by both browsers: the same data in both.
  const sim = await startFeedsim(['--rate', '5', '--order-rate', '1', '--backfill-seconds', '600', '--max-seconds', '300']);
  try {
    const ids = (await (await fetch(`${sim.http}/orders.ndjson?since_id=0&limit=100000`)).text())
      .trim().split('\n').map((l) => JSON.parse(l).id);
    const first = Math.min(...ids);
    const url = `${sim.http}/orders.ndjson?since_id=${first - 1}&until_id=${first + 299}&limit=1000`;
    const orders = (await (await fetch(url)).text()).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(orders.length, 300);
    // The most frequent product; in exchange mode the demo never trades it, so a panel scoped
    // to it shows the polled orders only.
    const byProduct = new Map();
    for (const o of orders) byProduct.set(o.product, (byProduct.get(o.product) ?? 0) + 1);
    const [product] = [...byProduct].sort((a, b) => b[1] - a[1])[0];
    // Independently: notional (price × quantity) per UTC minute of that product.
    const want = new Map();
    for (const o of orders.filter((o) => o.product === product)) {
      const minute = Math.floor(Date.parse(o.time) / 60_000) * 60_000;
      want.set(minute, (want.get(minute) ?? 0) + o.price * o.quantity);
    }
    const shown = (page) => page.evaluate((i) => document.querySelectorAll('[data-testid="panel"]')[i]
      .querySelector('canvas[data-draws]')?.dataset.values ?? '', 4);
    const parse = (values) => new Map(values.split(',').filter(Boolean).map((p) => p.split('=').map(Number)));
    const complete = (page) => until(page, ([i, w]) => {
      const v = document.querySelectorAll('[data-testid="panel"]')[i]?.querySelector('canvas[data-draws]')?.dataset.values ?? '';
      return v.split(',').filter(Boolean).length === w;
    }, [4, want.size]);

    const a = await openPage(env.browser, env.server.url);
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
    await until(a.page, () => document.querySelector('[data-testid="http-url"]'));
    await a.page.click('[data-testid="mode-exchange"]');
    await a.page.selectOption('[data-testid="zone"]', 'UTC');
    await a.page.fill('[data-testid="http-url"]', url);
    await a.page.selectOption('[data-testid="http-format"]', 'ndjson');
    await a.page.click('[data-testid="http-load"]');
    await until(a.page, () => document.querySelectorAll('[data-testid="add-http"] [data-testid="preview-row"]').length > 0);
    await a.page.click('[data-testid="http-add"]');
    const row = `[data-testid="feed-row"][data-feed-key="${url}"]`;
    await until(a.page, (sel) => Number(document.querySelector(sel)?.dataset.accepted) === 300, row);
    // A fifth panel: a line of notional per minute, scoped to the product.
    await a.page.selectOption('[data-testid="panel-kind"]', 'line');
    await a.page.click('[data-testid="panel-add"]');
    const panel = a.page.locator('[data-testid="panel"]').nth(4);
    await panel.locator('[data-testid="chart-metric"]').selectOption('notional');
    await panel.locator('[data-testid="panel-scope"]').click();
    await panel.locator('[data-testid="panel-bucket"]').selectOption('1m');
    await panel.locator('[data-testid="panel-symbol"]').fill(product);
    await panel.locator('[data-testid="panel-symbol"]').press('Tab');
    await complete(a.page);
    const got = parse(await shown(a.page));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [t, v] of want) assert.ok(Math.abs(got.get(t) - v) <= 1e-9 * Math.abs(v), `${t}: ${got.get(t)} vs ${v}`);
    await a.page.click('[data-testid="share-copy"]');
    await until(a.page, () => document.querySelector('[data-testid="share-copied"]').textContent === 'Link copied');
    const link = await a.page.evaluate(() => navigator.clipboard.readText());
    const settingsA = await controls(a.page);
    assert.deepEqual(a.problems, []);
    await a.context.close();

    const b = await openPage(env.browser, link);
    await until(b.page, () => document.querySelector('[data-testid="share-consent"]'));
    assert.deepEqual(await b.page.locator('[data-testid="share-host"]').allTextContents(), [new URL(sim.http).host]);
    await b.page.click('[data-testid="share-open"]');
    await until(b.page, (sel) => Number(document.querySelector(sel)?.dataset.accepted) === 300, row);
    await complete(b.page);
    assert.equal(await shown(b.page), [...got].map(([t, v]) => `${t}=${v}`).join(','));
    assert.deepEqual(await controls(b.page), settingsA);
    assert.deepEqual(b.problems, []);
    await b.context.close();
  } finally {
    await sim.close();
  }
});
