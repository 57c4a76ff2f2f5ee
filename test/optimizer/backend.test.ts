import test from 'ava';
import { GPU } from 'gpu.js';
import { BackendUnavailableError, float32Reference, prepareSweep, runSweep, SweepBackend } from '../../actors/optimizer/index.js';
import { walkBars } from './helpers.js';

const KNOWN = ['webgpu', 'headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

test('auto opens the best backend that runs the probe and reports which, with every backend it passed over', async (t) => {
  const backend = await SweepBackend.open('auto');
  try {
    const report = backend.report();
    t.true(KNOWN.includes(report.backend), report.backend);
    t.is(report.requested, 'auto');
    t.is(report.arithmetic, report.backend === 'cpu' ? 'float64' : 'float32');
    if (!(await GPU.isWebGPUAvailable())) t.true(report.attempts.some((a) => a.mode === 'webgpu' && /no WebGPU adapter/.test(a.error)));
  } finally {
    await backend.destroy();
  }
});

test('asking for webgpu where no adapter answers fails loudly instead of running elsewhere', async (t) => {
  if (await GPU.isWebGPUAvailable()) {
    t.pass('this machine has a WebGPU adapter');
    return;
  }
  const error = await t.throwsAsync(SweepBackend.open('webgpu'), { instanceOf: BackendUnavailableError });
  t.regex(error!.message, /webgpu: no WebGPU adapter answered/);
});

test('kernels loop over every bar past gpu.js default limit of 1,000 iterations', async (t) => {
  const bars = walkBars(2_600, 9);
  const request = { strategy: 'sma-cross', symbol: 'WALK', grid: 'fast=3..9:3,slow=20..60:20', backend: 'webasm' as const };
  const out = await runSweep(request, { bars });
  const setup = prepareSweep(request, bars);
  t.deepEqual(Array.from(out.raw), Array.from(float32Reference({ strategy: 'sma-cross', bars: setup.bars, grid: setup.grid, costs: setup.costs, approach: 'indexed' })));
  const truncated = float32Reference({ strategy: 'sma-cross', bars: setup.bars.n > 1_000 ? { ...setup.bars, n: 1_000 } : setup.bars, grid: setup.grid, costs: setup.costs, approach: 'indexed' });
  t.notDeepEqual(Array.from(out.raw), Array.from(truncated), 'a run stopped at bar 1,000 would look different');
});

test('the result names the backend that ran the kernels', async (t) => {
  const out = await runSweep({ strategy: 'rsi-reversion', symbol: 'WALK', grid: 'period=5..9:2', backend: 'webasm' }, { bars: walkBars(200, 4) });
  t.is(out.backend, 'webasm');
  t.is(out.backendReport.gpuMode, 'webasm');
  t.is(out.backendReport.fallbackReason, null);
});
