// The behaviour every Journal, SnapshotStore and BarStore backend must have, registered once per backend.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { InvalidBarError } from '../../actors/domain/bar.js';
import type { Bar } from '../../actors/domain/bar.js';
import {
  ConcurrencyError,
  CorruptRecordError,
  FencedError,
  InvalidPersistenceArgumentError,
  postgresMigrations,
  SnapshotAheadOfJournalError,
  SQLITE_MIGRATIONS,
  StoreClosedError,
} from '../../persistence/index.js';
import type { Journal, JournalEntry, Persistence } from '../../persistence/index.js';
import { MAX_BLOCK_EVENTS } from '../../persistence/event-block.js';
import { UnencodableValueError } from '../../runtime/codec/index.js';
import { ManualClock } from './backends.js';
import type { Backend, Storage } from './backends.js';

async function collect(iterable: AsyncIterable<JournalEntry>): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

async function events(journal: Journal, id: string): Promise<unknown[]> {
  return (await collect(journal.read(id))).map((e) => e.event);
}

const day = 86_400_000;
function bar(symbol: string, i: number, overrides: Partial<Bar> = {}): Bar {
  return { symbol, interval: '1d', time: Date.UTC(2024, 0, 1) + i * day, open: 100 + i, high: 110 + i, low: 90 + i, close: 105 + i, volume: 1_000 * i, ...overrides };
}

/** Registers the contract tests for `backend`; each test gets its own storage and closes what it opens. */
export function persistenceContract(backend: Backend): void {
  const it = (title: string, body: (t: ExecutionContext, storage: Storage, open: Storage['open']) => Promise<void>): void => {
    test(`${backend.name}: ${title}`, async (t) => {
      const storage = await backend.createStorage();
      const opened: Persistence[] = [];
      const open: Storage['open'] = async (options) => {
        const p = await storage.open(options);
        opened.push(p);
        return p;
      };
      try {
        await body(t, storage, open);
      } finally {
        await Promise.all(opened.map((p) => p.close()));
      }
    });
  };

  // --- journal ------------------------------------------------------------------------------------

  it('appends events and reads them back in seq order with epoch, timestamp and writer', async (t, _s, open) => {
    const clock = new ManualClock(1_700_000_000_000);
    const { journal } = await open({ clock });
    t.deepEqual(await journal.append('p1', ['a', 'b'], { expectedSeq: 0, epoch: 1, writerId: 'node-a' }), { fromSeq: 1, toSeq: 2 });
    clock.nowMs += 5;
    t.deepEqual(await journal.append('p1', [{ c: 3 }], { expectedSeq: 2, epoch: 1 }), { fromSeq: 3, toSeq: 3 });
    t.deepEqual(await collect(journal.read('p1')), [
      { persistenceId: 'p1', seq: 1, epoch: 1, event: 'a', timestamp: 1_700_000_000_000, writerId: 'node-a' },
      { persistenceId: 'p1', seq: 2, epoch: 1, event: 'b', timestamp: 1_700_000_000_000, writerId: 'node-a' },
      { persistenceId: 'p1', seq: 3, epoch: 1, event: { c: 3 }, timestamp: 1_700_000_000_005 },
    ]);
    t.is(await journal.highestSeq('p1'), 3);
    t.is(await journal.currentEpoch('p1'), 1);
  });

  it('reports seq 0 and epoch 0 for an id that has nothing, and reads nothing', async (t, _s, open) => {
    const { journal } = await open();
    t.is(await journal.highestSeq('nobody'), 0);
    t.is(await journal.currentEpoch('nobody'), 0);
    t.deepEqual(await collect(journal.read('nobody')), []);
  });

  it('keeps each persistence id its own stream', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('a', [1], { expectedSeq: 0, epoch: 0 });
    await journal.append('b', [2, 3], { expectedSeq: 0, epoch: 0 });
    t.deepEqual(await events(journal, 'a'), [1]);
    t.deepEqual(await events(journal, 'b'), [2, 3]);
  });

  it('reads a range across page boundaries and a journal longer than one page', async (t, _s, open) => {
    const { journal } = await open();
    const total = 25_000;
    for (let from = 0; from < total; from += 5_000) {
      const batch = Array.from({ length: 5_000 }, (_, i) => ({ n: from + i + 1 }));
      await journal.append('long', batch, { expectedSeq: from, epoch: 1 });
    }
    let expected = 1;
    for await (const entry of journal.read('long')) {
      if (entry.seq !== expected || (entry.event as { n: number }).n !== expected) t.fail(`entry ${entry.seq} out of order`);
      expected++;
    }
    t.is(expected - 1, total);
    const slice = await collect(journal.read('long', 9_995, 10_005));
    t.deepEqual(slice.map((e) => e.seq), [9_995, 9_996, 9_997, 9_998, 9_999, 10_000, 10_001, 10_002, 10_003, 10_004, 10_005]);
    t.deepEqual(await collect(journal.read('long', total + 1)), []);
    t.deepEqual(await collect(journal.read('long', 5, 4)), []);
  });

  it('round-trips event values exactly: -0, large integers, floats, binary, nesting', async (t, _s, open) => {
    const { journal } = await open();
    const event = { z: -0, big: 2 ** 53 - 1, past: 2 ** 60, tiny: 5e-324, f: 0.1 + 0.2, s: 'ünï 🎉', bin: new Uint8Array([1, 2, 3]), deep: [[{ a: null }]] };
    await journal.append('values', [event], { expectedSeq: 0, epoch: 0 });
    const [back] = (await events(journal, 'values')) as [typeof event];
    t.true(Object.is(back.z, -0));
    t.deepEqual({ ...back, bin: [...back.bin] }, { ...event, bin: [1, 2, 3] });
  });

  it('rejects an append whose expectedSeq is stale with ConcurrencyError and writes nothing', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('p', [1, 2], { expectedSeq: 0, epoch: 1 });
    const err = await t.throwsAsync(journal.append('p', [3], { expectedSeq: 1, epoch: 1 }), { instanceOf: ConcurrencyError });
    t.like(err, { persistenceId: 'p', expected: 1, actual: 2 });
    await t.throwsAsync(journal.append('p', [3], { expectedSeq: 5, epoch: 1 }), { instanceOf: ConcurrencyError });
    t.deepEqual(await events(journal, 'p'), [1, 2]);
  });

  it('fences off a writer with an older epoch and lets a newer epoch continue', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('f', ['e1'], { expectedSeq: 0, epoch: 1 });
    await journal.append('f', ['e2'], { expectedSeq: 1, epoch: 2 });
    t.is(await journal.currentEpoch('f'), 2);
    const err = await t.throwsAsync(journal.append('f', ['zombie'], { expectedSeq: 2, epoch: 1 }), { instanceOf: FencedError });
    t.like(err, { persistenceId: 'f', epoch: 1, currentEpoch: 2 });
    await journal.append('f', ['e3'], { expectedSeq: 2, epoch: 3 });
    await t.throwsAsync(journal.append('f', ['late'], { expectedSeq: 3, epoch: 2 }), { instanceOf: FencedError });
    t.is(await journal.currentEpoch('f'), 3);
    t.deepEqual(await events(journal, 'f'), ['e1', 'e2', 'e3']);
    t.deepEqual((await collect(journal.read('f'))).map((e) => e.epoch), [1, 2, 3]);
  });

  it('reports fencing before a stale expectedSeq, so a zombie learns it is a zombie', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('z', ['a', 'b'], { expectedSeq: 0, epoch: 5 });
    await t.throwsAsync(journal.append('z', ['x'], { expectedSeq: 0, epoch: 4 }), { instanceOf: FencedError });
  });

  it('does not raise the epoch when an append with a newer epoch fails its seq check', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('r', ['a'], { expectedSeq: 0, epoch: 1 });
    await t.throwsAsync(journal.append('r', ['b'], { expectedSeq: 0, epoch: 2 }), { instanceOf: ConcurrencyError });
    t.is(await journal.currentEpoch('r'), 1);
  });

  it('fence raises the epoch without writing, shutting out the previous owner', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('o', ['a'], { expectedSeq: 0, epoch: 1 });
    await journal.fence('o', 2);
    t.is(await journal.currentEpoch('o'), 2);
    t.is(await journal.highestSeq('o'), 1);
    await t.throwsAsync(journal.append('o', ['zombie'], { expectedSeq: 1, epoch: 1 }), { instanceOf: FencedError });
    await t.notThrowsAsync(journal.fence('o', 2));
    const err = await t.throwsAsync(journal.fence('o', 1), { instanceOf: FencedError });
    t.like(err, { epoch: 1, currentEpoch: 2 });
    await journal.fence('fresh', 7);
    t.is(await journal.currentEpoch('fresh'), 7);
    t.deepEqual(await journal.append('fresh', ['x'], { expectedSeq: 0, epoch: 7 }), { fromSeq: 1, toSeq: 1 });
  });

  it('lets exactly one of two racing appends with the same expectedSeq win, on one instance', async (t, _s, open) => {
    const { journal } = await open();
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled([
        journal.append('race', [`a${round}`], { expectedSeq: round, epoch: 1 }),
        journal.append('race', [`b${round}`], { expectedSeq: round, epoch: 1 }),
      ]);
      t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
      const loser = results.find((r) => r.status === 'rejected');
      t.true(loser?.status === 'rejected' && loser.reason instanceof ConcurrencyError);
    }
    t.is(await journal.highestSeq('race'), 10);
  });

  it('lets exactly one of two racing appends with the same expectedSeq win, across two instances', async (t, _s, open) => {
    const [a, b] = await Promise.all([open(), open()]);
    for (let round = 0; round < 20; round++) {
      const results = await Promise.allSettled([
        a.journal.append('race2', [`a${round}`], { expectedSeq: round, epoch: 1 }),
        b.journal.append('race2', [`b${round}`], { expectedSeq: round, epoch: 1 }),
      ]);
      t.is(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
      for (const r of results) if (r.status === 'rejected') t.true(r.reason instanceof ConcurrencyError, String(r.reason));
    }
    const stored = await collect(a.journal.read('race2'));
    t.deepEqual(stored.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('fences across instances: a second node with a newer epoch shuts out the first', async (t, _s, open) => {
    const [oldOwner, newOwner] = await Promise.all([open(), open()]);
    await oldOwner.journal.append('moved', ['before'], { expectedSeq: 0, epoch: 1 });
    await newOwner.journal.fence('moved', 2);
    await t.throwsAsync(oldOwner.journal.append('moved', ['zombie'], { expectedSeq: 1, epoch: 1 }), { instanceOf: FencedError });
    await newOwner.journal.append('moved', ['after'], { expectedSeq: 1, epoch: 2 });
    t.deepEqual(await events(oldOwner.journal, 'moved'), ['before', 'after']);
  });

  it('commits many concurrent appends to different ids together, each checked on its own', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('id-7', ['pre'], { expectedSeq: 0, epoch: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => journal.append(`id-${i}`, [{ i }, { i, second: true }], { expectedSeq: 0, epoch: 1 })),
    );
    results.forEach((r, i) => {
      if (i === 7) t.true(r.status === 'rejected' && r.reason instanceof ConcurrencyError);
      else t.deepEqual(r.status === 'fulfilled' ? r.value : r.reason, { fromSeq: 1, toSeq: 2 });
    });
    t.deepEqual(await events(journal, 'id-499'), [{ i: 499 }, { i: 499, second: true }]);
    t.deepEqual(await events(journal, 'id-7'), ['pre']);
  });

  it('trusts the stored rows when a head is behind them, failing only that append, and appends after the stored rows on the next', async (t, storage, open) => {
    const { journal } = await open();
    await journal.append('behind', ['a', 'b'], { expectedSeq: 0, epoch: 1 });
    await journal.append('fine', ['a'], { expectedSeq: 0, epoch: 1 });
    // Damage the bookkeeping: the head claims one event where two are stored.
    await storage.execute((table) => `UPDATE ${table('journal_heads')} SET highest_seq = 1 WHERE persistence_id = 'behind'`);
    const [bad, good] = await Promise.allSettled([
      journal.append('behind', ['dup'], { expectedSeq: 1, epoch: 1 }),
      journal.append('fine', ['b'], { expectedSeq: 1, epoch: 1 }),
    ]);
    t.true(bad.status === 'rejected' && bad.reason instanceof ConcurrencyError, String(bad.status === 'rejected' ? bad.reason : ''));
    t.like(bad.status === 'rejected' ? bad.reason : {}, { expected: 1, actual: 2 });
    t.deepEqual(good.status === 'fulfilled' ? good.value : good.reason, { fromSeq: 2, toSeq: 2 });
    t.deepEqual(await events(journal, 'behind'), ['a', 'b']);
    t.deepEqual(await journal.append('behind', ['c'], { expectedSeq: 2, epoch: 1 }), { fromSeq: 3, toSeq: 3 });
    t.is(await journal.highestSeq('behind'), 3);
    t.deepEqual(await events(journal, 'behind'), ['a', 'b', 'c']);
  });

  it('refuses an append that would overlap the middle of a stored append when the head is behind', async (t, storage, open) => {
    const { journal } = await open();
    await journal.append('mid', ['a', 'b', 'c', 'd', 'e'], { expectedSeq: 0, epoch: 1 });
    // Seqs 3..5 sit inside one stored append; a write at seq 3 must not land beside them.
    await storage.execute((table) => `UPDATE ${table('journal_heads')} SET highest_seq = 2 WHERE persistence_id = 'mid'`);
    const err = await t.throwsAsync(journal.append('mid', ['x'], { expectedSeq: 2, epoch: 1 }), { instanceOf: ConcurrencyError });
    t.like(err, { expected: 2, actual: 5 });
    t.deepEqual(await events(journal, 'mid'), ['a', 'b', 'c', 'd', 'e']);
  });

  it('reads from and to a seq inside a stored append, skipping the events outside the range', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('inside', ['a', 'b', 'c'], { expectedSeq: 0, epoch: 1, writerId: 'w1' });
    await journal.append('inside', ['d', 'e', 'f', 'g'], { expectedSeq: 3, epoch: 2 });
    await journal.append('inside', ['h'], { expectedSeq: 7, epoch: 2 });
    const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let from = 1; from <= 9; from++) {
      for (let to = from - 1; to <= 9; to++) {
        const read = await collect(journal.read('inside', from, to));
        t.deepEqual(read.map((e) => e.seq), Array.from({ length: Math.max(0, Math.min(to, 8) - from + 1) }, (_, i) => from + i), `${from}..${to}`);
        t.deepEqual(read.map((e) => e.event), all.slice(from - 1, to), `${from}..${to}`);
      }
    }
    t.deepEqual((await collect(journal.read('inside', 2, 5))).map((e) => [e.seq, e.epoch, e.writerId]), [
      [2, 1, 'w1'],
      [3, 1, 'w1'],
      [4, 2, undefined],
      [5, 2, undefined],
    ]);
  });

  it('stores a large append as several rows, each of a bounded size, and reads it back whole', async (t, storage, open) => {
    const { journal } = await open();
    const many = Array.from({ length: 2 * MAX_BLOCK_EVENTS + 500 }, (_, i) => ({ i }));
    t.deepEqual(await journal.append('large', many, { expectedSeq: 0, epoch: 1 }), { fromSeq: 1, toSeq: many.length });
    t.is(await storage.count(`journal_blocks WHERE persistence_id = 'large'`), 3);
    // Four events of ~300 KiB: a block closes before it passes MAX_BLOCK_BYTES.
    const big = Array.from({ length: 4 }, (_, i) => ({ i, pad: 'x'.repeat(300 * 1024) }));
    await journal.append('large', big, { expectedSeq: many.length, epoch: 1 });
    t.is(await storage.count(`journal_blocks WHERE persistence_id = 'large'`), 5);
    const back = (await events(journal, 'large')) as Array<{ i: number; pad?: string }>;
    t.is(back.length, many.length + big.length);
    t.true(back.slice(0, many.length).every((e, i) => e.i === i && e.pad === undefined));
    t.deepEqual(back.slice(many.length), big);
    t.is(await journal.highestSeq('large'), many.length + big.length);
  });

  it('commits appends of several blocks each to different ids together, each landing whole in its own stream', async (t, _s, open) => {
    const { journal } = await open();
    await journal.append('multi-1', ['pre'], { expectedSeq: 0, epoch: 1 });
    const sizes = [MAX_BLOCK_EVENTS + 500, MAX_BLOCK_EVENTS + 200, 2 * MAX_BLOCK_EVENTS + 100, 1];
    const batches = sizes.map((size, id) => Array.from({ length: size }, (_, i) => ({ id, i })));
    // multi-1 is rejected: its blocks sit between accepted ones in the same commit.
    const results = await Promise.allSettled(batches.map((batch, id) => journal.append(`multi-${id}`, batch, { expectedSeq: 0, epoch: 1 })));
    t.true(results[1]!.status === 'rejected' && results[1]!.reason instanceof ConcurrencyError);
    for (const id of [0, 2, 3]) {
      t.deepEqual(results[id]!.status === 'fulfilled' ? results[id]!.value : results[id], { fromSeq: 1, toSeq: sizes[id] });
      t.deepEqual(await events(journal, `multi-${id}`), batches[id], `multi-${id}`);
    }
    t.deepEqual(await events(journal, 'multi-1'), ['pre']);
  });

  it('ends a read with CorruptRecordError at the first event of a stored append that cannot be decoded', async (t, storage, open) => {
    const { journal } = await open();
    await journal.append('corrupt', ['ok'], { expectedSeq: 0, epoch: 1 });
    // A two-event block: 0xa1 0x62 ('b', length-prefixed 2), then 0xa5 0x62: a 5-byte string cut off after 1.
    const blob = backend.name === 'sqlite' ? `X'02a162a562'` : `'\\x02a162a562'::bytea`;
    await storage.execute(
      (table) => `INSERT INTO ${table('journal_blocks')} (persistence_id, first_seq, last_seq, epoch, ${backend.name === 'sqlite' ? 'timestamp' : 'ts'}, writer_id, events)
        VALUES ('corrupt', 2, 3, 1, 0, NULL, ${blob})`,
    );
    const seen: unknown[] = [];
    const err = await t.throwsAsync(
      (async () => {
        for await (const entry of journal.read('corrupt')) seen.push(entry.event);
      })(),
      { instanceOf: CorruptRecordError },
    );
    t.like(err, { persistenceId: 'corrupt', seq: 3, what: 'event' });
    t.deepEqual(seen, ['ok', 'b']);
  });

  it('keeps the order of appends pipelined to one id in the same tick', async (t, _s, open) => {
    const { journal } = await open();
    const results = await Promise.all([0, 1, 2, 3].map((n) => journal.append('pipe', [n], { expectedSeq: n, epoch: 1 })));
    t.deepEqual(results, [0, 1, 2, 3].map((n) => ({ fromSeq: n + 1, toSeq: n + 1 })));
    t.deepEqual(await events(journal, 'pipe'), [0, 1, 2, 3]);
    // A failing append in the middle of a pipeline fails alone.
    const mixed = await Promise.allSettled([4, 99, 5].map((n) => journal.append('pipe', [n], { expectedSeq: n, epoch: 1 })));
    t.deepEqual(mixed.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    t.deepEqual(await events(journal, 'pipe'), [0, 1, 2, 3, 4, 5]);
  });

  it('rejects invalid arguments and unencodable events without writing anything', async (t, _s, open) => {
    const { journal } = await open();
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['no events', () => journal.append('bad', [], { expectedSeq: 0, epoch: 0 })],
      ['a negative expectedSeq', () => journal.append('bad', [1], { expectedSeq: -1, epoch: 0 })],
      ['a fractional epoch', () => journal.append('bad', [1], { expectedSeq: 0, epoch: 1.5 })],
      ['an empty id', () => journal.append('', [1], { expectedSeq: 0, epoch: 0 })],
      ['a read from seq 0', () => collect(journal.read('bad', 0))],
      ['a negative fence epoch', () => journal.fence('bad', -1)],
    ];
    for (const [name, call] of cases) await t.throwsAsync(call(), { instanceOf: InvalidPersistenceArgumentError }, name);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await t.throwsAsync(journal.append('bad', [1, cyclic], { expectedSeq: 0, epoch: 0 }), { instanceOf: UnencodableValueError });
    t.is(await journal.highestSeq('bad'), 0);
  });

  it('waits for pending appends on close and rejects calls afterwards', async (t, storage) => {
    const p = await storage.open();
    const pending = p.journal.append('closing', ['x'], { expectedSeq: 0, epoch: 0 });
    await p.close();
    t.deepEqual(await pending, { fromSeq: 1, toSeq: 1 });
    await t.throwsAsync(p.journal.append('closing', ['y'], { expectedSeq: 1, epoch: 0 }), { instanceOf: StoreClosedError });
    await t.throwsAsync(p.journal.highestSeq('closing'), { instanceOf: StoreClosedError });
    const again = await storage.open();
    t.is(await again.journal.highestSeq('closing'), 1);
    await again.close();
  });

  // --- migrations ---------------------------------------------------------------------------------

  it('applies migrations once: opening the same storage again is a no-op that keeps the data', async (t, storage, open) => {
    const first = await open();
    await first.journal.append('m', ['kept'], { expectedSeq: 0, epoch: 0 });
    const second = await open();
    const third = await open();
    t.deepEqual(await events(third.journal, 'm'), ['kept']);
    const known = backend.name === 'sqlite' ? SQLITE_MIGRATIONS.length : postgresMigrations('"s"').length;
    t.is(await storage.count('schema_migrations'), known);
    t.truthy(second);
  });

  // --- snapshots ----------------------------------------------------------------------------------

  it('saves snapshots and returns the latest', async (t, _s, open) => {
    const clock = new ManualClock(42);
    const { journal, snapshots } = await open({ clock });
    t.is(await snapshots.latest('s'), undefined);
    await journal.append('s', [1, 2, 3, 4, 5], { expectedSeq: 0, epoch: 1 });
    await snapshots.save('s', 3, { total: 6, list: [-0, 2 ** 60] }, 1);
    clock.nowMs = 43;
    await snapshots.save('s', 5, { total: 15 }, 1);
    t.deepEqual(await snapshots.latest('s'), { seq: 5, state: { total: 15 }, timestamp: 43, epoch: 1 });
  });

  it('keeps only the newest two snapshots per id by default', async (t, storage, open) => {
    const { journal, snapshots } = await open();
    await journal.append('keep', Array.from({ length: 10 }, (_, i) => i), { expectedSeq: 0, epoch: 1 });
    await journal.append('other', [0], { expectedSeq: 0, epoch: 1 });
    await snapshots.save('other', 1, 'o', 1);
    for (const seq of [2, 4, 6, 8]) await snapshots.save('keep', seq, { seq }, 1);
    t.is(await storage.count(`snapshots WHERE persistence_id = 'keep'`), 2);
    t.is(await storage.count(`snapshots WHERE persistence_id = 'other'`), 1);
    t.like(await snapshots.latest('keep'), { seq: 8, state: { seq: 8 } });
  });

  it('keeps as many snapshots as configured and replaces one saved again at the same seq', async (t, storage, open) => {
    const { journal, snapshots } = await open({ snapshotsKept: 3 });
    await journal.append('k3', [1, 2, 3, 4, 5], { expectedSeq: 0, epoch: 1 });
    for (const seq of [1, 2, 3, 4, 5]) await snapshots.save('k3', seq, seq, 1);
    await snapshots.save('k3', 5, 'again', 1);
    t.is(await storage.count(`snapshots WHERE persistence_id = 'k3'`), 3);
    t.like(await snapshots.latest('k3'), { seq: 5, state: 'again' });
  });

  it('rejects a snapshot from a fenced writer and one ahead of the journal', async (t, _s, open) => {
    const { journal, snapshots } = await open();
    await journal.append('sf', [1, 2], { expectedSeq: 0, epoch: 2 });
    await t.throwsAsync(snapshots.save('sf', 2, 'zombie', 1), { instanceOf: FencedError });
    const ahead = await t.throwsAsync(snapshots.save('sf', 3, 'ahead', 2), { instanceOf: SnapshotAheadOfJournalError });
    t.like(ahead, { seq: 3, highestSeq: 2 });
    await t.throwsAsync(snapshots.save('nothing-yet', 1, 'x', 0), { instanceOf: SnapshotAheadOfJournalError });
    t.is(await snapshots.latest('sf'), undefined);
  });

  // --- bars ---------------------------------------------------------------------------------------

  it('upserts bars and reads them back by range, latest, symbols and count', async (t, _s, open) => {
    const { bars } = await open();
    const aapl = Array.from({ length: 10 }, (_, i) => bar('AAPL', i));
    t.is(await bars.upsert([...aapl].reverse()), 10);
    await bars.upsert([bar('MSFT', 0), { ...bar('MSFT', 0), interval: '1h' }]);
    t.deepEqual(await bars.range('AAPL', '1d', aapl[2]!.time, aapl[5]!.time), aapl.slice(2, 5));
    t.deepEqual(await bars.range('AAPL', '1d', 0, Number.MAX_SAFE_INTEGER), aapl);
    t.deepEqual(await bars.range('AAPL', '1h', 0, Number.MAX_SAFE_INTEGER), []);
    t.deepEqual(await bars.latest('AAPL', '1d'), aapl[9]);
    t.is(await bars.latest('NONE', '1d'), undefined);
    t.deepEqual(await bars.symbols(), ['AAPL', 'MSFT']);
    t.is(await bars.count('AAPL', '1d'), 10);
    t.is(await bars.count('MSFT', '1h'), 1);
  });

  it('replaces a bar upserted again at the same time, the last of a batch winning', async (t, _s, open) => {
    const { bars } = await open();
    await bars.upsert([bar('X', 0)]);
    t.is(await bars.upsert([bar('X', 0, { close: 101 }), bar('X', 0, { close: 102.125 })]), 1);
    t.deepEqual(await bars.range('X', '1d', 0, Number.MAX_SAFE_INTEGER), [bar('X', 0, { close: 102.125 })]);
  });

  it('stores prices as exact float64 values', async (t, _s, open) => {
    const { bars } = await open();
    const precise = bar('P', 1, { open: 0.1 + 0.2, high: 123.456789012345, low: 1e-7, close: 100.00000000000001, volume: 2 ** 53 - 1 });
    await bars.upsert([precise]);
    t.deepEqual(await bars.latest('P', '1d'), precise);
  });

  const badBars: ReadonlyArray<[string, Partial<Bar>, RegExp]> = [
    ['a NaN close', { close: Number.NaN }, /close is NaN/],
    ['a negative open', { open: -1 }, /open -1 is not positive/],
    ['a negative volume', { volume: -5 }, /volume -5/],
    ['high below low', { high: 80, low: 90, open: 85, close: 85 }, /high 80 < low 90/],
    ['a close outside the range', { close: 200 }, /close 200 outside/],
  ];
  for (const [name, overrides, problem] of badBars) {
    it(`rejects a batch containing a bar with ${name}, naming the row, and writes nothing`, async (t, _s, open) => {
      const { bars } = await open();
      const batch = [bar('BAD', 0), bar('BAD', 1), bar('BAD', 2, overrides), bar('BAD', 3)];
      const err = await t.throwsAsync(bars.upsert(batch), { instanceOf: InvalidBarError });
      t.regex(err?.where ?? '', /^row 2 \(BAD 1d @ 2024-01-03T00:00:00\.000Z\)$/);
      t.regex(err?.message ?? '', problem);
      t.is(await bars.count('BAD', '1d'), 0);
      t.deepEqual(await bars.symbols(), []);
    });
  }
}
