// The SQLite journal writes its stream index a batch at a time: reads must find every block whether it is
// indexed or still past the index, across processes sharing the file, and a new file gets small pages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { ConcurrencyError, InvalidPersistenceArgumentError } from '../../persistence/index.js';
import { closeSqliteDatabase, DEFAULT_SQLITE_PAGE_SIZE, openSqliteDatabase } from '../../persistence/sqlite/sqlite-database.js';
import { SqliteJournal } from '../../persistence/sqlite/sqlite-journal.js';
import type { Journal } from '../../persistence/journal.js';

function tempPath(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bifrost-stream-index-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'j.db');
}

async function seqsOf(journal: Journal, id: string, from?: number, to?: number): Promise<number[]> {
  const seqs: number[] = [];
  for await (const entry of journal.read(id, from, to)) seqs.push(entry.seq);
  return seqs;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

function indexState(path: string): { indexedThrough: number; entries: number; blocks: number } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      indexedThrough: db.prepare('SELECT indexed_through FROM journal_index_state').pluck().get() as number,
      entries: db.prepare('SELECT count(*) FROM journal_stream_index').pluck().get() as number,
      blocks: db.prepare('SELECT count(*) FROM journal_blocks').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

test('blocks past the stream index are read from the table end, and a commit reaching the batch indexes them all', async (t) => {
  const path = tempPath(t);
  const journal = SqliteJournal.open(path, { indexBatchBlocks: 5, readPageSize: 2 });
  // Two streams interleaved, one or two events per append.
  const seq = { a: 0, b: 0 };
  const append = async (id: 'a' | 'b', n: number): Promise<void> => {
    await journal.append(id, Array.from({ length: n }, (_, i) => `${id}${seq[id] + i + 1}`), { expectedSeq: seq[id], epoch: 1 });
    seq[id] += n;
  };
  await append('a', 2);
  await append('b', 1);
  await append('a', 1);
  t.like(indexState(path), { indexedThrough: 0, entries: 0, blocks: 3 }, 'fewer blocks than a batch: nothing indexed yet');
  t.deepEqual(await seqsOf(journal, 'a'), [1, 2, 3]);
  t.deepEqual(await seqsOf(journal, 'a', 2, 2), [2]);
  await append('b', 2);
  await append('a', 1);
  t.like(indexState(path), { indexedThrough: 5, entries: 5, blocks: 5 }, 'the fifth block indexed the five');
  await append('a', 2);
  await append('b', 1);
  t.like(indexState(path), { indexedThrough: 5, entries: 5, blocks: 7 });
  // Every range of both streams, across the indexed blocks and the two past the index, with pages of two seqs.
  for (const [id, top] of [['a', 6], ['b', 4]] as const) {
    for (let from = 1; from <= top + 1; from++) {
      for (let to = from - 1; to <= top + 1; to++) t.deepEqual(await seqsOf(journal, id, from, to), range(from, Math.min(to, top)), `${id} ${from}..${to}`);
    }
  }
  const values: unknown[] = [];
  for await (const entry of journal.read('a')) values.push(entry.event);
  t.deepEqual(values, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  t.is(await journal.highestSeq('a'), 6);
  await t.throwsAsync(journal.append('a', ['stale'], { expectedSeq: 5, epoch: 1 }), { instanceOf: ConcurrencyError });
  await journal.close();
  // Reopened, the unindexed blocks are still found, and the next batch indexes them.
  const again = SqliteJournal.open(path, { indexBatchBlocks: 5 });
  t.deepEqual(await seqsOf(again, 'a'), range(1, 6));
  for (let i = 0; i < 3; i++) await again.append('b', [`b${5 + i}`], { expectedSeq: 4 + i, epoch: 1 });
  t.like(indexState(path), { indexedThrough: 10, entries: 10, blocks: 10 });
  t.deepEqual(await seqsOf(again, 'b'), range(1, 7));
  t.deepEqual(await seqsOf(again, 'a'), range(1, 6));
  await again.close();
});

test('two connections to one file (as two processes) see each other\'s appends whoever indexes them', async (t) => {
  const path = tempPath(t);
  const one = SqliteJournal.open(path, { indexBatchBlocks: 4 });
  const two = SqliteJournal.open(path, { indexBatchBlocks: 4 });
  try {
    for (let i = 0; i < 10; i++) {
      const [writer, reader] = i % 2 === 0 ? [one, two] : [two, one];
      await writer.append('shared', [i], { expectedSeq: i, epoch: 1 });
      await writer.append(`own-${i % 2}`, [i], { expectedSeq: Math.floor(i / 2), epoch: 1 });
      t.deepEqual(await seqsOf(reader, 'shared'), range(1, i + 1), `after append ${i}`);
      t.is(await reader.highestSeq('shared'), i + 1);
    }
    // The other connection's head is read inside the write lock: a stale expectation fails on either.
    await t.throwsAsync(one.append('shared', ['late'], { expectedSeq: 9, epoch: 1 }), { instanceOf: ConcurrencyError });
    t.like(indexState(path), { indexedThrough: 20, entries: 20, blocks: 20 });
    t.deepEqual(await seqsOf(two, 'own-1'), range(1, 5));
  } finally {
    await one.close();
    await two.close();
  }
});

test('a new database file gets small pages; an existing one keeps its own; a bad page size is refused', async (t) => {
  const path = tempPath(t);
  const pageSize = (db: Database.Database): number => db.pragma('page_size', { simple: true }) as number;
  const made = openSqliteDatabase(path, { pageSize: 4_096 });
  t.is(pageSize(made), 4_096);
  await closeSqliteDatabase(made);
  const reopened = openSqliteDatabase(path);
  t.is(pageSize(reopened), 4_096, 'an existing file keeps the page size it was made with');
  await closeSqliteDatabase(reopened);
  const fresh = openSqliteDatabase(`${path}-new`);
  t.is(pageSize(fresh), DEFAULT_SQLITE_PAGE_SIZE);
  await closeSqliteDatabase(fresh);
  for (const bad of [1_000, 256, 131_072, Number.NaN]) {
    t.throws(() => openSqliteDatabase(`${path}-bad`, { pageSize: bad }), { instanceOf: InvalidPersistenceArgumentError, message: /pageSize/ });
  }
  t.throws(() => SqliteJournal.open(`${path}-bad-batch`, { indexBatchBlocks: 0 }), { message: /indexBatchBlocks/ });
});
