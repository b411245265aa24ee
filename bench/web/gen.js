// The one trade generator every tool is fed from: deterministic (mulberry32, seed 42), so
// each page builds identical columns. Trades are 60 ms apart, so 1,000,000 of them span
// 1,000 minutes (16.7 hours); 50 symbols, each price a random walk on a one-cent grid,
// heavy-tailed (Pareto) quantities in thousandths, taker sides at random.

export const SYMBOLS = Array.from({ length: 50 }, (_, i) => `S${String(i).padStart(2, '0')}`);
/** First trade time: a whole minute (ms since the epoch), 2023-11-14. */
export const START_MS = 28_333_333 * 60_000;
export const STEP_MS = 60;
export const MINUTE_MS = 60_000;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let cache = null;

/** The first `n` trades as columns (cached: later calls with n <= the cached length slice). */
export function trades(n) {
  if (!cache || cache.time.length < n) cache = generate(n);
  return slice(cache, 0, n);
}

/** Rows [from, to) of a column set, as views (no copy). */
export function slice(cols, from, to) {
  return {
    time: cols.time.subarray(from, to),
    symbol: cols.symbol.subarray(from, to),
    price: cols.price.subarray(from, to),
    qty: cols.qty.subarray(from, to),
    side: cols.side.subarray(from, to),
  };
}

function generate(n) {
  const rand = mulberry32(42);
  const cents = SYMBOLS.map((_, i) => 1_000 + Math.floor(rand() * 100_000)); // 10.00 .. 1010.00
  const time = new Float64Array(n);
  const symbol = new Uint32Array(n);
  const price = new Float64Array(n);
  const qty = new Float64Array(n);
  const side = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rand() * SYMBOLS.length);
    // A step of -2..+2 ticks, never below one dollar.
    cents[s] = Math.max(100, cents[s] + Math.floor(rand() * 5) - 2);
    time[i] = START_MS + i * STEP_MS;
    symbol[i] = s;
    price[i] = cents[s] / 100;
    // Pareto with shape 1.5 from 0.010, in thousandths, capped at 1,000.
    qty[i] = Math.min(1_000_000, Math.round(10 * Math.pow(1 - rand(), -1 / 1.5))) / 1000;
    side[i] = rand() < 0.5 ? 0 : 1;
  }
  return { time, symbol, price, qty, side };
}
