import test from 'ava';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';
import { testSystem } from '../helpers/system.js';

type Ball = { type: 'ball'; left: number; peer: ActorRef<Ball> } | { type: 'serve'; peer: ActorRef<Ball>; hits: number };

/** Sends the ball back until no hits are left, then reports how many turns of the event loop it saw. */
class Player extends Actor<Ball, { done: (hits: number) => void }> {
  receive(msg: Ball, ctx: ActorContext<Ball>): void {
    if (msg.type === 'serve') return ctx.tell(msg.peer, { type: 'ball', left: msg.hits, peer: ctx.self });
    if (msg.left === 0) return this.props.done(msg.left);
    ctx.tell(msg.peer, { type: 'ball', left: msg.left - 1, peer: ctx.self });
  }
}

test('a chain of messages between local actors runs without waiting for an event-loop turn', async (t) => {
  const { system } = testSystem();
  let finished = false;
  const done = new Promise<void>((resolve) => {
    const a = system.spawn(Player, 'a', { done: () => ((finished = true), resolve()) });
    const b = system.spawn(Player, 'b', { done: () => ((finished = true), resolve()) });
    system.tell(a, { type: 'serve', peer: b, hits: 200 });
  });
  // Under nact's dispatch every hop waited for its own setImmediate: 200 hops took 200 turns. Now they run
  // as microtasks; a loaded machine may spend a burst's time budget and defer the rest by a turn or two.
  let turns = 0;
  while (!finished) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    turns++;
  }
  t.true(turns <= 10, `the 200 hops took ${turns} event-loop turns`);
  await done;
  await system.shutdown();
});

type Spin = { type: 'spin' } | { type: 'halt' };

/** Keeps sending itself a message until halted: a busy actor. */
class Spinner extends Actor<Spin, { spins: { n: number } }> {
  #halted = false;
  receive(msg: Spin, ctx: ActorContext<Spin>): void {
    if (msg.type === 'halt') this.#halted = true;
    else if (!this.#halted) {
      this.props.spins.n++;
      ctx.tell(ctx.self, { type: 'spin' });
    }
  }
}

test('a busy actor does not starve timers: its drains and a timer take turns', async (t) => {
  const { system } = testSystem({ throughput: 1 });
  const spins = { n: 0 };
  const spinner = system.spawn(Spinner, 'spinner', { spins });
  system.tell(spinner, { type: 'spin' });
  // Were drains to run as microtasks without end, the timer would never fire and the test would time out.
  // Each tick sees the actor further on than the last: the two ran in turns.
  const seen: number[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      seen.push(spins.n);
      if (seen.length === 20) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  system.tell(spinner, { type: 'halt' });
  await system.settled();
  t.true(seen.every((n, i) => i === 0 || n > seen[i - 1]!), `the actor ran between every two ticks: ${seen.join(', ')}`);
  await system.shutdown();
});
