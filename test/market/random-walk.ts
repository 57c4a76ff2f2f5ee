// A seeded random walk of OHLC bars for indicator tests; its own tiny PRNG so the tests share no
// code with actors/market/random.ts.

export interface WalkBar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` bars of a multiplicative random walk from `start`, with a regime of trend in the middle. */
export function randomWalk(count: number, seed: number, start = 100): WalkBar[] {
  const rand = mulberry32(seed);
  const bars: WalkBar[] = [];
  let close = start;
  for (let i = 0; i < count; i++) {
    const drift = i > count / 3 && i < (2 * count) / 3 ? 0.004 : 0;
    const open = close;
    close = open * Math.exp(drift + 0.015 * (rand() - 0.5) * 2);
    const high = Math.max(open, close) * (1 + 0.006 * rand());
    const low = Math.min(open, close) * (1 - 0.006 * rand());
    bars.push({ open, high, low, close });
  }
  return bars;
}
