// End-to-end: API keys (issue 6). A key bound in the HTTP form goes, as its header, to the
// feed's own origin and nowhere else: not into the copied link, the saved feed list, other
// storage, or a feed that a shared link adds (that one is refused with a clear 401). "Forget
// key" removes it. The simulator's keyed feed counts requests with and without the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { openPage, openPageIn, until } from './harness.mjs';
import { simulatorAndBrowser } from './feedsim.mjs';

// feedsim's default key (crates/feedsim/src/keyed.rs, DEFAULT_KEY).
const KEY = 'feedsim-test-key';
const ctx = simulatorAndBrowser();

const feedUrl = () => `${ctx.sim.http}/keyed/orders.ndjson?limit=50`;
const rowOf = (url) => `[data-testid="feed-row"][data-feed-key="${url}"]`;

async function seen() {
  const r = await fetch(`${ctx.sim.http}/keyed/seen`);
  return r.json();
}

/** Waits (polling the simulator, no fixed sleep) until `ok(counts)` holds; returns them. */
async function seenUntil(ok, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const s = await seen();
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`feedsim never saw that: ${JSON.stringify(s)}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** The browser logs each 401 it receives; that is the refusal these tests provoke. */
const unexpected = (problems) =>
  problems.filter((p) => !/^console: Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/.test(p));

/** Fills the HTTP form for the keyed feed, with `key` unless it is null, and loads a sample. */
async function fillKeyedFeed(page, key) {
  await until(page, () => document.querySelector('[data-testid="http-url"]'));
  await page.fill('[data-testid="http-url"]', feedUrl());
  await page.selectOption('[data-testid="http-format"]', 'ndjson');
  await page.fill('[data-testid="http-interval"]', '1');
  if (key !== null) await page.fill('[data-testid="http-key-value"]', key);
  await page.click('[data-testid="http-load"]');
  await until(page, () => document.querySelectorAll('[data-testid="add-http"] [data-testid="preview-row"]').length > 0);
}

/** Every string in the page's IndexedDB records (binary columns left out) holding `needle`. */
function idbStringsWith(page, needle) {
  return page.evaluate(
    (needle) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tradelens');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const found = [];
          if (names.length === 0) {
            db.close();
            resolve(found);
            return;
          }
          const walk = (v, where) => {
            if (typeof v === 'string') {
              if (v.includes(needle)) found.push(where);
            } else if (Array.isArray(v)) {
              v.forEach((x, i) => walk(x, `${where}[${i}]`));
            } else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) {
              for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
            }
          };
          const tx = db.transaction(names);
          for (const name of names) {
            const req = tx.objectStore(name).getAll();
            req.onsuccess = () => req.result.forEach((r, i) => walk(r, `${name}[${i}]`));
          }
          tx.oncomplete = () => {
            db.close();
            resolve(found);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    needle,
  );
}

/** The saved feed list's JSON, once IndexedDB holds one with `url` in it. */
async function savedListWith(page, url) {
  return until(
    page,
    (url) =>
      new Promise((resolve) => {
        const open = indexedDB.open('tradelens');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames].filter((n) => n !== 'chunks' && n !== 'rollups');
          if (names.length === 0) {
            db.close();
            resolve(false);
            return;
          }
          let found = false;
          const tx = db.transaction(names);
          for (const name of names) {
            const req = tx.objectStore(name).getAll();
            req.onsuccess = () => {
              for (const r of req.result) {
                if (r && typeof r.json === 'string' && String(r.key).endsWith('feeds') && r.json.includes(url)) found = r.json;
              }
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(found);
          };
          tx.onerror = () => resolve(false);
        };
      }),
    url,
  );
}

let link;

test('a key bound in the form reaches its feed and stays out of the link, the saved list and other storage', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.env.server.url });
  const before = await seen();

  // A header a page may not set is refused next to the inputs, before any request.
  await until(page, () => document.querySelector('[data-testid="http-url"]'));
  await page.fill('[data-testid="http-url"]', feedUrl());
  await page.fill('[data-testid="http-key-header"]', 'Cookie');
  await page.fill('[data-testid="http-key-value"]', KEY);
  await page.click('[data-testid="http-load"]');
  await until(page, () => document.querySelector('[data-testid="http-key-error"]').textContent.includes('cannot carry a key'));
  assert.equal(await page.getAttribute('[data-testid="http-key-header"]', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('[data-testid="http-key-value"]', 'aria-invalid'), 'false');
  assert.equal(await page.getAttribute('[data-testid="http-key-value"]', 'type'), 'password');
  assert.equal(await page.getAttribute('[data-testid="http-key-value"]', 'autocomplete'), 'off');
  assert.ok(!(await page.textContent('[data-testid="add-http"]')).includes(KEY));
  await page.fill('[data-testid="http-key-header"]', 'X-Api-Key');
  assert.equal(await page.textContent('[data-testid="http-key-error"]'), '');

  await fillKeyedFeed(page, KEY);
  await page.click('[data-testid="http-add"]');
  const row = rowOf(feedUrl());
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected' && Number(document.querySelector(sel).dataset.accepted) > 0, row);
  assert.equal(await page.textContent(`${row} [data-testid="feed-key-origin"]`), `Key bound to ${ctx.sim.http} (header X-Api-Key)`);
  // The field is emptied once the key is kept.
  assert.equal(await page.inputValue('[data-testid="http-key-value"]'), '');
  // The sample and the polls carried the key; nothing went without it.
  const after = await seenUntil((s) => s.with_key >= before.with_key + 2);
  assert.equal(after.without_key, before.without_key);
  assert.equal(after.wrong_key, before.wrong_key);

  await page.click('[data-testid="share-copy"]');
  await until(page, () => document.querySelector('[data-testid="share-copied"]').textContent === 'Link copied');
  link = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(!link.includes(KEY), link);
  const json = inflateRawSync(Buffer.from(link.split('#s1=')[1], 'base64url')).toString();
  assert.ok(json.includes(feedUrl()), `the link names the feed: ${json}`);
  assert.ok(!json.includes(KEY), json);
  assert.ok(!(await page.evaluate(() => location.href)).includes(KEY));

  // Storage: the key is in the bindings entry only.
  const saved = await savedListWith(page, feedUrl());
  assert.ok(!saved.includes(KEY), saved);
  assert.deepEqual(await idbStringsWith(page, KEY), []);
  const stores = await page.evaluate((key) => {
    const hits = [];
    for (const [name, s] of [['local', localStorage], ['session', sessionStorage]]) {
      for (let i = 0; i < s.length; i++) {
        if (s.getItem(s.key(i)).includes(key)) hits.push(`${name}:${s.key(i)}`);
      }
    }
    return hits;
  }, KEY);
  assert.deepEqual(stores, ['local:tradelens.keys']);
  assert.ok(!(await page.textContent('body')).includes(KEY));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a feed a shared link adds gets no key: the server refuses it and the row says HTTP 401', async () => {
  assert.ok(link, 'the first test copied a link');
  const before = await seen();
  const { page, problems, context } = await openPage(ctx.env.browser, link);
  await until(page, () => document.querySelector('[data-testid="share-consent"]'));
  assert.match(await page.textContent('[data-testid="share-keys"]'), /get no API key from this browser/);
  assert.equal(await page.locator('[data-testid="share-key-dropped"]').count(), 0);
  await page.click('[data-testid="share-open"]');
  const row = rowOf(feedUrl());
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'stopped', row, 15_000);
  assert.match(await page.textContent(`${row} [data-testid="feed-status"]`), /HTTP 401 Unauthorized: the server wants an API key/);
  assert.equal(await page.locator(`${row} [data-testid="feed-key"]`).count(), 0);
  const after = await seenUntil((s) => s.without_key > before.without_key);
  assert.equal(after.with_key, before.with_key);
  assert.equal(after.wrong_key, before.wrong_key);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('a link adding a feed whose key this browser kept forgets the key, after saying so', async () => {
  assert.ok(link, 'the first test copied a link');
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  // A key kept for the feed's address, with no such feed in the list (a tab that bound it
  // and lost its list, say).
  await page.evaluate(
    ([url, origin, value]) => localStorage.setItem('tradelens.keys', JSON.stringify({ [url]: { origin, header: 'X-Api-Key', value } })),
    [feedUrl(), ctx.sim.http, KEY],
  );
  const before = await seen();
  const opened = await openPageIn(context, link);
  const p = opened.page;
  await until(p, () => document.querySelector('[data-testid="share-consent"]'));
  assert.deepEqual(await p.locator('[data-testid="share-key-dropped"]').allTextContents(), [ctx.sim.http]);
  await p.click('[data-testid="share-open"]');
  const row = rowOf(feedUrl());
  await until(p, (sel) => document.querySelector(sel)?.dataset.state === 'stopped', row, 15_000);
  assert.match(await p.textContent(`${row} [data-testid="feed-status"]`), /HTTP 401/);
  assert.equal(await p.evaluate(() => localStorage.getItem('tradelens.keys')), null);
  const after = await seenUntil((s) => s.without_key > before.without_key);
  assert.equal(after.with_key, before.with_key);
  assert.deepEqual(problems, []);
  assert.deepEqual(unexpected(opened.problems), []);
  await context.close();
});

test('Forget key removes the binding and the feed goes on without it', async () => {
  const { page, problems, context } = await openPage(ctx.env.browser, ctx.env.server.url);
  await fillKeyedFeed(page, KEY);
  await page.click('[data-testid="http-add"]');
  const row = rowOf(feedUrl());
  await until(page, (sel) => Number(document.querySelector(sel)?.dataset.accepted) > 0, row);
  assert.ok(await page.evaluate(() => localStorage.getItem('tradelens.keys')));
  const before = await seen();
  await page.click(`${row} [data-testid="feed-key-forget"]`);
  await until(page, (sel) => !document.querySelector(`${sel} [data-testid="feed-key"]`), row);
  assert.equal(await page.evaluate(() => localStorage.getItem('tradelens.keys')), null);
  // The next poll goes without the key, and is refused.
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'stopped', row, 15_000);
  assert.match(await page.textContent(`${row} [data-testid="feed-status"]`), /HTTP 401 Unauthorized/);
  const after = await seenUntil((s) => s.without_key > before.without_key);
  assert.equal(after.wrong_key, before.wrong_key);

  // Binding it again through the form restarts that feed with the key (no second row).
  await fillKeyedFeed(page, KEY);
  await page.click('[data-testid="http-add"]');
  await until(page, (sel) => document.querySelector(sel)?.dataset.state === 'connected', row);
  assert.equal(await page.locator(row).count(), 1);
  assert.match(await page.textContent('[data-testid="http-message"]'), /Key bound to .*the feed restarted with it/);
  await seenUntil((s) => s.with_key > after.with_key);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
