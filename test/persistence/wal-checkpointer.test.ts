import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { InvalidPersistenceArgumentError } from '../../persistence/index.js';
import { closeSqliteDatabase, openSqliteDatabase, walCheckpointerOf } from '../../persistence/sqlite/sqlite-database.js';
import { SqliteJournal } from '../../persistence/sqlite/sqlite-journal.js';
import { waitFor } from '../helpers/wait-for.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bifrost-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const walPages = (db: ReturnType<typeof openSqliteDatabase>): number => (db.pragma('wal_autocheckpoint') as Array<{ wal_autocheckpoint: number }>)[0]!.wal_autocheckpoint;

test('a worker thread checkpoints the WAL once it passes the threshold, and every appended event stays readable', async (t) => {
  const path = join(tempDir(t), 'j.db');
  const db = openSqliteDatabase(path, { walCheckpointBytes: 256 * 1_024 });
  const checkpointer = walCheckpointerOf(db);
  t.truthy(checkpointer, 'a database file gets a background checkpointer');
  t.true(walPages(db) > 100_000, 'the writer keeps only a far-off safety-net checkpoint');
  const journal = new SqliteJournal(db);
  const before = statSync(path).size;
  const event = { kind: 'fill', note: 'x'.repeat(200) };
  for (let i = 0; i < 40; i++) await journal.append('p', Array.from({ length: 50 }, () => event), { expectedSeq: i * 50, epoch: 1 });
  // The database file grows only when a checkpoint copies the WAL's pages into it.
  await waitFor('a background checkpoint', () => checkpointer!.checkpoints > 0 && statSync(path).size > before, 20_000);
  t.is(checkpointer!.lastError, undefined);
  let n = 0;
  for await (const entry of journal.read('p')) {
    n++;
    t.deepEqual(entry.event, event);
  }
  t.is(n, 2_000);
  await journal.close();
  await closeSqliteDatabase(db);
  t.is(walCheckpointerOf(db), undefined);
});

test('inline checkpoints and in-memory databases start no worker; bad checkpoint options are refused', async (t) => {
  const path = join(tempDir(t), 'i.db');
  const inline = openSqliteDatabase(path, { checkpoint: 'inline', walAutocheckpointPages: 500 });
  t.is(walCheckpointerOf(inline), undefined);
  t.is(walPages(inline), 500);
  await closeSqliteDatabase(inline);
  const memory = openSqliteDatabase(':memory:');
  t.is(walCheckpointerOf(memory), undefined);
  await closeSqliteDatabase(memory);
  t.throws(() => openSqliteDatabase(join(tempDir(t), 'b.db'), { checkpoint: 'lazy' as never }), { instanceOf: InvalidPersistenceArgumentError });
  t.throws(() => openSqliteDatabase(join(tempDir(t), 'c.db'), { walCheckpointBytes: 0 }), { instanceOf: InvalidPersistenceArgumentError });
});

test('a database closed with a plain db.close() stops its checkpointer and worker too', async (t) => {
  const path = join(tempDir(t), 'p.db');
  const db = openSqliteDatabase(path, { walCheckpointBytes: 64 * 1_024 });
  const checkpointer = walCheckpointerOf(db)!;
  const journal = new SqliteJournal(db);
  const event = { note: 'y'.repeat(300) };
  for (let i = 0; i < 10; i++) await journal.append('p', Array.from({ length: 50 }, () => event), { expectedSeq: i * 50, epoch: 1 });
  await waitFor('a background checkpoint', () => checkpointer.checkpoints > 0, 20_000);
  await journal.close();
  db.close();
  t.false(checkpointer.stopped, 'running while the writer is open');
  await waitFor('the checkpointer to stop itself', () => checkpointer.stopped, 5_000);
});
