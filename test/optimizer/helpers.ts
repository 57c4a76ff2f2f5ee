import type { Bar } from '../../actors/domain/bar.js';
import { seededRandom } from '../helpers/system.js';

const DAY_MS = 86_400_000;

/**
 * A seeded daily random walk with cent prices: opens at the previous close, closes ±2% around it (with
 * drifting regimes so the strategies trade), highs and lows around both.
 */
export function walkBars(n: number, seed = 7, symbol = 'WALK', start = 100): Bar[] {
  const rnd = seededRandom(seed);
  const cents = (x: number) => Math.round(x * 100) / 100;
  const bars: Bar[] = [];
  let price = start;
  let drift = 0;
  for (let i = 0; i < n; i++) {
    if (i % 60 === 0) drift = (rnd() - 0.5) * 0.004;
    const open = cents(price);
    price = Math.max(1, price * (1 + drift + (rnd() - 0.5) * 0.04));
    const close = cents(price);
    const high = cents(Math.max(open, close) * (1 + rnd() * 0.01));
    const low = cents(Math.min(open, close) * (1 - rnd() * 0.01));
    bars.push({ symbol, interval: '1d', time: Date.UTC(2001, 0, 1) + i * DAY_MS, open, high, low, close, volume: 1_000_000 });
  }
  return bars;
}

/** A grid per built-in that makes each strategy trade on `walkBars`. */
export const GRIDS: Readonly<Record<string, string>> = {
  'sma-cross': 'fast=2..30:4,slow=10..90:8',
  'rsi-reversion': 'period=2..20:3,oversold=20..40:10,overbought=60..80:10',
  'bollinger-atr': 'period=5..30:5,k=1..2.5:0.5,atrPeriod=5..15:5,atrMultiple=1|2',
};
