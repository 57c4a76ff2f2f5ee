import type { Fill } from '../domain/fill.js';
import { sideSign } from '../domain/order.js';
import type { Position } from '../domain/position.js';
import { tradePosition } from '../portfolio/portfolio-state.js';
import type { MarketTape } from './market-tape.js';
import type { EquityPoint } from './metrics.js';

/**
 * The equity and gross exposure after each time slice, replayed from the venue's fills (each at a slice's
 * open, before its closes) and the slices' closes. It repeats the portfolio's own arithmetic, operation for
 * operation, so the curve is bit for bit the portfolio's equity after each slice's marks:
 * - positions through `tradePosition`, cash as `applyFill` books it (`cash - signed x price - commission`);
 * - marks as `applyFill` (the fill price, unless a later mark exists) and `markPrices` (a finite positive
 *   close not older than the mark) set them;
 * - equity as the portfolio settles it: `cash + sum of quantity x mark` over non-flat positions, in the order
 *   of the portfolio's positions record (first traded first, integer-like symbols ahead).
 * Gross exposure is the sum of |quantity x last close| over symbols in the order they were first filled.
 * It keeps typed arrays indexed by symbol (each position's quantity and average cost copied out of it after
 * each fill, marks, closes) and the two orders as typed arrays of indices, so that the sums each slice walk
 * numbers rather than position objects, and no array the loops read changes its kind (optimised code would
 * be thrown away); `LivePortfolio.markPrices` takes a record of prices per mark instead.
 * test/backtest/equity-replay.test.ts holds it to the portfolio's figures.
 */
export function replayEquity(tape: MarketTape, fills: readonly Fill[], initialCash: number): EquityPoint[] {
  const symbols = tape.series.length;
  const indexOf = new Map(tape.series.map((s, i) => [s.symbol, i]));
  const markPrice = new Float64Array(symbols);
  const markTime = new Float64Array(symbols).fill(Number.NEGATIVE_INFINITY);
  /** NaN until the symbol's first close (closes themselves are validated finite). */
  const lastClose = new Float64Array(symbols).fill(Number.NaN);
  const quantity = new Float64Array(symbols);
  const averageCost = new Float64Array(symbols);
  const positions: (Position | undefined)[] = new Array<Position | undefined>(symbols).fill(undefined);
  /** Symbol to index, keyed like the portfolio's positions record, so that Object.values walks its order. */
  const record: Record<string, number> = {};
  /** The first `traded` entries: indices of the symbols filled so far, in record and in first-fill order. */
  const inRecordOrder = new Int32Array(symbols);
  const inFillOrder = new Int32Array(symbols);
  let traded = 0;
  let cash = initialCash;
  let f = 0;
  const curve: EquityPoint[] = [];
  const { sliceStart, symbolOf, positionOf, closes } = tape;
  for (let k = 0; k < tape.slices.length; k++) {
    const time = tape.timeOf(k);
    for (; f < fills.length && fills[f]!.time <= time; f++) {
      const fill = fills[f]!;
      const index = indexOf.get(fill.symbol)!;
      let before = positions[index];
      if (before === undefined) {
        before = { symbol: fill.symbol, quantity: 0, averageCost: 0, realizedPnl: 0 };
        record[fill.symbol] = index;
        inFillOrder[traded++] = index;
        let i = 0;
        for (const inRecord of Object.values(record)) inRecordOrder[i++] = inRecord;
      }
      const signed = sideSign(fill.side) * fill.quantity;
      const position = (positions[index] = tradePosition(before, signed, fill.price));
      quantity[index] = position.quantity;
      averageCost[index] = position.averageCost;
      cash = cash - signed * fill.price - fill.commission;
      if (!(markTime[index]! > fill.time)) {
        markPrice[index] = fill.price;
        markTime[index] = fill.time;
      }
    }
    for (let b = sliceStart[k]!; b < sliceStart[k + 1]!; b++) {
      const index = symbolOf[b]!;
      const close = closes[index]![positionOf[b]!]!;
      lastClose[index] = close;
      if (Number.isFinite(close) && close > 0 && !(markTime[index]! > time)) {
        markPrice[index] = close;
        markTime[index] = time;
      }
    }
    let marked = 0;
    for (let i = 0; i < traded; i++) {
      const index = inRecordOrder[i]!;
      const q = quantity[index]!;
      if (q !== 0) marked += q * (markTime[index] === Number.NEGATIVE_INFINITY ? averageCost[index]! : markPrice[index]!);
    }
    let gross = 0;
    for (let i = 0; i < traded; i++) {
      const index = inFillOrder[i]!;
      const close = lastClose[index]!;
      gross += Math.abs(quantity[index]! * (Number.isNaN(close) ? 0 : close));
    }
    curve.push({ time, equity: cash + marked, grossExposure: gross });
  }
  return curve;
}
