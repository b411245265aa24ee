// The page side of the benchmark: one adapter per tool (init, load, aggregate, append), the
// same workloads for all, timed with performance.now(). Results are brought to one canonical
// form (rows sorted by bucket then symbol, plain arrays) outside the timed region so the
// runner can check every tool against TradeLens.
import { MINUTE_MS, slice, trades } from './gen.js';

export const COLUMNS = ['bucket', 'symbol', 'count', 'volume', 'notional', 'vwap', 'open', 'high', 'low', 'close'];

/** Rows sorted by (bucket, symbol), as plain arrays, keeping only buckets >= fromMs. */
export function canon(raw, fromMs = -Infinity) {
  const n = raw.bucket.length;
  const rows = [];
  for (let i = 0; i < n; i++) if (Number(raw.bucket[i]) >= fromMs) rows.push(i);
  rows.sort((a, b) => Number(raw.bucket[a]) - Number(raw.bucket[b]) || Number(raw.symbol[a]) - Number(raw.symbol[b]));
  return Object.fromEntries(COLUMNS.map((c) => [c, rows.map((i) => Number(raw[c][i]))]));
}

/**
 * Installs `window.bench` for an adapter:
 *   init(): Promise        loads the tool (once)
 *   load(cols)             replaces the data with these columns
 *   aggregate()            per-minute, per-symbol aggregates of everything (raw columns)
 *   append(cols, fromMs)   adds trades, returns the aggregates of buckets >= fromMs (raw)
 */
export function install(adapter) {
  let ready = null;
  const init = () => (ready ??= adapter.init());
  window.bench = {
    name: adapter.name,
    version: adapter.version,
    /** W1: load n trades and aggregate them. */
    async w1(n) {
      await init();
      const cols = trades(n);
      const t0 = performance.now();
      await adapter.load(cols);
      const raw = await adapter.aggregate();
      const ms = performance.now() - t0;
      return { ms, result: canon(raw) };
    },
    /** W2: load n trades (untimed), then `steps` appends of `batch` trades, each followed by
     * the aggregates of the buckets it touched; the time is the sum over the steps. */
    async w2(n, steps, batch) {
      await init();
      const all = trades(n + steps * batch);
      await adapter.load(slice(all, 0, n));
      await adapter.aggregate();
      let ms = 0;
      let last = null;
      let from = 0;
      for (let k = 0; k < steps; k++) {
        const cols = slice(all, n + k * batch, n + (k + 1) * batch);
        from = Math.floor(cols.time[0] / MINUTE_MS) * MINUTE_MS;
        const t0 = performance.now();
        last = await adapter.append(cols, from);
        ms += performance.now() - t0;
      }
      return { ms, last: canon(last, from), result: canon(await adapter.aggregate()) };
    },
  };
  // Cold start (W4): with ?cold=N the page loads the tool, aggregates N trades and reports the
  // time from navigation start to that first result.
  const cold = Number(new URLSearchParams(location.search).get('cold'));
  if (cold > 0) {
    (async () => {
      await init();
      await adapter.load(trades(cold));
      const raw = await adapter.aggregate();
      window.coldResult = { ms: performance.now(), rows: raw.bucket.length };
    })().catch((e) => (window.coldResult = { error: String(e?.stack ?? e) }));
  }
}
