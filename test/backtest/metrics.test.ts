import test from 'ava';
import { computeMetrics, roundTrips } from '../../actors/backtest/metrics.js';
import type { Fill } from '../../actors/domain/fill.js';

const DAY = 86_400_000;

function fill(n: number, symbol: string, side: 'buy' | 'sell', quantity: number, price: number, day: number): Fill {
  return { fillId: `F${n}`, clientOrderId: `C${n}`, portfolioId: 'p', symbol, side, quantity, price, commission: quantity * 0.01, time: day * DAY, venue: 'paper' };
}

const fills: Fill[] = [
  fill(1, 'AAA', 'buy', 10, 100, 1),
  fill(2, 'BBB', 'sell', 5, 50, 1),
  fill(3, 'AAA', 'buy', 5, 104, 2),
  fill(4, 'AAA', 'sell', 12, 110, 3),
  fill(5, 'BBB', 'buy', 5, 45, 3),
  fill(6, 'AAA', 'sell', 3, 90, 4),
];

test('round trips match first in, first out, splitting partial closes', (t) => {
  t.deepEqual(
    roundTrips(fills).map(({ symbol, side, quantity, entryPrice, exitPrice }) => [symbol, side, quantity, entryPrice, exitPrice]),
    [['AAA', 'long', 10, 100, 110], ['AAA', 'long', 2, 104, 110], ['BBB', 'short', 5, 50, 45], ['AAA', 'long', 3, 104, 90]],
  );
});

test('fills out of time order are matched as if sorted by time (stably), and sorted input is matched as given', (t) => {
  const shuffled = [fills[3]!, fills[0]!, fills[5]!, fills[1]!, fills[4]!, fills[2]!];
  t.deepEqual(roundTrips(shuffled), roundTrips([...shuffled].sort((a, b) => a.time - b.time)));
  t.deepEqual(roundTrips(shuffled), roundTrips(fills));
});

test('metrics from given trades equal metrics that match the fills themselves', (t) => {
  const curve = [1, 2, 3, 4, 5].map((day, i) => ({ time: day * DAY, equity: 100_000 + [3, -40, 120, 80, 95][i]!, grossExposure: i === 4 ? 0 : 1_000 }));
  t.deepEqual(computeMetrics(curve, fills, 100_000, 252, roundTrips(fills)), computeMetrics(curve, fills, 100_000, 252));
});
