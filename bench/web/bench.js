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

/** A canonical result as base64 of one Float64Array per column: Playwright's serializer took
 * seconds a run for W1's 50,000 rows of plain arrays on a busy machine, and W3 has 500,000
 * (every value is a double or an integer below 2^53, so nothing is lost). */
export function pack(c) {
  const out = {};
  for (const k of COLUMNS) {
    const bytes = new Uint8Array(Float64Array.from(c[k]).buffer);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    out[k] = btoa(s);
  }
  return out;
}

/** JavaScript's own decoding of the same Binance messages: `JSON.parse`, then the numbers a
 * trade needs (what the app would do without its decoder). Returns the trades read. */
function jsonParseBaseline(messages) {
  let trades = 0;
  let check = 0;
  for (const m of messages) {
    const o = JSON.parse(m);
    if (o.e !== 'trade') continue;
    check += parseFloat(o.p) * parseFloat(o.q) + o.T + o.t + (o.m ? 1 : 0);
    trades++;
  }
  return check === check ? trades : -1;
}

/** The least a CSV reader does, on the same chunks: UTF-8 to text, split lines and fields,
 * `parseFloat` every field (no quoting, no validation). Returns the rows after the header. */
function splitParseBaseline(bytes, chunk) {
  const text = new TextDecoder();
  let carry = '';
  let rows = -1;
  let check = 0;
  const line = (l) => {
    if (l === '') return;
    for (const f of l.split(',')) {
      const x = parseFloat(f);
      if (x === x) check += x;
    }
    rows++;
  };
  for (let at = 0; at < bytes.length; at += chunk) {
    const lines = (carry + text.decode(bytes.subarray(at, at + chunk), { stream: true })).split('\n');
    carry = lines.pop();
    for (const l of lines) line(l);
  }
  line(carry + text.decode());
  return check === check ? rows : -1;
}

/**
 * Decoding workloads, each against its JavaScript baseline on the same bytes in the same page:
 * D1, Binance `@trade` messages one call each, as a socket delivers them (JSON.parse); D2,
 * generic CSV in chunks of `chunk` bytes (split and parseFloat). Warm-up runs first, then the
 * measured runs of the decoder and its baseline alternate, so drift hits both alike. Every
 * run must read every trade of the corpus. For D1 the adapter's corpus may also decode the
 * messages in a loop on its own side (`inside`), to show what crossing into it costs.
 */
async function decodeWorkloads(adapter, { warmup, runs, chunk }) {
  const corpus = adapter.corpus();
  const messageBytes = corpus.messages.reduce((s, m) => s + m.length, 0);
  const pairs = {
    D1: {
      bytes: messageBytes,
      tool: () => adapter.binance(corpus.messages),
      baseline: () => jsonParseBaseline(corpus.messages),
      ...(corpus.inside ? { inside: corpus.inside } : {}),
    },
    D2: { bytes: corpus.csv.length, tool: () => adapter.csv(corpus.csv, chunk), baseline: () => splitParseBaseline(corpus.csv, chunk) },
  };
  const out = { trades: corpus.trades, chunk, workloads: {} };
  for (const [id, w] of Object.entries(pairs)) {
    const sides = ['tool', 'baseline', 'inside'].filter((side) => w[side]);
    const times = Object.fromEntries(sides.map((side) => [side, []]));
    for (let i = 0; i < warmup + runs; i++) {
      for (const side of sides) {
        const t0 = performance.now();
        const n = w[side]();
        const ms = performance.now() - t0;
        if (n !== corpus.trades) throw new Error(`${id} ${side}: read ${n} trades of ${corpus.trades}`);
        if (i >= warmup) times[side].push(ms);
      }
    }
    out.workloads[id] = { bytes: w.bytes, times };
  }
  return out;
}

/**
 * Installs `window.bench` for an adapter:
 *   init(): Promise        loads the tool (once)
 *   load(cols)             replaces the data with these columns
 *   aggregate()            per-minute, per-symbol aggregates of everything (raw columns)
 *   append(cols, fromMs)   adds trades, returns the aggregates of buckets >= fromMs (raw)
 *   decode (optional)      { corpus(): {messages, csv, trades}, binance(messages): trades,
 *                            csv(bytes, chunk): trades }: the decoding workloads
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
      return { ms, result: pack(canon(raw)) };
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
      return { ms, last: pack(canon(last, from)), result: pack(canon(await adapter.aggregate())) };
    },
    /** D1, D2: decoding against JavaScript baselines (see `decodeWorkloads`). */
    async decode(config) {
      await init();
      if (!adapter.decode) throw new Error(`${adapter.name} has no decoding workloads`);
      return decodeWorkloads(adapter.decode, config);
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
