import test from 'ava';
import type { ExecutionContext } from 'ava';
import { JournaledActor } from '../../actors/domain/journaled-actor.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { MemoryJournal, MemorySnapshotStore } from '../../persistence/index.js';
import type { AppendOptions, AppendResult, Journal, JournalEntry, Persistence } from '../../persistence/index.js';
import type { ActorContext, ActorSystem } from '../../runtime/index.js';
import { collect, testSystem } from '../helpers/system.js';
import { sqliteBackend } from '../persistence/backends.js';

const backend = sqliteBackend();
test.after.always(() => backend.cleanup());

type Msg = { readonly type: 'tally.add'; readonly n: number } | { readonly type: 'tally.get' } | { readonly type: 'tally.durable'; readonly n: number };
type Event = { readonly n: number };
interface Tally {
  total: number;
  readonly log: number[];
}

/** Adds numbers; `tally.durable` also notes the number once it is journaled. */
class TallyActor extends JournaledActor<Msg, Event, Tally, { total: number; log: number[] }, { readonly durable: number[] }> {
  persistenceId(): string {
    return 'tally';
  }
  emptyLive(): Tally {
    return { total: 0, log: [] };
  }
  hydrate(snapshot: { total: number; log: number[] }): Tally {
    return { total: snapshot.total, log: [...snapshot.log] };
  }
  dehydrate(live: Tally): { total: number; log: number[] } {
    return { total: live.total, log: [...live.log] };
  }
  replay(live: Tally, event: Event): Tally {
    live.total += event.n;
    live.log.push(event.n);
    return live;
  }
  override snapshotEveryEvents(): number {
    return 5;
  }
  handle(msg: Msg, ctx: ActorContext<Msg>): void {
    switch (msg.type) {
      case 'tally.add':
      case 'tally.durable': {
        const event = { n: msg.n };
        this.replay(this.live, event);
        return this.record(event, msg.type === 'tally.durable' ? () => this.props.durable.push(msg.n) : undefined);
      }
      case 'tally.get':
        return ctx.reply({ type: 'tally.total', total: this.live.total, log: [...this.live.log] });
    }
  }
}

/** A journal that counts appends and fails the ones it is told to. */
class FlakyJournal implements Journal {
  appends = 0;
  failNext = 0;
  constructor(private readonly inner: Journal) {}
  append(id: string, events: readonly unknown[], opts: AppendOptions): Promise<AppendResult> {
    this.appends += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error('disk full (injected)'));
    }
    return this.inner.append(id, events, opts);
  }
  read(id: string, fromSeq?: number, toSeq?: number): AsyncIterable<JournalEntry> {
    return this.inner.read(id, fromSeq, toSeq);
  }
  highestSeq(id: string): Promise<number> {
    return this.inner.highestSeq(id);
  }
  currentEpoch(id: string): Promise<number> {
    return this.inner.currentEpoch(id);
  }
  fence(id: string, epoch: number): Promise<void> {
    return this.inner.fence(id, epoch);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function setup(t: ExecutionContext, dispatch: 'event-loop' | 'manual'): Promise<{ system: ActorSystem; journal: FlakyJournal; store: Persistence }> {
  const store = await (await backend.createStorage()).open();
  const journal = new FlakyJournal(store.journal);
  const { system } = testSystem({ dispatch });
  attachPersistence(system, { journal, snapshots: store.snapshots });
  t.teardown(async () => {
    await system.shutdown();
    await store.close();
  });
  return { system, journal, store };
}

async function total(system: ActorSystem, ref: Parameters<ActorSystem['ask']>[0]): Promise<{ total: number; log: number[] }> {
  const reply = system.ask<{ total: number; log: number[] }>(ref, { type: 'tally.get' }, 5_000);
  await system.settled();
  return reply;
}

for (const dispatch of ['event-loop', 'manual'] as const) {
  test(`[${dispatch}] the events of one turn are one append, and settled() waits for the commit and its callbacks`, async (t) => {
    const { system, journal } = await setup(t, dispatch);
    const durable: number[] = [];
    const ref = system.spawn(TallyActor, 'tally', { durable });
    await system.settled();
    const before = journal.appends;
    for (let n = 1; n <= 50; n++) system.tell(ref, { type: 'tally.durable', n });
    await system.settled();
    t.is(journal.appends - before, 1);
    t.deepEqual(durable, Array.from({ length: 50 }, (_, i) => i + 1), 'after-commit callbacks ran, in order, before settled() returned');
  });
}

/** Three committed writes, then one the journal refuses: the actor fails and restarts with what the journal holds. */
async function refusedWriteRestarts(t: ExecutionContext, system: ActorSystem, journal: { failNext: number }): Promise<void> {
  const durable: number[] = [];
  const restarts = collect(system, 'actor.restarted');
  const ref = system.spawn(TallyActor, 'tally', { durable });
  for (let n = 1; n <= 3; n++) system.tell(ref, { type: 'tally.durable', n });
  await system.settled();
  journal.failNext = 1;
  system.tell(ref, { type: 'tally.durable', n: 100 }); // applied live, never committed
  await system.settled();
  system.tell(ref, { type: 'tally.add', n: 4 });
  const after = await total(system, ref);
  t.is(restarts.length, 1);
  t.deepEqual(durable, [1, 2, 3], 'the lost write never ran its callback');
  t.deepEqual(after.log, [1, 2, 3, 4]);
}

test('a failed journal write fails the actor, which restarts with what the journal holds', async (t) => {
  const { system, journal } = await setup(t, 'event-loop');
  await refusedWriteRestarts(t, system, journal);
});

/** An in-memory journal that counts its synchronous commits and fails the ones it is told to. */
class CountingMemoryJournal extends MemoryJournal {
  appendsNow = 0;
  appendsLater = 0;
  failNext = 0;
  override append(id: string, events: readonly unknown[], opts: AppendOptions): Promise<AppendResult> {
    this.appendsLater += 1;
    return super.append(id, events, opts);
  }
  override appendNow(id: string, events: readonly unknown[], opts: AppendOptions): AppendResult {
    this.appendsNow += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('refused (injected)');
    }
    return super.appendNow(id, events, opts);
  }
}

function memorySetup(t: ExecutionContext, dispatch: 'event-loop' | 'manual'): { system: ActorSystem; journal: CountingMemoryJournal } {
  const journal = new CountingMemoryJournal({ keep: 'bytes' });
  const { system } = testSystem({ dispatch });
  attachPersistence(system, { journal, snapshots: new MemorySnapshotStore(journal) });
  t.teardown(() => system.shutdown());
  return { system, journal };
}

for (const dispatch of ['event-loop', 'manual'] as const) {
  test(`[${dispatch}] with an in-memory journal a turn's events commit at once (appendNow), callbacks in order, and the journal holds them`, async (t) => {
    const { system, journal } = memorySetup(t, dispatch);
    const durable: number[] = [];
    const ref = system.spawn(TallyActor, 'tally', { durable });
    await system.settled();
    for (let n = 1; n <= 12; n++) system.tell(ref, { type: 'tally.durable', n });
    await system.settled();
    t.is(journal.appendsLater, 0, 'no write went through the promise path');
    t.true(journal.appendsNow >= 1);
    t.deepEqual(durable, Array.from({ length: 12 }, (_, i) => i + 1));
    const stored: number[] = [];
    for await (const entry of journal.read('tally')) stored.push((entry.event as Event).n);
    t.deepEqual(stored, durable);
  });
}

test('[manual] runUntilIdle alone commits an in-memory write and runs its callbacks: nothing is left in flight', async (t) => {
  const { system, journal } = memorySetup(t, 'manual');
  const durable: number[] = [];
  const ref = system.spawn(TallyActor, 'tally', { durable });
  await system.settled();
  // Four events: the fifth would start a snapshot, which is async and stays in flight.
  for (let n = 1; n <= 4; n++) system.tell(ref, { type: 'tally.durable', n });
  system.runUntilIdle();
  t.deepEqual(durable, [1, 2, 3, 4], 'the flush ran right after the drain, in the same runUntilIdle');
  t.is(system.active, 0);
  t.is(journal.appendsLater, 0);
});

test('a refused synchronous commit fails the actor like a failed write, and it restarts with what the journal holds', async (t) => {
  const { system, journal } = memorySetup(t, 'event-loop');
  await refusedWriteRestarts(t, system, journal);
  t.is(journal.appendsLater, 0, 'every write, the refused one included, went through appendNow');
});

test('a restart after snapshots recovers the same model as the one that wrote them', async (t) => {
  const { system } = await setup(t, 'event-loop');
  const ref = system.spawn(TallyActor, 'tally', { durable: [] });
  for (let n = 1; n <= 23; n++) {
    system.tell(ref, { type: 'tally.add', n });
    await system.settled(); // one turn per message: many appends, several quiet points for snapshots
  }
  const live = await total(system, ref);
  await system.stop(ref);
  const again = system.spawn(TallyActor, 'tally', { durable: [] });
  t.deepEqual(await total(system, again), live);
  t.true((system.inspectActor('/tally') as { recoveredFromSnapshotSeq: number }).recoveredFromSnapshotSeq >= 20);
});
