import type { Bar } from '../domain/bar.js';
import type { Fill } from '../domain/fill.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { SimulatedClock } from '../../runtime/clock.js';
import { settle } from './feed.js';
import type { BacktestFeed } from './feed.js';
import type { EquityPoint } from './metrics.js';
import type { BacktestOrderPath } from './order-path.js';

/**
 * The eager feed, kept as the reference for the lazy one: every slice, the venue sees the bars (orders from
 * the previous slice fill at the open), then the portfolio and risk get the closes and returns and the
 * strategy the bars, each step followed by a barrier; the equity curve is the portfolio's own history.
 */
export function eagerFeed(system: ActorSystem, clock: SimulatedClock, path: BacktestOrderPath): BacktestFeed {
  return {
    risk: path.risk,
    async run({ strategy, tape, onProgress }) {
      for (let k = 0; k < tape.slices.length; k++) {
        const slice = tape.slices[k]!;
        clock.advanceTo(slice[0]!.time);
        path.feedVenue(slice);
        await settle(system);
        path.feedMarks(slice);
        system.tell(strategy, { type: 'market.bars', bars: slice });
        await settle(system);
        onProgress?.(tape.sliceStart[k + 1]!, tape.barCount);
      }
    },
    async equityCurve({ tape }, fills) {
      const { equityCurve } = await path.finish();
      return withExposure(perSlice(equityCurve, tape.slices), fills, tape.slices);
    },
  };
}

/**
 * One point per slice: the portfolio's history also has points at fills (at the open) and its initial
 * point; the last point at each slice's time is the equity after that slice's close.
 */
function perSlice(history: readonly { time: number; equity: number }[], slices: readonly Bar[][]): { time: number; equity: number }[] {
  const last = new Map<number, number>();
  for (const p of history) last.set(p.time, p.equity);
  const out: { time: number; equity: number }[] = [];
  let equity: number | undefined;
  for (const slice of slices) {
    const time = slice[0]!.time;
    equity = last.get(time) ?? equity;
    if (equity !== undefined) out.push({ time, equity });
  }
  return out;
}

/** Adds gross exposure to the equity curve by replaying fills against each slice's closes. */
function withExposure(curve: readonly { time: number; equity: number }[], fills: readonly Fill[], slices: readonly Bar[][]): EquityPoint[] {
  const closes = new Map<number, Map<string, number>>();
  for (const slice of slices) closes.set(slice[0]!.time, new Map(slice.map((b) => [b.symbol, b.close])));
  const held = new Map<string, number>();
  const last = new Map<string, number>();
  let f = 0;
  return curve.map((p) => {
    while (f < fills.length && fills[f]!.time <= p.time) {
      const fill = fills[f++]!;
      held.set(fill.symbol, (held.get(fill.symbol) ?? 0) + (fill.side === 'buy' ? fill.quantity : -fill.quantity));
    }
    for (const [s, c] of closes.get(p.time) ?? []) last.set(s, c);
    let gross = 0;
    for (const [s, q] of held) gross += Math.abs(q * (last.get(s) ?? 0));
    return { time: p.time, equity: p.equity, grossExposure: gross };
  });
}
