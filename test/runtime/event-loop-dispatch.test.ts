import test from 'ava';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';
import { EVENT_LOOP_TURN_BUDGET_MS } from '../../runtime/system.js';
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

test('a busy actor does not starve timers and I/O: drains yield to the event loop every few milliseconds', async (t) => {
  const { system } = testSystem({ throughput: 1 });
  const spins = { n: 0 };
  const spinner = system.spawn(Spinner, 'spinner', { spins });
  system.tell(spinner, { type: 'spin' });
  const started = performance.now();
  const gaps: number[] = [];
  let last = started;
  // A timer that should fire every millisecond: its gaps show how long the event loop was held.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (gaps.length === 20) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  system.tell(spinner, { type: 'halt' });
  await system.settled();
  t.true(spins.n > 1_000, `the actor kept running (${spins.n} messages)`);
  // A turn holds the loop for the burst budget plus one drain; allow generous slack for a loaded machine.
  const worst = Math.max(...gaps);
  t.true(worst < EVENT_LOOP_TURN_BUDGET_MS * 25, `the longest gap between timer ticks was ${worst.toFixed(1)} ms`);
  await system.shutdown();
});
