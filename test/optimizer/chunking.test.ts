import test from 'ava';
import {
  estimateChunkBytes, expandGrid, MemoryBudgetTooSmallError, normalizeGrid, planChunks, prepareSweep, runSweep, SweepBackend, sweepStrategy,
} from '../../actors/optimizer/index.js';
import type { SweepProgress } from '../../actors/optimizer/index.js';
import { comboWidth } from '../../actors/optimizer/kernels/registry.js';
import { GRIDS, walkBars } from './helpers.js';

const bars = walkBars(400, 21);
let webasm: SweepBackend;
test.before(async () => {
  webasm = await SweepBackend.open('webasm');
});
test.after.always(async () => {
  await webasm?.destroy();
});

for (const strategy of Object.keys(GRIDS)) {
  test(`a ${strategy} sweep cut into many chunks gives exactly the one-pass figures`, async (t) => {
    const base = { strategy, symbol: 'WALK', grid: GRIDS[strategy]! };
    const onePass = await runSweep(base, { bars, backend: webasm });
    const progress: SweepProgress[] = [];
    const chunked = await runSweep({ ...base, maxBarEvaluationsPerChunk: 7 * bars.length }, { bars, backend: webasm, onProgress: (p) => progress.push(p) });
    t.is(onePass.chunks, 1);
    t.true(chunked.chunks >= 5, `${chunked.chunks} chunks`);
    t.deepEqual(Array.from(chunked.raw), Array.from(onePass.raw));
    t.deepEqual(chunked.results, onePass.results);
    t.deepEqual(progress.map((p) => p.chunk), Array.from({ length: chunked.chunks }, (_, i) => i + 1));
    t.is(progress.at(-1)!.done, chunked.combos);
    t.true(progress.every((p, i) => i === 0 || p.done > progress[i - 1]!.done));
  });
}

test('a grid too large for the memory budget is chunked rather than failing', async (t) => {
  const request = { strategy: 'sma-cross', symbol: 'WALK', grid: 'fast=2..40:2,slow=10..120:2' };
  const setup = prepareSweep(request, bars);
  const width = comboWidth(setup.strategy);
  const distinctRows = new Set([...Array(setup.grid.combos).keys()].flatMap((i) => setup.strategy.series({ fast: setup.grid.values[i * 3]!, slow: setup.grid.values[i * 3 + 1]! }))).size;
  const whole = estimateChunkBytes(bars.length, distinctRows, setup.grid.combos, width);
  const budget = Math.floor(whole / 3);
  const small = prepareSweep({ ...request, memoryBudgetBytes: budget }, bars);
  t.true(small.plan.chunks.length >= 3, `${small.plan.chunks.length} chunks`);
  t.true(small.plan.bytesPerChunk <= budget, `${small.plan.bytesPerChunk} > ${budget}`);
  t.true(small.plan.chunks.every((c) => c.rows.length <= small.plan.rowCapacity));
  const chunked = await runSweep({ ...request, memoryBudgetBytes: budget }, { bars, backend: webasm });
  const onePass = await runSweep(request, { bars, backend: webasm });
  t.deepEqual(Array.from(chunked.raw), Array.from(onePass.raw));
});

test('a budget that cannot hold one combination with its bars is refused with the figures', (t) => {
  const strategy = sweepStrategy('sma-cross');
  const grid = expandGrid(strategy.params, normalizeGrid(strategy.params, 'fast=5,slow=20'));
  const error = t.throws(() => planChunks(strategy, grid, 10_000, { memoryBudgetBytes: 100_000 }), { instanceOf: MemoryBudgetTooSmallError });
  t.regex(error!.message, /memory budget 100000 bytes is below the 240036 bytes one combination needs/);
});

test('launches share one shape, sized evenly so the padded last one wastes little', (t) => {
  const strategy = sweepStrategy('rsi-reversion');
  const grid = expandGrid(strategy.params, normalizeGrid(strategy.params, 'period=2..41,oversold=10..40:10,overbought=60..90:10'));
  const plan = planChunks(strategy, grid, 1_000, { maxBarEvaluationsPerChunk: 150_000 });
  const sizes = plan.chunks.map((c) => c.end - c.start);
  t.is(sizes.reduce((a, b) => a + b, 0), grid.combos);
  t.true(Math.max(...sizes) - Math.min(...sizes) <= 1, JSON.stringify(sizes));
  t.is(plan.comboCapacity, Math.ceil(Math.max(...sizes) / 4) * 4);
});
