// A database written by the one-row-per-event journal (migration 1), or with clustered blocks (migration 2),
// must open with the current layout (rowid blocks, migration 3; a batched stream index and heads naming their
// last block, migration 4) and recover every event exactly as stored.
import test from 'ava';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  ConcurrencyError,
  FencedError,
  migratePostgres,
  migrateSqlite,
  postgresMigrations,
  SQLITE_MIGRATIONS,
} from '../../persistence/index.js';
import type { JournalEntry } from '../../persistence/index.js';
import { packBlocks } from '../../persistence/event-block.js';
import { Codec } from '../../runtime/codec/index.js';
import { postgresBackend, sqliteBackend } from './backends.js';
import type { Backend, Storage } from './backends.js';

const codec = new Codec();

/** What the old journal stored: one row per event. */
interface LegacyRow {
  readonly persistenceId: string;
  readonly seq: number;
  readonly epoch: number;
  readonly timestamp: number;
  readonly writerId: string | null;
  readonly event: unknown;
}

/** A long stream (past one read page) with epochs and writers changing, a short one, and a fenced id with no events. */
const LONG = 12_345;
const rows: LegacyRow[] = [
  ...Array.from({ length: LONG }, (_, i): LegacyRow => ({
    persistenceId: 'legacy-long',
    seq: i + 1,
    epoch: i < 5_000 ? 1 : 2,
    timestamp: 1_700_000_000_000 + Math.floor(i / 7),
    writerId: i % 3 === 0 ? null : `node-${i % 2}`,
    event: { type: 'portfolio.fillApplied', n: i + 1, price: 187.25 + (i % 100) / 100, z: i === 42 ? -0 : 0 },
  })),
  ...['a', { b: [1, 2] }, 2 ** 60].map((event, i): LegacyRow => ({
    persistenceId: 'legacy-short',
    seq: i + 1,
    epoch: 3,
    timestamp: 1_600_000_000_000 + i,
    writerId: 'w',
    event,
  })),
];
const heads: ReadonlyArray<[id: string, highestSeq: number, epoch: number]> = [
  ['legacy-long', LONG, 2],
  ['legacy-short', 3, 3],
  ['legacy-fenced', 0, 7],
];

/** Writes the old layout straight into a fresh SQLite file: migration 1 only, rows as the old journal inserted them. */
function writeLegacySqlite(path: string): void {
  const db = new Database(path);
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS.filter((m) => m.version === 1));
    const insert = db.prepare('INSERT INTO journal (persistence_id, seq, epoch, timestamp, writer_id, payload) VALUES (?, ?, ?, ?, ?, ?)');
    const head = db.prepare('INSERT INTO journal_heads (persistence_id, highest_seq, epoch) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const r of rows) insert.run(r.persistenceId, r.seq, r.epoch, r.timestamp, r.writerId, codec.encodeValue(r.event));
      for (const h of heads) head.run(...h);
    })();
  } finally {
    db.close();
  }
}

/** The same for a PostgreSQL schema. */
async function writeLegacyPostgres(url: string, schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migratePostgres(pool, schema, postgresMigrations(`"${schema}"`).filter((m) => m.version === 1));
    await pool.query(
      `INSERT INTO "${schema}".journal (persistence_id, seq, epoch, ts, writer_id, payload)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bytea[])`,
      [
        rows.map((r) => r.persistenceId),
        rows.map((r) => r.seq),
        rows.map((r) => r.epoch),
        rows.map((r) => r.timestamp),
        rows.map((r) => r.writerId),
        rows.map((r) => codec.encodeValue(r.event)),
      ],
    );
    for (const h of heads) await pool.query(`INSERT INTO "${schema}".journal_heads (persistence_id, highest_seq, epoch) VALUES ($1, $2, $3)`, h);
  } finally {
    await pool.end();
  }
}

async function writeLegacy(storage: Storage): Promise<void> {
  const [kind, location, schema] = storage.args;
  if (kind === 'sqlite') writeLegacySqlite(location!);
  else await writeLegacyPostgres(location!, schema!);
}

async function collect(iterable: AsyncIterable<JournalEntry>): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

function expected(r: LegacyRow): JournalEntry {
  const base = { persistenceId: r.persistenceId, seq: r.seq, epoch: r.epoch, event: r.event, timestamp: r.timestamp };
  return r.writerId === null ? base : { ...base, writerId: r.writerId };
}

const backends: Backend[] = [sqliteBackend(), postgresBackend()];

/** Every migration the backend knows: opening a store applies them all. */
const migrationCount = (backend: Backend): number => (backend.name === 'sqlite' ? SQLITE_MIGRATIONS.length : postgresMigrations('"x"').length);

for (const backend of backends) {
  test(`${backend.name}: a journal written one row per event opens in the block layout with every event intact`, async (t) => {
    const storage = await backend.createStorage();
    await writeLegacy(storage);
    t.is(await storage.count('schema_migrations'), 1);

    const store = await storage.open();
    try {
      const { journal } = store;
      t.is(await storage.count('schema_migrations'), migrationCount(backend));
      t.is(await storage.count('journal_blocks'), rows.length);
      await t.throwsAsync(storage.count('journal'), { any: true, message: /no such table|does not exist/ }, 'the per-event table is dropped');
      for (const id of ['legacy-long', 'legacy-short']) {
        const stored = await collect(journal.read(id));
        const want = rows.filter((r) => r.persistenceId === id).map(expected);
        t.is(stored.length, want.length, id);
        // One comparison per stream (deepEqual on 12k entries reports the first difference well enough).
        t.deepEqual(stored, want, id);
      }
      t.true(Object.is(((await collect(journal.read('legacy-long', 43, 43)))[0]!.event as { z: number }).z, -0));
      t.deepEqual((await collect(journal.read('legacy-long', 9_999, 10_002))).map((e) => e.seq), [9_999, 10_000, 10_001, 10_002]);
      for (const [id, highestSeq, epoch] of heads) {
        t.is(await journal.highestSeq(id), highestSeq, id);
        t.is(await journal.currentEpoch(id), epoch, id);
      }

      // The converted streams carry on where they stopped, with the same checks.
      await t.throwsAsync(journal.append('legacy-long', ['stale'], { expectedSeq: LONG - 1, epoch: 2 }), { instanceOf: ConcurrencyError });
      await t.throwsAsync(journal.append('legacy-fenced', ['zombie'], { expectedSeq: 0, epoch: 6 }), { instanceOf: FencedError });
      t.deepEqual(await journal.append('legacy-long', ['next', 'after'], { expectedSeq: LONG, epoch: 2 }), { fromSeq: LONG + 1, toSeq: LONG + 2 });
      t.deepEqual((await collect(journal.read('legacy-long', LONG))).map((e) => e.event), [rows[LONG - 1]!.event, 'next', 'after']);
    } finally {
      await store.close();
    }

    // Opening again applies nothing and changes nothing.
    const again = await storage.open();
    try {
      t.is(await storage.count('schema_migrations'), migrationCount(backend));
      t.is((await collect(again.journal.read('legacy-short'))).length, 3);
      t.is(await again.journal.highestSeq('legacy-long'), LONG + 2);
    } finally {
      await again.close();
    }
  });
}

test('sqlite: a journal of clustered blocks (migration 2) opens as a rowid table with every block in the stream index, every event intact', async (t) => {
  const backend = backends[0]!;
  const storage = await backend.createStorage();
  const [, path] = storage.args;
  // Blocks as migration 2 stored them: two streams, blocks of several events, written interleaved.
  const streams = { 'blocks-a': Array.from({ length: 2_500 }, (_, i) => ({ n: i + 1, z: i === 7 ? -0 : i })), 'blocks-b': ['x', { y: [1, 2] }, 3] };
  const db = new Database(path!);
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS.filter((m) => m.version <= 2));
    const insert = db.prepare('INSERT INTO journal_blocks (persistence_id, first_seq, last_seq, epoch, timestamp, writer_id, events) VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const [id, events] of Object.entries(streams)) {
        let seq = 0;
        for (const block of packBlocks(events.map((e) => codec.encodeValue(e)), 7)) {
          insert.run(id, seq + 1, seq + block.count, 1, 1_700_000_000_000 + seq, id === 'blocks-a' ? 'w' : null, block.bytes);
          seq += block.count;
        }
      }
    })();
  } finally {
    db.close();
  }
  const blocks = await storage.count('journal_blocks');
  const store = await storage.open();
  try {
    t.is(await storage.count('schema_migrations'), SQLITE_MIGRATIONS.length);
    t.is(await storage.count('journal_blocks'), blocks, 'one row per block, as before');
    t.is(await storage.count(`sqlite_master WHERE type = 'index' AND name = 'journal_blocks_stream'`), 0, 'the per-commit index is gone');
    t.is(await storage.count('journal_stream_index'), blocks, 'every stored block indexed');
    t.is(await storage.count('journal_index_state WHERE indexed_through = (SELECT max(id) FROM journal_blocks)'), 1);
    t.is(await storage.count('journal_heads h WHERE h.last_block_id = (SELECT id FROM journal_blocks b WHERE b.persistence_id = h.persistence_id ORDER BY last_seq DESC LIMIT 1)'), 2, 'a head for each stream, naming its last block');
    t.is(await storage.count(`journal_blocks WHERE rowid > 0`), blocks, 'a rowid table');
    for (const [id, events] of Object.entries(streams)) {
      const stored = await collect(store.journal.read(id));
      t.deepEqual(stored.map((e) => e.event), events, id);
      t.deepEqual(stored.map((e) => e.seq), events.map((_, i) => i + 1), id);
    }
    t.true(Object.is(((await collect(store.journal.read('blocks-a', 8, 8)))[0]!.event as { z: number }).z, -0));
    t.deepEqual((await collect(store.journal.read('blocks-a', 1_000, 1_003))).map((e) => e.seq), [1_000, 1_001, 1_002, 1_003]);
    await t.throwsAsync(store.journal.append('blocks-a', ['stale'], { expectedSeq: 2_499, epoch: 1 }), { instanceOf: ConcurrencyError });
    t.deepEqual(await store.journal.append('blocks-a', ['next'], { expectedSeq: 2_500, epoch: 1 }), { fromSeq: 2_501, toSeq: 2_501 });
    t.deepEqual((await collect(store.journal.read('blocks-a', 2_500))).map((e) => e.event), [streams['blocks-a'][2_499], 'next']);
  } finally {
    await store.close();
  }
});

test.after.always('remove the test databases and schemas', async () => {
  await Promise.all(backends.map((b) => b.cleanup()));
});
