import test from 'ava';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';
import { testSystem } from '../helpers/system.js';

type Hop = { readonly type: 'hop'; readonly n: number; readonly trail: readonly string[] };

class Relay extends Actor<Hop, { next?: ActorRef<Hop>; log: string[] }> {
  receive(msg: Hop, ctx: ActorContext<Hop>): void {
    this.props.log.push(`${ctx.name}:${msg.n}`);
    if (this.props.next !== undefined) ctx.tell(this.props.next, { ...msg, trail: [...msg.trail, ctx.name] });
  }
}

function chain(dispatch: 'manual' | 'event-loop') {
  const { system } = testSystem({ dispatch });
  const log: string[] = [];
  const c = system.spawn(Relay, 'c', { log });
  const b = system.spawn(Relay, 'b', { next: c, log });
  const a = system.spawn(Relay, 'a', { next: b, log });
  return { system, log, a };
}

test('under manual dispatch nothing runs until runUntilIdle, which runs everything synchronously', async (t) => {
  const { system, log, a } = chain('manual');
  for (let n = 0; n < 3; n++) system.tell(a, { type: 'hop', n, trail: [] });
  await new Promise((r) => setImmediate(r));
  t.deepEqual(log, []);
  t.true(system.runUntilIdle() > 0);
  t.deepEqual(log, ['a:0', 'a:1', 'a:2', 'b:0', 'b:1', 'b:2', 'c:0', 'c:1', 'c:2']);
  t.is(system.active, 0);
  await system.shutdown();
});

test('the same actors give the same per-actor order under both dispatchers', async (t) => {
  const runs = [];
  for (const mode of ['manual', 'event-loop'] as const) {
    const { system, log, a } = chain(mode);
    for (let n = 0; n < 50; n++) system.tell(a, { type: 'hop', n, trail: [] });
    await system.settled();
    runs.push(['a', 'b', 'c'].map((name) => log.filter((l) => l.startsWith(`${name}:`))));
    await system.shutdown();
  }
  t.deepEqual(runs[0], runs[1]);
});

test('settled() under manual dispatch also waits for async receives', async (t) => {
  const { system } = testSystem({ dispatch: 'manual' });
  const done: number[] = [];
  type M = { readonly type: 'work'; readonly n: number };
  class Async extends Actor<M> {
    async receive(msg: M): Promise<void> {
      await new Promise((r) => setImmediate(r));
      done.push(msg.n);
    }
  }
  const ref = system.spawn(Async, 'async');
  for (let n = 0; n < 5; n++) system.tell(ref, { type: 'work', n });
  await system.settled();
  t.deepEqual(done, [0, 1, 2, 3, 4]);
  await system.shutdown();
});

test('runUntilIdle refuses to run on an event-loop system', async (t) => {
  const { system } = testSystem();
  t.throws(() => system.runUntilIdle(), { message: /dispatch: "manual"/ });
  await system.shutdown();
});
