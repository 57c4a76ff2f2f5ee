import test from 'ava';
import { Actor, ActorExistsError, ActorNotFoundError, AskTimeoutError, InvalidPathError, MailboxFullError, UnknownActorKindError } from '../../runtime/index.js';
import type { ActorContext, ActorRef, DeadLetter, Message } from '../../runtime/index.js';
import { Journal, Recorder } from '../helpers/actors.js';
import type { RecorderMsg, SeenReply } from '../helpers/actors.js';
import { collect, testSystem } from '../helpers/system.js';

type EchoMsg = { type: 'echo.ping'; n: number };

class Echo extends Actor<EchoMsg> {
  receive(msg: EchoMsg, ctx: ActorContext<EchoMsg>): void {
    ctx.reply({ type: 'echo.pong', n: msg.n });
  }
}

class Silent extends Actor<EchoMsg> {
  receive(): void {}
}

test('lifecycle hooks run in order: started before messages, children stop before parents', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  class Parent extends Recorder {
    override started(ctx: ActorContext<RecorderMsg>): void {
      super.started(ctx);
      ctx.spawn(Recorder, 'child', { journal: this.props.journal });
    }
  }
  const parent = system.spawn(Parent, 'parent', { journal });
  system.tell(parent, { type: 'rec.note', value: 'a' });
  await system.settled();
  await system.stop(parent);
  t.deepEqual(journal.entries, ['/parent:started', '/parent/child:started', '/parent:msg:a', '/parent/child:stopped', '/parent:stopped']);
  await system.shutdown();
});

test('messages are processed in send order, across batch boundaries', async (t) => {
  const { system } = testSystem({ throughput: 7 });
  const journal = new Journal();
  const ref = system.spawn(Recorder, 'r', { journal });
  for (let i = 0; i < 100; i++) system.tell(ref, { type: 'rec.note', value: String(i) });
  const reply = await system.ask<SeenReply>(ref, { type: 'rec.get' }, 1_000);
  t.deepEqual(reply.seen, Array.from({ length: 100 }, (_, i) => String(i)));
  t.is(system.statsOf('/r')?.processed, 101);
  await system.shutdown();
});

test('an async receive finishes before the next message starts', async (t) => {
  const { system } = testSystem();
  const order: string[] = [];
  type M = { type: 'slow'; id: number };
  class Slow extends Actor<M> {
    async receive(msg: M): Promise<void> {
      order.push(`begin ${msg.id}`);
      await new Promise((r) => setImmediate(r));
      order.push(`end ${msg.id}`);
    }
  }
  const ref = system.spawn(Slow, 'slow');
  system.tell(ref, { type: 'slow', id: 1 });
  system.tell(ref, { type: 'slow', id: 2 });
  await system.settled();
  t.deepEqual(order, ['begin 1', 'end 1', 'begin 2', 'end 2']);
  await system.shutdown();
});

test('a message that throws is consumed; the ones after it in the batch are neither lost nor processed twice', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const ref = system.spawn(Recorder, 'r', { journal });
  system.tell(ref, { type: 'rec.note', value: '1' });
  system.tell(ref, { type: 'rec.note', value: '2' });
  system.tell(ref, { type: 'rec.fail', error: 'bad' });
  for (let i = 3; i <= 6; i++) system.tell(ref, { type: 'rec.note', value: String(i) });
  await system.settled();
  t.deepEqual(journal.of('/r:msg:'), ['1', '2', '3', '4', '5', '6'].map((v) => `/r:msg:${v}`));
  const stats = system.statsOf('/r')!;
  t.is(stats.restarts, 1);
  t.is(stats.errors, 1);
  t.is(stats.processed, 7);
  t.is(stats.lastError?.message, 'bad');
  await system.shutdown();
});

test('a failure in started() goes to the supervisor, which restarts the actor (with backoff) until it starts', async (t) => {
  const { system, clock } = testSystem();
  const journal = new Journal();
  const failures = collect(system, 'supervisor.failed');
  Recorder.starts.clear();
  const ref = system.spawn(Recorder, 'flaky', { journal, failInStarted: 2 });
  system.tell(ref, { type: 'rec.note', value: 'after' });
  await system.settled();
  // The first restart is immediate; the second waits for the backoff on the simulated clock.
  t.deepEqual(journal.of('/flaky:started'), ['/flaky:started', '/flaky:started']);
  t.deepEqual(journal.of('/flaky:msg'), []);
  clock.advance(1_000);
  await system.settled();
  t.deepEqual(journal.of('/flaky:started'), ['/flaky:started', '/flaky:started', '/flaky:started']);
  t.deepEqual(journal.of('/flaky:msg'), ['/flaky:msg:after']);
  t.deepEqual(failures.map((f) => f.phase), ['started', 'started']);
  await system.shutdown();
});

test('ask resolves with the reply, and rejects with AskTimeoutError when none comes in time', async (t) => {
  const { system, clock } = testSystem();
  const echo = system.spawn(Echo, 'echo');
  t.deepEqual(await system.ask(echo, { type: 'echo.ping', n: 7 }, 100), { type: 'echo.pong', n: 7 });
  const silent = system.spawn(Silent, 'silent');
  const pending = system.ask(silent, { type: 'echo.ping', n: 1 }, 250);
  await system.settled();
  clock.advance(249);
  clock.advance(1);
  const error = await t.throwsAsync(pending, { instanceOf: AskTimeoutError });
  t.is(error?.path, '/silent');
  t.is(error?.timeoutMs, 250);
  await system.shutdown();
});

test('a reply that arrives after its ask timed out goes to dead letters', async (t) => {
  const { system, clock } = testSystem();
  type M = { type: 'late.ask' } | { type: 'late.release' };
  class Late extends Actor<M> {
    #asker: ActorRef | undefined;
    receive(msg: M, ctx: ActorContext<M>): void {
      if (msg.type === 'late.ask') this.#asker = ctx.sender;
      else if (this.#asker) ctx.tell(this.#asker, { type: 'late.reply' });
    }
  }
  const dead = collect<DeadLetter>(system, 'deadLetter');
  const late = system.spawn(Late, 'late');
  const pending = system.ask(late, { type: 'late.ask' }, 50);
  await system.settled();
  clock.advance(50);
  await t.throwsAsync(pending, { instanceOf: AskTimeoutError });
  system.tell(late, { type: 'late.release' });
  await system.settled();
  t.is(dead.length, 1);
  t.is(dead[0]!.reason, 'ask-expired');
  t.is(dead[0]!.messageType, 'late.reply');
  await system.shutdown();
});

test('messages to unknown and stopped actors are dead letters: counted, kept and published', async (t) => {
  const { system } = testSystem({ deadLetterRingSize: 3 });
  const dead = collect<DeadLetter>(system, 'deadLetter');
  const echo = system.spawn(Echo, 'echo');
  await system.stop(echo);
  system.tell(echo, { type: 'echo.ping', n: 1 });
  system.tell({ path: '/nobody' }, { type: 'x.y' });
  for (let i = 0; i < 3; i++) system.tell({ path: '/nobody' }, { type: `n.${i}` });
  t.is(system.deadLetters.total, 5);
  t.deepEqual(dead.map((d) => d.reason), ['stopped', 'unknown', 'unknown', 'unknown', 'unknown']);
  t.deepEqual(system.deadLetters.recent().map((d) => d.messageType), ['n.0', 'n.1', 'n.2']);
  t.is(system.deadLetters.byReason.get('unknown'), 4);
  await t.throwsAsync(system.ask({ path: '/nobody' }, { type: 'q' }, 100), { instanceOf: ActorNotFoundError });
  await system.shutdown();
});

test('messages left in the mailbox of a stopping actor become dead letters', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const ref = system.spawn(Recorder, 'r', { journal });
  for (let i = 0; i < 5; i++) system.tell(ref, { type: 'rec.note', value: String(i) });
  await system.stop(ref);
  t.is(system.deadLetters.total, 5);
  t.true(system.deadLetters.recent().every((d) => d.reason === 'stopped'));
  await system.shutdown();
});

test('a full mailbox with the reject policy refuses new messages: tell dead-letters, ask rejects with MailboxFullError', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const ref = system.spawn(Recorder, 'bounded', { journal }, { mailbox: { capacity: 3, overflow: 'reject' } });
  for (let i = 0; i < 5; i++) system.tell(ref, { type: 'rec.note', value: String(i) });
  await t.throwsAsync(system.ask(ref, { type: 'rec.get' }, 100), { instanceOf: MailboxFullError });
  await system.settled();
  t.deepEqual(journal.of('/bounded:msg'), ['0', '1', '2'].map((v) => `/bounded:msg:${v}`));
  t.deepEqual(system.deadLetters.recent().map((d) => [d.reason, d.messageType]), [
    ['mailbox-full', 'rec.note'],
    ['mailbox-full', 'rec.note'],
    ['mailbox-full', 'rec.get'],
  ]);
  t.is(system.statsOf('/bounded')?.mailboxHighWater, 3);
  await system.shutdown();
});

test('a full mailbox with the dropOldest policy keeps the newest messages and dead-letters the oldest', async (t) => {
  const { system } = testSystem();
  const journal = new Journal();
  const ref = system.spawn(Recorder, 'quotes', { journal }, { mailbox: { capacity: 3, overflow: 'dropOldest' } });
  for (let i = 0; i < 6; i++) system.tell(ref, { type: 'rec.note', value: String(i) });
  await system.settled();
  t.deepEqual(journal.of('/quotes:msg'), ['3', '4', '5'].map((v) => `/quotes:msg:${v}`));
  t.deepEqual(system.deadLetters.recent().map((d) => [d.reason, (d.message as { value: string }).value]), [
    ['dropped-oldest', '0'],
    ['dropped-oldest', '1'],
    ['dropped-oldest', '2'],
  ]);
  await system.shutdown();
});

test('a malformed message is a dead letter, not a crash', async (t) => {
  const { system } = testSystem();
  const echo = system.spawn(Echo, 'echo');
  system.tell(echo, null as unknown as EchoMsg);
  system.tell(echo, { n: 1 } as unknown as EchoMsg);
  await system.settled();
  t.deepEqual(system.deadLetters.recent().map((d) => d.reason), ['malformed', 'malformed']);
  t.deepEqual(await system.ask(echo, { type: 'echo.ping', n: 2 }, 100), { type: 'echo.pong', n: 2 });
  await system.shutdown();
});

test('schedule delivers on the simulated clock, repeats, and is cancelled when the actor stops', async (t) => {
  const { system, clock } = testSystem();
  const journal = new Journal();
  class Ticker extends Recorder {
    override started(ctx: ActorContext<RecorderMsg>): void {
      ctx.schedule(1_000, { type: 'rec.note', value: 'tick' }, { intervalMs: 500 });
    }
  }
  const ref = system.spawn(Ticker, 'ticker', { journal });
  clock.advance(999);
  await system.settled();
  t.is(journal.of('/ticker:msg').length, 0);
  clock.advance(1);
  await system.settled();
  clock.advance(1_000);
  await system.settled();
  t.is(journal.of('/ticker:msg').length, 3);
  await system.stop(ref);
  t.is(clock.pendingTimers, 0);
  await system.shutdown();
});

test('refs are plain serialisable data: a ref that went through JSON still reaches the actor', async (t) => {
  const { system } = testSystem();
  const echo = system.spawn(Echo, 'echo');
  const copy = JSON.parse(JSON.stringify(echo)) as ActorRef<EchoMsg>;
  t.deepEqual(copy, { node: 'local', path: '/echo' });
  t.deepEqual(await system.ask(copy, { type: 'echo.ping', n: 3 } as EchoMsg, 100), { type: 'echo.pong', n: 3 });
  await system.shutdown();
});

test('names follow the path grammar, and a duplicate name is refused', async (t) => {
  const { system } = testSystem();
  for (const bad of ['', 'a/b', '$temp', '-x', 'x y', 'a'.repeat(129)]) {
    t.throws(() => system.spawn(Echo, bad), { instanceOf: InvalidPathError }, `name ${JSON.stringify(bad)}`);
  }
  for (const good of ['AAPL', 'BRK.B', 'sma-cross_1', 'ES:2024@CME']) t.notThrows(() => system.spawn(Echo, good));
  t.throws(() => system.spawn(Echo, 'AAPL'), { instanceOf: ActorExistsError });
  await system.shutdown();
});

test('actors can be spawned by registered kind name, and an unknown kind names the known ones', async (t) => {
  const { system } = testSystem();
  system.kinds.register('echo', Echo);
  const ref = system.spawnKind('echo', 'e1') as ActorRef<EchoMsg>;
  t.is(system.statsOf('/e1')?.kind, 'echo');
  t.deepEqual(await system.ask(ref, { type: 'echo.ping', n: 1 }, 100), { type: 'echo.pong', n: 1 });
  const error = t.throws(() => system.spawnKind('risk', 'r'), { instanceOf: UnknownActorKindError });
  t.deepEqual(error?.known, ['echo']);
  await system.shutdown();
});

test('a supervisor with 10,000 children delivers to each child directly, and none is lost', async (t) => {
  const { system } = testSystem();
  type M = { type: 'count' };
  let total = 0;
  class Leaf extends Actor<M> {
    receive(): void {
      total++;
    }
  }
  class Parent extends Actor<Message> {
    override started(ctx: ActorContext): void {
      for (let i = 0; i < 10_000; i++) ctx.spawn(Leaf, `c${i}`);
    }
    receive(): void {}
  }
  system.spawn(Parent, 'symbols');
  await system.settled();
  t.is(system.actorCount, 10_001);
  for (let i = 0; i < 10_000; i++) system.tell({ path: `/symbols/c${i}` }, { type: 'count' });
  const hot = system.lookup<M>('/symbols/c42')!;
  for (let i = 0; i < 50_000; i++) system.tell(hot, { type: 'count' });
  await system.settled();
  t.is(total, 60_000);
  t.is(system.statsOf('/symbols/c42')?.processed, 50_001);
  t.is(system.statsOf('/symbols')?.processed, 0);
  await system.shutdown();
  t.is(system.actorCount, 0);
});

test('a placed ref is resolved at every send, and is a no-route dead letter while the actor is placed nowhere', async (t) => {
  const { system } = testSystem();
  const { placedRef } = await import('../../runtime/index.js');
  const echo = system.spawn(Echo, 'desk');
  let where: string | undefined = 'local';
  system.refResolver = (ref) => (where === undefined ? undefined : { node: where, path: ref.path });
  const ref = placedRef<EchoMsg>('/desk');
  t.deepEqual(await system.ask(ref, { type: 'echo.ping', n: 1 }, 100), { type: 'echo.pong', n: 1 });
  where = undefined;
  system.tell(ref, { type: 'echo.ping', n: 2 });
  t.like(system.deadLetters.recent().at(-1), { reason: 'no-route', recipient: { node: '$placed', path: '/desk' } });
  await t.throwsAsync(system.ask(ref, { type: 'echo.ping', n: 3 }, 100), { instanceOf: ActorNotFoundError });
  void echo;
  await system.shutdown();
});

test('the ask observer is told the type, duration and outcome of every ask', async (t) => {
  const { system, clock } = testSystem();
  const seen: Array<[string, string]> = [];
  system.askObserver = (type, seconds, outcome) => {
    t.true(seconds >= 0);
    seen.push([type, outcome]);
  };
  const echo = system.spawn(Echo, 'echo');
  const silent = system.spawn(Silent, 'silent');
  await system.ask(echo, { type: 'echo.ping', n: 1 }, 100);
  const pending = system.ask(silent, { type: 'echo.ping', n: 2 }, 100);
  await system.settled();
  clock.advance(100);
  await t.throwsAsync(pending, { instanceOf: AskTimeoutError });
  await t.throwsAsync(system.ask({ path: '/nobody' }, { type: 'x.y' }, 100));
  await Promise.resolve();
  t.deepEqual(seen, [['echo.ping', 'ok'], ['echo.ping', 'timeout'], ['x.y', 'error']]);
  await system.shutdown();
});
