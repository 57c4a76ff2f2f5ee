import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { InvalidPersistenceArgumentError } from '../../persistence/index.js';
import { closeSqliteDatabase, openSqliteDatabase, walCheckpointerOf } from '../../persistence/sqlite/sqlite-database.js';
import { SqliteJournal } from '../../persistence/sqlite/sqlite-journal.js';
import { WalCheckpointer } from '../../persistence/sqlite/wal-checkpointer.js';
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

test('under writes that never pause, the WAL starts over after each checkpoint instead of growing without end', async (t) => {
  const path = join(tempDir(t), 'busy.db');
  // The writer's own automatic checkpoint off, and a checkpointer that looks every 10 ms past 64 KiB.
  const db = openSqliteDatabase(path, { checkpoint: 'inline', walAutocheckpointPages: 0 });
  const checkpointer = new WalCheckpointer(db, { thresholdBytes: 64 * 1_024, intervalMs: 10 });
  t.teardown(() => checkpointer.stop());
  const journal = new SqliteJournal(db);
  const event = { kind: 'fill', note: 'z'.repeat(1_000) };
  let seq = 0;
  const append = () => journal.append('busy', [event], { expectedSeq: seq++, epoch: 1 });
  // Appends one after another, each waiting only for its commit: the writer never leaves the WAL idle
  // long enough for a checkpoint running beside it to copy everything, which is when SQLite starts over.
  // Until the first catch-up the WAL has never started over, so its size per append is what every append
  // would add to a WAL that never does.
  const deadline = Date.now() + 20_000;
  while (checkpointer.catchUps === 0 && Date.now() < deadline) await append();
  t.true(checkpointer.catchUps > 0, 'the writer finished a checkpoint the worker had caught up on');
  const bytesPerAppend = statSync(`${path}-wal`).size / seq;
  const neverStartedOver = 64 * 1_048_576;
  while (seq * bytesPerAppend < neverStartedOver && Date.now() < deadline) await append();
  const wal = statSync(`${path}-wal`).size;
  t.log(`${seq} appends of about ${Math.round(bytesPerAppend)} WAL bytes each; WAL ${wal} bytes; ${checkpointer.checkpoints} checkpoints, ${checkpointer.catchUps} caught up`);
  t.true(seq * bytesPerAppend >= neverStartedOver, 'the appends ran to the end');
  t.true(wal < neverStartedOver / 3, `the WAL is ${wal} bytes, against ${neverStartedOver} had it never started over`);
  t.true(checkpointer.catchUps > 1);
  t.is(checkpointer.lastError, undefined);
  t.is(await journal.highestSeq('busy'), seq);
  await journal.close();
  await checkpointer.stop();
  await closeSqliteDatabase(db);
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
