import test from 'ava';
import { maxDrawdown, sharpeRatio } from '../../actors/backtest/metrics.js';
import { DEFAULT_COMMISSION } from '../../actors/broker/commission.js';
import { roundToCents, roundToTick } from '../../actors/domain/money.js';
import { loadCsv } from '../../actors/market/csv.js';
import {
  Book64, compareRaw, costConstants, float32Reference, KERNEL_APPROACHES, PARITY_MAX_DIVERGENT_FRACTION, PARITY_TOLERANCE, prepareSweep,
  referenceSweep, runSweep, SweepBackend,
} from '../../actors/optimizer/index.js';
import { roundCents64, roundTick64 } from '../../actors/optimizer/kernels/cost-model.js';
import { seededRandom } from '../helpers/system.js';
import { GRIDS, walkBars } from './helpers.js';

const bars = walkBars(700, 11);
let webasm: SweepBackend;
test.before(async () => {
  webasm = await SweepBackend.open('webasm');
});
test.after.always(async () => {
  await webasm?.destroy();
});

for (const strategy of Object.keys(GRIDS)) {
  for (const approach of KERNEL_APPROACHES) {
    test(`the ${strategy} kernel (${approach}) matches the float32 reference exactly`, async (t) => {
      const request = { strategy, symbol: 'WALK', grid: GRIDS[strategy]!, approach, slippageBps: 3 };
      const out = await runSweep(request, { bars, backend: webasm });
      const setup = prepareSweep(request, bars);
      const ref = float32Reference({ strategy, bars: setup.bars, grid: setup.grid, costs: setup.costs, approach });
      t.is(out.backend, 'webasm');
      t.true(out.combos > 20);
      t.true(Array.from(ref).some((v, i) => i % 4 === 3 && v > 0), 'the grid trades');
      const mismatches = Array.from(ref).flatMap((v, i) => (Object.is(v, out.raw[i]) ? [] : [`combo ${i >> 2} field ${i & 3}: ref ${v} kernel ${out.raw[i]}`]));
      t.deepEqual(mismatches, []);
    });

    test(`the ${strategy} kernel (${approach}) is within the pinned tolerance of the float64 reference`, async (t) => {
      const request = { strategy, symbol: 'WALK', grid: GRIDS[strategy]!, approach, slippageBps: 3 };
      const out = await runSweep(request, { bars, backend: webasm });
      const setup = prepareSweep(request, bars);
      const ref = referenceSweep({ strategy, bars: setup.bars, grid: setup.grid, costs: setup.costs });
      const parity = compareRaw(out.raw, ref, setup.costs.initialCash);
      t.log(`${parity.divergent.length} of ${parity.combos} combinations flipped; largest differences within tolerance: ${JSON.stringify(parity.maxWithin)}`);
      t.true(parity.divergent.length <= PARITY_MAX_DIVERGENT_FRACTION * parity.combos, JSON.stringify(parity.divergent.slice(0, 5)));
      t.true(parity.ok);
    });
  }
}

test('the kernel matches the float32 reference on the ALFA fixture with the default costs', async (t) => {
  const { bars: alfa } = await loadCsv('test/fixtures/ohlcv/ALFA.csv');
  const request = { strategy: 'sma-cross', symbol: 'ALFA', grid: 'fast=2..6,slow=8..20:2', initialCash: 25_000 };
  const out = await runSweep(request, { bars: alfa, backend: webasm });
  const setup = prepareSweep(request, alfa);
  const ref = float32Reference({ strategy: 'sma-cross', bars: setup.bars, grid: setup.grid, costs: setup.costs, approach: 'indexed' });
  t.deepEqual(Array.from(out.raw), Array.from(ref));
  t.true(compareRaw(out.raw, referenceSweep({ strategy: 'sma-cross', bars: setup.bars, grid: setup.grid, costs: setup.costs }), 25_000).ok);
});

test('the cpu backend computes in float64 and stays within the tolerance of the float64 reference', async (t) => {
  const request = { strategy: 'rsi-reversion', symbol: 'WALK', grid: GRIDS['rsi-reversion']!, backend: 'cpu' as const };
  const out = await runSweep(request, { bars: bars.slice(0, 300) });
  t.is(out.backendReport.backend, 'cpu');
  t.is(out.backendReport.arithmetic, 'float64');
  const setup = prepareSweep(request, bars.slice(0, 300));
  t.true(compareRaw(out.raw, referenceSweep({ strategy: 'rsi-reversion', bars: setup.bars, grid: setup.grid, costs: setup.costs }), setup.costs.initialCash).ok);
});

test('the float64 book rounds prices and commissions exactly as roundToTick and roundToCents do', (t) => {
  const rnd = seededRandom(3);
  const c = costConstants({ initialCash: 1, commission: DEFAULT_COMMISSION, slippageBps: 0, tickSize: 0.01, periodsPerYear: 252 });
  const c05 = costConstants({ initialCash: 1, commission: DEFAULT_COMMISSION, slippageBps: 0, tickSize: 0.05, periodsPerYear: 252 });
  for (let i = 0; i < 20_000; i++) {
    const halfCent = Math.floor(rnd() * 1e6) / 100 + 0.005; // x.xx5: a decimal half, noisy in binary
    const price = Math.floor(rnd() * 1e7) / 1000 * (1 + Math.floor(rnd() * 20) / 10_000);
    const qty = 1 + Math.floor(rnd() * 5_000);
    t.is(roundCents64(halfCent), roundToCents(halfCent), `cents of ${halfCent}`);
    t.is(roundCents64(qty * 0.005), roundToCents(qty * 0.005), `commission of ${qty} shares`);
    t.is(roundTick64(price, c), roundToTick(price, 0.01), `tick of ${price}`);
    t.is(roundTick64(price, c05), roundToTick(price, 0.05), `0.05 tick of ${price}`);
  }
});

test('the reference Sharpe and drawdown equal the backtest metrics of the same equity series', (t) => {
  const rnd = seededRandom(5);
  const book = new Book64(costConstants({ initialCash: 100_000, commission: DEFAULT_COMMISSION, slippageBps: 0, tickSize: 0.01, periodsPerYear: 252 }));
  const equity = [100_000];
  for (const bar of bars) {
    book.fill(bar.open);
    if (book.qty === 0 && rnd() < 0.1) book.enter(bar.close, 20_000 + rnd() * 50_000);
    else if (book.qty > 0 && rnd() < 0.05) book.exit();
    book.mark(bar.close);
    equity.push(book.prevEq);
  }
  const out = new Float64Array(4);
  book.finish(out, 0, bars.length);
  t.true(out[3]! > 5);
  t.true(Math.abs(out[1]! - sharpeRatio(equity, 252)) < 1e-12, `${out[1]} vs ${sharpeRatio(equity, 252)}`);
  t.is(out[2], maxDrawdown(equity));
  t.is(out[0], equity[equity.length - 1]);
});

test('the pinned tolerance is what the docs state', (t) => {
  t.deepEqual({ ...PARITY_TOLERANCE }, { finalEquityRel: 1e-4, sharpeAbs: 1e-3, maxDrawdownAbs: 1e-4, trades: 0 });
  t.is(PARITY_MAX_DIVERGENT_FRACTION, 0.02);
});
