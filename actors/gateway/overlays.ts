import type { Bar } from '../domain/bar.js';
import { BollingerBands } from '../market/indicators/bollinger.js';
import { EMA } from '../market/indicators/ema.js';
import { SMA } from '../market/indicators/sma.js';
import type { OverlayPoint } from './protocol.js';

/** Bars before the first shown one that warm the slowest overlay (EMA 50) up. */
export const OVERLAY_WARMUP_BARS = 60;

/**
 * The chart overlays of one symbol (SMA 20, EMA 50, Bollinger 20/2), computed with the same indicator
 * classes the SymbolActor and the strategies use, one bar at a time. Bars not after the last one are
 * ignored, so a bar seen both in a snapshot and live counts once.
 */
export class OverlayTracker {
  readonly #sma = new SMA(20);
  readonly #ema = new EMA(50);
  readonly #bb = new BollingerBands(20, 2);
  #lastTime = Number.NEGATIVE_INFINITY;
  #last: OverlayPoint | undefined;

  /** The overlay at `bar`; for a bar not after the last, the last overlay again (or undefined). */
  update(bar: Bar): OverlayPoint | undefined {
    if (bar.time <= this.#lastTime) return undefined;
    this.#lastTime = bar.time;
    const sma20 = this.#sma.update(bar.close);
    const ema50 = this.#ema.update(bar.close);
    const bb = this.#bb.update(bar.close);
    this.#last = {
      time: bar.time,
      ...(sma20 === undefined ? {} : { sma20 }),
      ...(ema50 === undefined ? {} : { ema50 }),
      ...(bb === undefined ? {} : { bbUpper: bb.upper, bbLower: bb.lower }),
    };
    return this.#last;
  }

  get lastTime(): number {
    return this.#lastTime;
  }
}

/** Overlays for every bar of `bars` (oldest first), from a fresh tracker. */
export function overlaysOf(bars: readonly Bar[]): OverlayPoint[] {
  const tracker = new OverlayTracker();
  const out: OverlayPoint[] = [];
  for (const bar of bars) {
    const point = tracker.update(bar);
    if (point !== undefined) out.push(point);
  }
  return out;
}
