import test from 'ava';
import { allForOne, InvalidTreeSpecError, oneForOne, restForOne, spawnSpec, supervisor, validateSpec, worker } from '../../supervision/index.js';
import type { StrategyKind, SupervisorStrategy } from '../../supervision/index.js';
import type { ActorRef, SupervisorDirective } from '../../runtime/index.js';
import { FatalError, IgnorableError, Journal, Recorder } from '../helpers/actors.js';
import type { RecorderMsg, SeenReply } from '../helpers/actors.js';
import { collect, testSystem } from '../helpers/system.js';

const STRATEGIES: Record<StrategyKind, typeof oneForOne> = { 'one-for-one': oneForOne, 'all-for-one': allForOne, 'rest-for-one': restForOne };

interface Row {
  readonly name: string;
  readonly kind: StrategyKind;
  readonly directive: SupervisorDirective;
  /** Children whose instance was replaced (state lost). */
  readonly fresh: readonly string[];
  /** Children no longer running. */
  readonly stopped: readonly string[];
}

const rows: Row[] = [
  { name: 'one-for-one resume keeps the failed child and its state', kind: 'one-for-one', directive: 'resume', fresh: [], stopped: [] },
  { name: 'one-for-one restart replaces the failed child only', kind: 'one-for-one', directive: 'restart', fresh: ['b'], stopped: [] },
  { name: 'one-for-one stop stops the failed child only', kind: 'one-for-one', directive: 'stop', fresh: [], stopped: ['b'] },
  { name: 'one-for-one escalate restarts the supervisor and so every child', kind: 'one-for-one', directive: 'escalate', fresh: ['a', 'b', 'c'], stopped: [] },
  { name: 'all-for-one resume keeps every child', kind: 'all-for-one', directive: 'resume', fresh: [], stopped: [] },
  { name: 'all-for-one restart replaces every child', kind: 'all-for-one', directive: 'restart', fresh: ['a', 'b', 'c'], stopped: [] },
  { name: 'all-for-one stop stops every child', kind: 'all-for-one', directive: 'stop', fresh: [], stopped: ['a', 'b', 'c'] },
  { name: 'all-for-one escalate restarts the supervisor', kind: 'all-for-one', directive: 'escalate', fresh: ['a', 'b', 'c'], stopped: [] },
  { name: 'rest-for-one resume keeps every child', kind: 'rest-for-one', directive: 'resume', fresh: [], stopped: [] },
  { name: 'rest-for-one restart replaces the failed child and those started after it', kind: 'rest-for-one', directive: 'restart', fresh: ['b', 'c'], stopped: [] },
  { name: 'rest-for-one stop stops the failed child and those started after it', kind: 'rest-for-one', directive: 'stop', fresh: [], stopped: ['b', 'c'] },
  { name: 'rest-for-one escalate restarts the supervisor', kind: 'rest-for-one', directive: 'escalate', fresh: ['a', 'b', 'c'], stopped: [] },
];

for (const row of rows) {
  test(`${row.name}`, async (t) => {
    const { system } = testSystem();
    const journal = new Journal();
    const strategy = STRATEGIES[row.kind]({ decide: () => row.directive });
    const spec = supervisor('sup', strategy, ['a', 'b', 'c'].map((n) => worker(n, Recorder, { journal })));
    spawnSpec(system, spec);
    const ref = (n: string): ActorRef<RecorderMsg> => ({ path: `/sup/${n}` });
    for (const n of ['a', 'b', 'c']) system.tell(ref(n), { type: 'rec.note', value: 'before' });
    await system.settled();
    system.tell(ref('b'), { type: 'rec.fail', error: 'b broke' });
    await system.settled();
    for (const n of ['a', 'b', 'c']) system.tell(ref(n), { type: 'rec.note', value: 'after' });
    await system.settled();

    for (const n of ['a', 'b', 'c']) {
      if (row.stopped.includes(n)) {
        t.is(system.lookup(`/sup/${n}`), undefined, `${n} should be stopped`);
        continue;
      }
      const { seen } = await system.ask<SeenReply>(ref(n), { type: 'rec.get' }, 100);
      t.deepEqual(seen, row.fresh.includes(n) ? ['after'] : ['before', 'after'], `state of ${n}`);
    }
    t.is(system.statsOf('/sup')?.restarts ?? 0, row.directive === 'escalate' ? 1 : 0, 'supervisor restarts');
    await system.shutdown();
  });
}

test('the decider picks a directive per error type', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const strategy = oneForOne({ decide: (e) => (e instanceof IgnorableError ? 'resume' : e instanceof FatalError ? 'stop' : 'restart') });
  spawnSpec(system, supervisor('sup', strategy, [worker('w', Recorder, { journal })]));
  const w: ActorRef<RecorderMsg> = { path: '/sup/w' };
  const directives = collect(system, 'supervisor.directive');
  system.tell(w, { type: 'rec.fail', kind: 'ignorable' });
  system.tell(w, { type: 'rec.fail', kind: 'transient' });
  system.tell(w, { type: 'rec.fail', kind: 'fatal' });
  await system.settled();
  t.deepEqual(directives.map((d) => d.directive), ['resume', 'restart', 'stop']);
  t.is(system.lookup('/sup/w'), undefined);
  await system.shutdown();
});

test('a decider that throws escalates', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const strategy = oneForOne({ decide: () => { throw new Error('decider bug'); } });
  spawnSpec(system, supervisor('sup', strategy, [worker('w', Recorder, { journal })]));
  const directives = collect(system, 'supervisor.directive');
  system.tell({ path: '/sup/w' }, { type: 'rec.fail' });
  await system.settled();
  t.is(directives[0]?.directive, 'escalate');
  t.regex(directives[0]?.reason, /decider threw decider bug/);
  t.is(system.statsOf('/sup')?.restarts, 1);
  await system.shutdown();
});

test('exceeding the restart intensity escalates, up several levels, until a supervisor restarts the subtree', async (t) => {
  const { system, clock } = testSystem();
  const journal = new Journal();
  const tree = supervisor('top', oneForOne({ decide: () => 'escalate' }), [
    supervisor('mid', oneForOne({ maxRestarts: 2, withinMs: 10_000, backoff: { minMs: 0 } }), [worker('leaf', Recorder, { journal })]),
  ]);
  spawnSpec(system, tree);
  const directives = collect(system, 'supervisor.directive');
  const exceeded = collect(system, 'supervisor.intensityExceeded');
  const leaf: ActorRef<RecorderMsg> = { path: '/top/mid/leaf' };
  for (let i = 0; i < 3; i++) {
    system.tell(leaf, { type: 'rec.fail', error: `f${i}` });
    await system.settled();
    clock.advance(100);
  }
  await system.settled();
  t.deepEqual(exceeded.map((e) => e.supervisor), ['/top/mid']);
  t.deepEqual(
    directives.map((d) => `${d.supervisor} ${d.directive} ${d.child}`),
    ['/top/mid restart /top/mid/leaf', '/top/mid restart /top/mid/leaf', '/top/mid escalate /top/mid/leaf', '/top escalate /top/mid', '/ restart /top'],
  );
  t.is(system.statsOf('/top')?.restarts, 1);
  // The restarted top rebuilt its subtree from the spec: the leaf answers again.
  t.deepEqual(await system.ask<SeenReply>(leaf, { type: 'rec.get' }, 100), { type: 'rec.seen', seen: [] });
  await system.shutdown();
});

test('restart intensity counts only restarts within the window', async (t) => {
  const { system, clock } = testSystem();
  const journal = new Journal();
  spawnSpec(system, supervisor('sup', oneForOne({ maxRestarts: 1, withinMs: 1_000, backoff: { minMs: 0 } }), [worker('w', Recorder, { journal })]));
  const exceeded = collect(system, 'supervisor.intensityExceeded');
  for (let i = 0; i < 4; i++) {
    system.tell({ path: '/sup/w' }, { type: 'rec.fail' });
    await system.settled();
    clock.advance(1_001);
  }
  t.is(exceeded.length, 0);
  t.is(system.statsOf('/sup/w')?.restarts, 4);
  await system.shutdown();
});

function backoffStrategy(jitter: number): SupervisorStrategy {
  return oneForOne({ maxRestarts: 100, withinMs: 600_000, backoff: { minMs: 100, maxMs: 1_000, factor: 2, jitter } });
}

test('restarts back off exponentially on the simulated clock: 0, 100, 200, 400, 800, then capped at 1000 ms', async (t) => {
  const { system, clock } = testSystem();
  const journal = new Journal();
  spawnSpec(system, supervisor('sup', backoffStrategy(0), [worker('w', Recorder, { journal })]));
  const directives = collect(system, 'supervisor.directive');
  const w: ActorRef<RecorderMsg> = { path: '/sup/w' };
  const expected = [0, 100, 200, 400, 800, 1_000, 1_000];
  for (const delay of expected) {
    const startsBefore = journal.of('/sup/w:started').length;
    system.tell(w, { type: 'rec.fail' });
    await system.settled();
    if (delay > 0) {
      clock.advance(delay - 1);
      await system.settled();
      t.is(journal.of('/sup/w:started').length, startsBefore, `not restarted before ${delay} ms`);
      clock.advance(1);
      await system.settled();
    }
    t.is(journal.of('/sup/w:started').length, startsBefore + 1, `restarted after ${delay} ms`);
  }
  t.deepEqual(directives.map((d) => d.delayMs), expected);
  await system.shutdown();
});

test('backoff jitter spreads delays within ±jitter and is reproducible with a seeded random source', async (t) => {
  const delays = async (): Promise<number[]> => {
    const { system, clock } = testSystem();
    const journal = new Journal();
    spawnSpec(system, supervisor('sup', backoffStrategy(0.5), [worker('w', Recorder, { journal })]));
    const directives = collect(system, 'supervisor.directive');
    for (let i = 0; i < 6; i++) {
      system.tell({ path: '/sup/w' }, { type: 'rec.fail' });
      await system.settled();
      clock.advance(2_000);
      await system.settled();
    }
    await system.shutdown();
    return directives.map((d) => d.delayMs);
  };
  const first = await delays();
  t.deepEqual(first, await delays());
  const base = [0, 100, 200, 400, 800, 1_000];
  first.forEach((d, i) => t.true(d >= base[i]! * 0.5 && d <= Math.min(1_000, base[i]! * 1.5), `delay ${i}: ${d}`));
  t.notDeepEqual(first, base);
});

test('restart types: permanent restarts after a normal exit, transient does not, temporary is never restarted', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  spawnSpec(system, supervisor('sup', oneForOne({ backoff: { minMs: 0 } }), [
    worker('perm', Recorder, { journal }, { restart: 'permanent' }),
    worker('trans', Recorder, { journal }, { restart: 'transient' }),
    worker('temp', Recorder, { journal }, { restart: 'temporary' }),
  ]));
  for (const n of ['perm', 'trans']) system.tell({ path: `/sup/${n}` }, { type: 'rec.stopSelf' });
  await system.settled();
  t.truthy(system.lookup('/sup/perm'), 'permanent child came back');
  t.is(journal.of('/sup/perm:started').length, 2);
  t.is(system.lookup('/sup/trans'), undefined, 'transient child stayed stopped after a normal exit');

  system.tell({ path: '/sup/temp' }, { type: 'rec.fail' });
  await system.settled();
  t.is(system.lookup('/sup/temp'), undefined, 'temporary child is stopped, not restarted');
  await system.shutdown();
});

test('an escalation from a top-level actor stops that actor and the system keeps running', async (t) => {
  const { system } = testSystem({ guardian: oneForOne({ decide: () => 'escalate' }) });
  const journal = new Journal();
  const roots = collect(system, 'supervisor.escalatedToRoot');
  const a = system.spawn(Recorder, 'a', { journal });
  const b = system.spawn(Recorder, 'b', { journal });
  system.tell(a, { type: 'rec.fail', error: 'fatal' });
  await system.settled();
  t.deepEqual(roots.map((r) => r.child), ['/a']);
  t.is(system.lookup('/a'), undefined);
  t.deepEqual(await system.ask<SeenReply>(b, { type: 'rec.get' }, 100), { type: 'rec.seen', seen: [] });
  await system.shutdown();
});

test('every failure and decision is published as a SupervisorEvent', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const events = collect(system, ['supervisor.failed', 'supervisor.directive']);
  spawnSpec(system, supervisor('sup', oneForOne(), [worker('w', Recorder, { journal })]));
  const w: ActorRef<RecorderMsg> = { path: '/sup/w' };
  system.tell(w, { type: 'rec.fail', error: 'oops' });
  await system.settled();
  t.like(events[0], { type: 'supervisor.failed', supervisor: '/sup', child: '/sup/w', phase: 'receive', messageType: 'rec.fail', error: { name: 'TransientError', message: 'oops' } });
  t.like(events[1], { type: 'supervisor.directive', supervisor: '/sup', child: '/sup/w', strategy: 'one-for-one', directive: 'restart', affected: ['/sup/w'] });
  await system.shutdown();
});

test('a tree spec is validated as a whole: every problem is reported, each naming where it is', (t) => {
  const spec = supervisor('root', oneForOne(), [
    worker('a', Recorder),
    worker('a', Recorder),
    supervisor('bad name', oneForOne(), [worker('', 'kind')]),
  ]);
  const error = t.throws(() => validateSpec(spec), { instanceOf: InvalidTreeSpecError });
  t.deepEqual(error?.problems, ['/root: two children are named "a"', '/root/bad name: segment "bad name" has a character outside [A-Za-z0-9_-.:@+=] or starts with one of -.:@+=', '/root/bad name/: empty segment']);
});

test('strategy options are validated', (t) => {
  t.throws(() => oneForOne({ maxRestarts: -1 }), { message: /maxRestarts/ });
  t.throws(() => allForOne({ withinMs: 0, backoff: { jitter: 2 } }), { message: /withinMs.*jitter/ });
});
