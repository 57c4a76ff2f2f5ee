import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAR_STORE } from '../../actors/market/services.js';
import { OPTIMIZER_ERROR_CODES, OPTIMIZER_KIND, OptimizerActor, registerOptimizerKind, runSweep } from '../../actors/optimizer/index.js';
import type {
  BacktestRunner, KernelBackend, OptimizerProgress, OptimizerProtocol, OptimizerReply, OptimizerResult, OptimizeRequest, SweepKernel,
} from '../../actors/optimizer/index.js';
import { SqliteBarStore } from '../../persistence/sqlite/sqlite-bar-store.js';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef, SimulatedClock } from '../../runtime/index.js';
import { collect, eventually, testSystem } from '../helpers/system.js';
import { walkBars } from './helpers.js';

const bars = walkBars(300, 5, 'WALK');
const REQUEST: OptimizeRequest = { strategy: 'sma-cross', symbol: 'WALK', grid: 'fast=2..20:2,slow=10..60:5', bars, maxBarEvaluationsPerChunk: 20 * bars.length, backend: 'webasm', confirmTop: 0 };

/** Sends one message to the optimizer as itself, so replies come back here, and keeps them. */
class Requester extends Actor<OptimizerReply, { target: ActorRef<OptimizerProtocol>; send: OptimizerProtocol[]; inbox: OptimizerReply[] }> {
  override started(ctx: ActorContext<OptimizerReply>): void {
    for (const m of this.props.send) ctx.tell(this.props.target, m);
  }
  receive(msg: OptimizerReply): void {
    this.props.inbox.push(msg);
  }
}

function finished(inbox: OptimizerReply[]): boolean {
  return inbox.some((m) => m.type === 'optimizer.result' || m.type === 'optimizer.failed' || m.type === 'optimizer.cancelled');
}

async function sweep(props: ConstructorParameters<typeof OptimizerActor>[0], send: OptimizerProtocol[], setup?: (s: ReturnType<typeof testSystem>) => void) {
  const env = testSystem();
  setup?.(env);
  const events = collect<OptimizerReply>(env.system, ['optimizer.progress', 'optimizer.result', 'optimizer.failed', 'optimizer.cancelled']);
  const optimizer = env.system.spawn(OptimizerActor, 'optimizer', props);
  const inbox: OptimizerReply[] = [];
  env.system.spawn(Requester, 'requester', { target: optimizer, send, inbox });
  await eventually(() => finished(inbox), 1_000_000);
  await env.system.shutdown();
  return { inbox, events, clock: env.clock };
}

test('a sweep reports progress after every chunk, then the ranked result with the backend used', async (t) => {
  const { inbox, events } = await sweep(undefined, [{ type: 'optimizer.run', requestId: 'r1', request: REQUEST }]);
  const progress = inbox.filter((m): m is OptimizerProgress => m.type === 'optimizer.progress');
  const result = inbox.at(-1) as OptimizerResult;
  t.is(result.type, 'optimizer.result');
  t.true(progress.length >= 3);
  t.deepEqual(progress.map((p) => p.chunk), Array.from({ length: result.chunks }, (_, i) => i + 1));
  t.is(progress.at(-1)!.done, result.combos);
  t.is(result.backend, 'webasm');
  t.is(result.backendReport.backend, 'webasm');
  t.is(result.results.length, 10);
  t.true(result.results.every((r, i) => i === 0 || r.metrics.sharpe <= result.results[i - 1]!.metrics.sharpe));
  t.is(result.confirmation.status, 'skipped');
  const direct = await runSweep(REQUEST, { bars });
  t.deepEqual(result.results, direct.results);
  t.deepEqual(events.map((e) => e.type), inbox.map((m) => m.type), 'the same messages go on the event stream');
});

test('a sweep reads its bars from the node BarStore when none are given inline', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bifrost-optimizer-'));
  const store = SqliteBarStore.open(join(dir, 'bars.db'));
  try {
    await store.upsert(bars);
    const { bars: _inline, ...fromStore } = REQUEST;
    const { inbox } = await sweep(undefined, [{ type: 'optimizer.run', requestId: 'r2', request: { ...fromStore, from: bars[50]!.time } }], (env) => env.system.services.provide(BAR_STORE, store));
    const result = inbox.at(-1) as OptimizerResult;
    t.is(result.type, 'optimizer.result');
    t.is(result.bars, 250);
    t.is(result.firstBarTime, bars[50]!.time);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cancel stops the sweep between chunks and no result follows', async (t) => {
  const { inbox } = await sweep(undefined, [
    { type: 'optimizer.run', requestId: 'r3', request: REQUEST },
    { type: 'optimizer.cancel', requestId: 'r3' },
  ]);
  t.deepEqual(inbox.map((m) => m.type), ['optimizer.cancelled']);
  t.like(inbox[0], { requestId: 'r3', done: 0 });
});

test('a cancel that arrives mid-sweep leaves the rest of the chunks unrun', async (t) => {
  const env = testSystem();
  const optimizer = env.system.spawn(OptimizerActor, 'optimizer', undefined);
  const inbox: OptimizerReply[] = [];
  env.system.events.subscribe<OptimizerProgress>('optimizer.progress', (p) => {
    if (p.chunk === 2) env.system.tell(optimizer, { type: 'optimizer.cancel', requestId: 'r4' });
  });
  env.system.spawn(Requester, 'requester', { target: optimizer, send: [{ type: 'optimizer.run', requestId: 'r4', request: REQUEST }], inbox });
  await eventually(() => finished(inbox), 1_000_000);
  await env.system.shutdown();
  const cancelled = inbox.at(-1)!;
  t.is(cancelled.type, 'optimizer.cancelled');
  t.true(cancelled.type === 'optimizer.cancelled' && cancelled.done < cancelled.total, JSON.stringify(cancelled));
  t.false(inbox.some((m) => m.type === 'optimizer.result'));
});

/** A backend whose kernels do what `run` says, for failure and timing cases. */
function fakeBackend(run: SweepKernel['run']): KernelBackend {
  const report = { backend: 'fake', requested: 'auto' as const, gpuMode: 'fake', arithmetic: 'float32' as const, fallbackReason: null, attempts: [] };
  return {
    probedMode: 'fake',
    createKernel: () => ({ run, mode: 'fake', fallbackReason: null, destroy: () => undefined }),
    report: () => report,
    destroy: async () => undefined,
  };
}

test('a kernel that throws is reported as optimizer.failed with the backend, not hidden', async (t) => {
  const backend = fakeBackend(async () => {
    throw new Error('device lost');
  });
  const { inbox, events } = await sweep({ openBackend: async () => backend }, [{ type: 'optimizer.run', requestId: 'r5', request: REQUEST }]);
  const failed = inbox.at(-1)!;
  t.is(failed.type, 'optimizer.failed');
  t.true(failed.type === 'optimizer.failed' && failed.error.code === OPTIMIZER_ERROR_CODES.kernelFailed && failed.backend === 'fake');
  t.regex(failed.type === 'optimizer.failed' ? failed.error.message : '', /kernel failed on backend fake in chunk 0: device lost/);
  t.true(events.some((e) => e.type === 'optimizer.failed'));
});

test('a kernel that returns non-finite figures is reported as failed', async (t) => {
  const backend = fakeBackend(async () => Array.from({ length: 200 }, () => Float32Array.of(Number.NaN, 0, 0, 0)));
  const { inbox } = await sweep({ openBackend: async () => backend }, [{ type: 'optimizer.run', requestId: 'r6', request: REQUEST }]);
  const failed = inbox.at(-1)!;
  t.regex(failed.type === 'optimizer.failed' ? failed.error.message : '', /non-finite figures \[NaN, 0, 0, 0\] for combination 0/);
});

test('progress carries done/total and an ETA from the injected clock', async (t) => {
  let clock: SimulatedClock | undefined;
  const backend = fakeBackend(async () => {
    clock!.advance(100);
    return Array.from({ length: 200 }, () => Float32Array.of(100_000, 0, 0, 0));
  });
  const { inbox } = await sweep({ openBackend: async () => backend }, [{ type: 'optimizer.run', requestId: 'r7', request: REQUEST }], (env) => (clock = env.clock));
  const progress = inbox.filter((m): m is OptimizerProgress => m.type === 'optimizer.progress');
  const first = progress[0]!;
  t.is(first.elapsedMs, 100);
  t.is(first.etaMs, Math.round((100 / first.done) * (first.total - first.done)));
  t.is(progress.at(-1)!.etaMs, 0);
});

const invalidRequests: Array<{ name: string; request: Partial<OptimizeRequest>; says: RegExp; code: string }> = [
  { name: 'fast >= slow everywhere', request: { grid: 'fast=50..60:5,slow=20..40:10' }, says: /fast \(50\) must be less than slow \(20\)/, code: 'INVALID_GRID' },
  { name: 'an empty range', request: { grid: 'fast=5..1,slow=20' }, says: /fast: empty range 5\.\.1:1/, code: 'INVALID_GRID' },
  { name: 'an unknown strategy', request: { strategy: 'momentum' }, says: /strategy: "momentum" is not one of sma-cross, rsi-reversion, bollinger-atr/, code: 'INVALID_OPTIMIZE_REQUEST' },
  { name: 'an unknown objective', request: { objective: 'profit' as never }, says: /objective: "profit" is not one of sharpe, totalReturn, calmar/, code: 'INVALID_OPTIMIZE_REQUEST' },
  { name: 'too few bars', request: { bars: bars.slice(0, 1) }, says: /WALK: 1 bar\(s\)/, code: 'NO_BARS' },
];
for (const row of invalidRequests) {
  test(`a request with ${row.name} fails with a clear error`, async (t) => {
    const { inbox } = await sweep(undefined, [{ type: 'optimizer.run', requestId: 'bad', request: { ...REQUEST, ...row.request } as OptimizeRequest }]);
    const failed = inbox.at(-1)!;
    t.is(failed.type, 'optimizer.failed');
    if (failed.type !== 'optimizer.failed') return;
    t.is(failed.error.code, row.code);
    t.regex(failed.error.message, row.says);
  });
}

test('the best combinations are re-run through the backtest runner and the differences reported', async (t) => {
  const calls: string[] = [];
  const runner: BacktestRunner = async (run) => {
    calls.push(JSON.stringify(run.params));
    const direct = await runSweep({ ...REQUEST, grid: { fast: run.params['fast']!, slow: run.params['slow']! } }, { bars: run.bars });
    const m = direct.results[0]!.metrics;
    // The second re-run "disagrees" by one trade, as a risk denial would make it.
    return { finalEquity: m.finalEquity, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, trades: m.trades + (calls.length === 2 ? 1 : 0), denials: 0 };
  };
  const { inbox } = await sweep({ backtest: runner }, [{ type: 'optimizer.run', requestId: 'r8', request: { ...REQUEST, confirmTop: 3 } }]);
  const result = inbox.at(-1) as OptimizerResult;
  t.is(calls.length, 3);
  t.is(result.confirmation.status, 'differences');
  t.deepEqual(result.confirmation.rows.map((r) => r.withinTolerance), [true, false, true]);
  t.is(result.confirmation.rows[1]!.diff.trades, 1);
  t.deepEqual(result.confirmation.rows.map((r) => r.params), result.results.slice(0, 3).map((r) => r.params));
});

test('with confirmation turned off the result says it is unavailable and why', async (t) => {
  const { inbox } = await sweep({ backtest: null }, [{ type: 'optimizer.run', requestId: 'r9', request: { ...REQUEST, confirmTop: 2 } }]);
  const result = inbox.at(-1) as OptimizerResult;
  t.is(result.confirmation.status, 'unavailable');
  t.regex(result.confirmation.reason ?? '', /confirmation is off on this node/);
});

test('registers as actor kind optimizer', (t) => {
  const { system } = testSystem();
  registerOptimizerKind(system.kinds);
  t.is(system.kinds.get(OPTIMIZER_KIND), OptimizerActor);
});
