import test from 'ava';
import { ConcurrencyError, FencedError, InvalidPersistenceArgumentError, MemoryJournal, MemorySnapshotStore, SnapshotAheadOfJournalError } from '../../persistence/index.js';

for (const keep of ['bytes', 'values'] as const) test(`the memory journal (keep: ${keep}) keeps the expected-seq and epoch rules of the durable journals`, async (t) => {
  const journal = new MemoryJournal({ keep });
  t.deepEqual(await journal.append('p', [{ a: 1 }, { a: 2 }], { expectedSeq: 0, epoch: 1 }), { fromSeq: 1, toSeq: 2 });
  await t.throwsAsync(journal.append('p', [{ a: 3 }], { expectedSeq: 1, epoch: 1 }), { instanceOf: ConcurrencyError });
  await journal.append('p', [{ a: 3 }], { expectedSeq: 2, epoch: 2 });
  await t.throwsAsync(journal.append('p', [{ a: 4 }], { expectedSeq: 3, epoch: 1 }), { instanceOf: FencedError });
  await journal.fence('p', 5);
  await t.throwsAsync(journal.fence('p', 4), { instanceOf: FencedError });
  const read = [];
  for await (const e of journal.read('p', 2)) read.push([e.seq, e.epoch, e.event]);
  t.deepEqual(read, [[2, 1, { a: 2 }], [3, 2, { a: 3 }]]);
  t.is(await journal.highestSeq('p'), 3);
  t.is(await journal.currentEpoch('p'), 5);
});

for (const keep of ['bytes', 'values'] as const) test(`appendNow (keep: ${keep}) commits before it returns, under the same rules, and a refused one writes nothing`, async (t) => {
  const journal = new MemoryJournal({ keep });
  t.deepEqual(journal.appendNow('p', [{ a: 1 }, { a: 2 }], { expectedSeq: 0, epoch: 1 }), { fromSeq: 1, toSeq: 2 });
  t.is(await journal.highestSeq('p'), 2);
  t.throws(() => journal.appendNow('p', [{ a: 3 }], { expectedSeq: 1, epoch: 1 }), { instanceOf: ConcurrencyError });
  t.throws(() => journal.appendNow('p', [{ a: 3 }], { expectedSeq: 2, epoch: 0 }), { instanceOf: FencedError });
  t.throws(() => journal.appendNow('p', [], { expectedSeq: 2, epoch: 1 }), { instanceOf: InvalidPersistenceArgumentError });
  t.deepEqual(await journal.append('p', [{ a: 3 }], { expectedSeq: 2, epoch: 1 }), { fromSeq: 3, toSeq: 3 }, 'the promise path continues the same stream');
  const read = [];
  for await (const e of journal.read('p')) read.push(e.event);
  t.deepEqual(read, [{ a: 1 }, { a: 2 }, { a: 3 }]);
});

test('events are stored as codec bytes, so a caller mutating its object afterwards changes nothing stored', async (t) => {
  const journal = new MemoryJournal();
  const event = { qty: 1, nested: { x: -0 } };
  await journal.append('p', [event], { expectedSeq: 0, epoch: 1 });
  event.qty = 99;
  for await (const e of journal.read('p')) {
    t.deepEqual(e.event, { qty: 1, nested: { x: -0 } });
    t.true(Object.is((e.event as typeof event).nested.x, -0));
  }
});

test('keep: values stores the events themselves, frozen, so nobody can change what the journal holds', async (t) => {
  const journal = new MemoryJournal({ keep: 'values' });
  const event = { qty: 1, nested: { list: [1, 2] } };
  await journal.append('p', [event], { expectedSeq: 0, epoch: 1 });
  t.true(Object.isFrozen(event) && Object.isFrozen(event.nested) && Object.isFrozen(event.nested.list));
  t.throws(() => {
    (event as { qty: number }).qty = 99;
  }, { instanceOf: TypeError });
  for await (const e of journal.read('p')) t.is(e.event, event);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await t.throwsAsync(journal.append('p', [cyclic], { expectedSeq: 1, epoch: 1 }), { instanceOf: InvalidPersistenceArgumentError });
  t.is(await journal.highestSeq('p'), 1, 'the refused append stored nothing');
  t.throws(() => new MemoryJournal({ keep: 'json' as never }), { instanceOf: InvalidPersistenceArgumentError });
});

test('keep: values takes a value frozen already as frozen through and does not walk into it again', async (t) => {
  const journal = new MemoryJournal({ keep: 'values' });
  const record = Object.freeze({ id: 'o-1', quantity: 5 });
  const event = { kind: 'opened', record, list: [record] };
  await journal.append('p', [event], { expectedSeq: 0, epoch: 1 });
  t.true(Object.isFrozen(event) && Object.isFrozen(event.list));
  for await (const e of journal.read('p')) t.is((e.event as typeof event).record, record);
  // The rule's limit, as documented: a frozen shell around a mutable value is left as it is.
  const shell = Object.freeze({ inner: { n: 1 } });
  await journal.append('p', [{ shell }], { expectedSeq: 1, epoch: 1 });
  t.false(Object.isFrozen(shell.inner));
});

test('memory snapshots refuse an older epoch or a seq beyond the journal, and keep the newest ones', async (t) => {
  const journal = new MemoryJournal();
  const snapshots = new MemorySnapshotStore(journal, { kept: 2 });
  await journal.append('p', [1, 2, 3], { expectedSeq: 0, epoch: 2 });
  await t.throwsAsync(snapshots.save('p', 4, 's4', 2), { instanceOf: SnapshotAheadOfJournalError });
  await t.throwsAsync(snapshots.save('p', 1, 's1', 1), { instanceOf: FencedError });
  for (const seq of [1, 2, 3]) await snapshots.save('p', seq, `s${seq}`, 2);
  t.like(await snapshots.latest('p'), { seq: 3, state: 's3', epoch: 2 });
});
