import test from 'ava';
import type { Fill } from '../../actors/domain/fill.js';
import { InvalidFillError } from '../../actors/portfolio/errors.js';
import { LivePortfolio } from '../../actors/portfolio/live-portfolio.js';
import {
  applyFill, createPortfolio, equityHistory, fromSnapshot, hasFill, markPrices, startTradingDay, toRiskView, toSnapshot,
} from '../../actors/portfolio/portfolio-state.js';
import type { PortfolioState } from '../../actors/portfolio/portfolio-state.js';
import { SharedLog } from '../../actors/portfolio/shared-log.js';
import { seededRandom } from '../helpers/system.js';

/** The whole state as text, key order included (a record's order decides the order equity is summed in). */
function text(state: PortfolioState): string {
  const { fillIds, equityCurve, ...rest } = state;
  return JSON.stringify({ ...rest, fillIds: SharedLog.items(fillIds), equityCurve: SharedLog.items(equityCurve) });
}

function fill(i: number, symbol: string, side: 'buy' | 'sell', quantity: number, price: number, time: number, commission = 0.37): Fill {
  return { fillId: `F${i}`, clientOrderId: `C${i}`, portfolioId: 'p1', symbol, side, quantity, price, commission, time, venue: 'paper' };
}

test('live books changed in place read the same as the immutable states after every one of thousands of random events', (t) => {
  const random = seededRandom(99);
  // Integer-like symbols ('10', '2'), which records keep ahead of the others, and symbols only ever marked.
  const symbols = ['ZED', '10', 'ALPHA', '2', 'BETA', 'GAMMA', 'MARKED1', 'MARKED2'];
  let state = createPortfolio('p1', 250_000, 0);
  const live = LivePortfolio.fromState(state);
  const fills: Fill[] = [];
  const read: Array<{ state: PortfolioState; text: string }> = [];
  for (let i = 0; i < 4_000; i++) {
    const roll = random();
    const symbol = symbols[Math.floor(random() * (roll < 0.3 ? symbols.length : symbols.length - 2))]!;
    const price = (1 + random() * 200) * (1 + random() * 1e-9);
    const time = i * 10 + Math.floor((random() - 0.3) * 50);
    if (roll < 0.3) {
      const prices = random() < 0.5 ? { [symbol]: price } : Object.fromEntries(symbols.map((s) => [s, random() < 0.1 ? -1 : price * (0.9 + random() * 0.2)]));
      state = markPrices(state, prices, time);
      live.markPrices(prices, time);
    } else if (roll < 0.33) {
      state = startTradingDay(state, time);
      live.startTradingDay(time);
    } else if (roll < 0.4 && fills.length > 0) {
      const again = fills[Math.floor(random() * fills.length)]!;
      t.is(applyFill(state, again), state);
      live.applyFill(again);
    } else {
      const f = fill(i, symbol, random() < 0.5 ? 'buy' : 'sell', 1 + Math.floor(random() * 300), price, time, random() * 2);
      t.false(live.hasFill(f.fillId));
      fills.push(f);
      state = applyFill(state, f);
      live.applyFill(f);
      t.true(live.hasFill(f.fillId));
    }
    t.is(live.quantityOf(symbol), state.positions[symbol]?.quantity ?? 0);
    // Read the live books only now and then, so that what they keep between reads is checked too.
    if (random() < 0.2) {
      const now = live.state();
      t.is(text(now), text(state));
      t.is(JSON.stringify(live.riskView()), JSON.stringify(toRiskView(state)));
      t.true(Object.isFrozen(now) && Object.isFrozen(now.positions) && Object.isFrozen(now.marks));
      t.true(Object.isFrozen(live.riskView().positions) && Object.isFrozen(live.riskView().marks));
      t.deepEqual(live.markPriceRecord(), toRiskView(state).marks);
      read.push({ state: now, text: text(now) });
    }
  }
  t.true(read.length > 500);
  t.true(read.every((r) => text(r.state) === r.text), 'a state read earlier does not change with later events');
  t.is(live.fillCount, fills.length);
  t.is(live.equityPoints, equityHistory(state).length);
});

test('books that start from a snapshot continue as the states do', (t) => {
  let state = createPortfolio('p1', 10_000, 0);
  state = applyFill(state, fill(1, 'B', 'buy', 10, 20.5, 1));
  state = applyFill(state, fill(2, '7', 'sell', 5, 3.25, 2));
  state = markPrices(state, { A: 9, B: 21 }, 3);
  const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))));
  t.true(Object.isFrozen(restored.positions.B) && Object.isFrozen(restored.marks.A), 'frozen through its positions and marks');
  const live = LivePortfolio.fromState(restored);
  t.is(live.state(), restored, 'the same state until the books change');
  const next = fill(3, 'A', 'buy', 4, 8.75, 4);
  live.applyFill(next);
  t.is(text(live.state()), text(applyFill(state, next)));
  t.true(hasFill(live.state(), 'F1') && !hasFill(restored, 'F3'));
});

test('live books refuse a malformed fill or one for another portfolio, as applyFill does', (t) => {
  const live = LivePortfolio.fromState(createPortfolio('p1', 1_000, 0));
  t.throws(() => live.applyFill({ ...fill(1, 'A', 'buy', 1, 10, 1), portfolioId: 'p2' }), { instanceOf: InvalidFillError });
  t.throws(() => live.applyFill(fill(2, 'A', 'buy', 0, 10, 1)), { instanceOf: InvalidFillError, message: /quantity/ });
  t.is(live.fillCount, 0);
});

test('a cursor pushed in place leaves earlier views as they were, and a cursor behind the log copies its prefix', (t) => {
  const view = SharedLog.of(['a', 'b'], (id) => id);
  const cursor = { log: view.log, length: view.length };
  SharedLog.push(cursor, 'c');
  const afterC = SharedLog.view(cursor);
  SharedLog.push(cursor, 'd');
  t.deepEqual([SharedLog.items(view), SharedLog.items(afterC), SharedLog.items(SharedLog.view(cursor))], [['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c', 'd']]);
  t.false(SharedLog.has(afterC, 'd'));
  const branch = { log: afterC.log, length: afterC.length };
  SharedLog.push(branch, 'x');
  t.not(branch.log, cursor.log);
  t.deepEqual([SharedLog.items(SharedLog.view(branch)), SharedLog.items(SharedLog.view(cursor))], [['a', 'b', 'c', 'x'], ['a', 'b', 'c', 'd']]);
  t.true(SharedLog.has(SharedLog.view(branch), 'x') && !SharedLog.has(SharedLog.view(cursor), 'x'));
});

test('a bounded equity curve keeps its newest points, and a state read before a cut still shows every point it had', (t) => {
  const bounded = LivePortfolio.fromState(createPortfolio('p1', 1_000, 0)).keepEquityPoints(10);
  const whole = LivePortfolio.fromState(createPortfolio('p1', 1_000, 0));
  bounded.applyFill(fill(1, 'AAA', 'buy', 10, 5, 1));
  whole.applyFill(fill(1, 'AAA', 'buy', 10, 5, 1));
  let before: PortfolioState | undefined;
  for (let i = 0; i < 100; i++) {
    bounded.markPrices({ AAA: 5 + (i % 7) }, 10 + i);
    whole.markPrices({ AAA: 5 + (i % 7) }, 10 + i);
    if (i === 15) before = bounded.state();
    t.true(bounded.equityPoints >= Math.min(10, whole.equityPoints) && bounded.equityPoints < 20);
  }
  t.deepEqual(equityHistory(bounded.state()), equityHistory(whole.state()).slice(-bounded.equityPoints), 'the newest points, as the whole curve has them');
  const { equityCurve: _a, fillIds: _b, ...boundedRest } = bounded.state();
  const { equityCurve: _c, fillIds: _d, ...wholeRest } = whole.state();
  t.deepEqual(boundedRest, wholeRest, 'every other figure, peak and drawdown included, as without the bound');
  t.is(equityHistory(before!).length, 18, 'a state read earlier keeps its own points');
  t.throws(() => whole.keepEquityPoints(0), { instanceOf: RangeError });
});
