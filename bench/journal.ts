/**
 * Journal throughput on SQLite and PostgreSQL against the raw drivers in the same run.
 *   node --import=tsx bench/journal.ts [--json] [--quick]   (or: npm run bench -- journal)
 * Per backend: events/s appended one at a time, events/s in 100-event appends, events/s from 100
 * concurrent single-event writers (group commit), and replay events/s. Baselines: the same events
 * through the raw driver, one row per event in the per-event table of migration 1 (better-sqlite3
 * prepared insert, autocommit or 100 per transaction; pg single-row insert or 100-row multi-VALUES
 * insert; for the concurrent writers, 100 rows of 100 ids per transaction; a paged SELECT without
 * decoding for replay). The journal itself stores one row per append (a block): its replay figure reads
 * 1,000-event appends, and sqlite_replay_1event_appends_eps a stream of one-event appends (one row per
 * event again), against the same raw replay. Each figure is the median of 5 runs (1 with --quick), taken
 * alternately with its baseline's so that load from elsewhere on the machine falls on both. PostgreSQL: BIFROST_BENCH_PG or
 * BIFROST_TEST_PG (default postgres://postgres@127.0.0.1:5432/test); a temporary schema is dropped after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Pool } from 'pg';
import {
  closeSqliteDatabase,
  createPool,
  migratePostgres,
  openSqliteDatabase,
  postgresMigrations,
  PostgresJournal,
  SQLITE_MIGRATIONS,
  SqliteJournal,
} from '../persistence/index.js';
import type { Journal } from '../persistence/index.js';
import { Codec } from '../runtime/codec/index.js';
import { median, now, perSecond, progress, report, round } from './_harness.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 5;
const BATCH = 100;
const WRITERS = 100;
const PG_URL = process.env.BIFROST_BENCH_PG ?? process.env.BIFROST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

const SIZES = {
  sqlite: { single: quick ? 5_000 : 20_000, batched: quick ? 100_000 : 500_000, concurrent: quick ? 20_000 : 100_000, singlesReplay: quick ? 50_000 : 200_000 },
  postgres: { single: quick ? 500 : 2_000, batched: quick ? 50_000 : 200_000, concurrent: quick ? 20_000 : 50_000 },
} as const;

const codec = new Codec();
/** A typical domain event: what a portfolio actor journals for a fill. */
function event(i: number): Record<string, unknown> {
  return { type: 'portfolio.fillApplied', orderId: `c-${i}`, symbol: 'AAPL', side: 'buy', qty: 100, price: 187.25 + (i % 100) / 100, ts: 1_700_000_000_000 + i };
}
const EVENTS = Array.from({ length: 10_000 }, (_, i) => event(i));
const PAYLOADS = EVENTS.map((e) => codec.encodeValue(e));

let runId = 0;
const nextId = (label: string): string => `${label}-${++runId}`;

// ---------- scenarios through the Journal interface ----------

async function appendOneAtATime(journal: Journal, n: number): Promise<number> {
  const id = nextId('single');
  const t0 = now();
  for (let seq = 0; seq < n; seq++) await journal.append(id, [EVENTS[seq % EVENTS.length]], { expectedSeq: seq, epoch: 1 });
  return perSecond(n, now() - t0);
}

async function appendBatched(journal: Journal, n: number): Promise<number> {
  const id = nextId('batched');
  const t0 = now();
  for (let seq = 0; seq < n; seq += BATCH) {
    const start = seq % EVENTS.length;
    await journal.append(id, EVENTS.slice(start, start + BATCH), { expectedSeq: seq, epoch: 1 });
  }
  return perSecond(n, now() - t0);
}

async function appendConcurrently(journal: Journal, n: number): Promise<number> {
  const ids = Array.from({ length: WRITERS }, () => nextId('writer'));
  const perWriter = Math.floor(n / WRITERS);
  const t0 = now();
  await Promise.all(
    ids.map(async (id) => {
      for (let seq = 0; seq < perWriter; seq++) await journal.append(id, [EVENTS[seq % EVENTS.length]], { expectedSeq: seq, epoch: 1 });
    }),
  );
  return perSecond(perWriter * WRITERS, now() - t0);
}

async function replay(journal: Journal, id: string): Promise<number> {
  const t0 = now();
  let n = 0;
  for await (const entry of journal.read(id)) if (entry.seq > 0) n++;
  return perSecond(n, now() - t0);
}

async function fill(journal: Journal, n: number): Promise<string> {
  const id = nextId('replay');
  for (let seq = 0; seq < n; seq += 1_000) {
    await journal.append(id, EVENTS.slice(0, Math.min(1_000, n - seq)), { expectedSeq: seq, epoch: 1 });
  }
  return id;
}

/** A stream of one-event appends (one row each, as a persistent actor persisting one event per command leaves), pipelined 1,000 per commit. */
async function fillOneEventAppends(journal: Journal, n: number): Promise<string> {
  const id = nextId('replay-singles');
  for (let seq = 0; seq < n; seq += 1_000) {
    const appends = Array.from({ length: Math.min(1_000, n - seq) }, (_, i) =>
      journal.append(id, [EVENTS[(seq + i) % EVENTS.length]], { expectedSeq: seq + i, epoch: 1 }),
    );
    await Promise.all(appends);
  }
  return id;
}

// ---------- raw better-sqlite3 ----------

/** Migration 1's `CREATE TABLE journal`: one row per event, keyed (persistence_id, seq). */
function perEventTable(migration: { readonly statements: readonly string[] }): string {
  const ddl = migration.statements.find((sql) => /CREATE TABLE \S*journal \(/.test(sql));
  if (ddl === undefined) throw new Error('migration 1 no longer creates the per-event journal table');
  return ddl;
}

function rawSqlite(db: Database.Database) {
  db.exec(perEventTable(SQLITE_MIGRATIONS[0]!));
  const insert = db.prepare('INSERT INTO journal (persistence_id, seq, epoch, timestamp, writer_id, payload) VALUES (?, ?, ?, ?, ?, ?)');
  const insertMany = db.transaction((id: string, from: number, count: number) => {
    for (let i = 0; i < count; i++) insert.run(id, from + i, 1, Date.now(), null, PAYLOADS[(from + i) % PAYLOADS.length]!);
  });
  const insertRound = db.transaction((ids: readonly string[], seq: number) => {
    for (const id of ids) insert.run(id, seq, 1, Date.now(), null, PAYLOADS[seq % PAYLOADS.length]!);
  });
  const page = db.prepare('SELECT seq, epoch, timestamp, writer_id, payload FROM journal WHERE persistence_id = ? AND seq >= ? ORDER BY seq LIMIT ?').raw();
  return {
    single(n: number): number {
      const id = nextId('raw-single');
      const t0 = now();
      for (let seq = 1; seq <= n; seq++) insert.run(id, seq, 1, Date.now(), null, PAYLOADS[seq % PAYLOADS.length]!);
      return perSecond(n, now() - t0);
    },
    batched(n: number): { rate: number; id: string } {
      const id = nextId('raw-batched');
      const t0 = now();
      for (let seq = 1; seq <= n; seq += BATCH) insertMany(id, seq, BATCH);
      return { rate: perSecond(n, now() - t0), id };
    },
    /** The concurrent scenario's rows in the same interleaving: one row for each of 100 ids per transaction. */
    interleaved(n: number): number {
      const ids = Array.from({ length: WRITERS }, () => nextId('raw-writer'));
      const rounds = Math.floor(n / WRITERS);
      const t0 = now();
      for (let seq = 1; seq <= rounds; seq++) insertRound(ids, seq);
      return perSecond(rounds * WRITERS, now() - t0);
    },
    replay(id: string): number {
      const t0 = now();
      let n = 0;
      for (let next = 1; ; ) {
        const rows = page.all(id, next, 10_000) as Array<[number]>;
        n += rows.length;
        if (rows.length < 10_000) break;
        next = rows[rows.length - 1]![0] + 1;
      }
      return perSecond(n, now() - t0);
    },
  };
}

// ---------- raw pg ----------

async function rawPostgres(pool: Pool, schema: string) {
  await pool.query(perEventTable(postgresMigrations(`"${schema}"`)[0]!));
  const table = `"${schema}".journal`;
  const multiInsert = `INSERT INTO ${table} (persistence_id, seq, epoch, ts, writer_id, payload) VALUES ${Array.from(
    { length: BATCH },
    (_, r) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${r * 6 + c}`).join(', ')})`,
  ).join(', ')}`;
  return {
    async single(n: number): Promise<number> {
      const id = nextId('raw-single');
      const t0 = now();
      for (let seq = 1; seq <= n; seq++) {
        await pool.query({
          name: 'raw-single',
          text: `INSERT INTO ${table} (persistence_id, seq, epoch, ts, writer_id, payload) VALUES ($1, $2, $3, $4, $5, $6)`,
          values: [id, seq, 1, Date.now(), null, PAYLOADS[seq % PAYLOADS.length]],
        });
      }
      return perSecond(n, now() - t0);
    },
    async batched(n: number): Promise<{ rate: number; id: string }> {
      const id = nextId('raw-batched');
      const t0 = now();
      for (let seq = 1; seq <= n; seq += BATCH) {
        const values: unknown[] = [];
        for (let i = 0; i < BATCH; i++) values.push(id, seq + i, 1, Date.now(), null, PAYLOADS[(seq + i) % PAYLOADS.length]);
        await pool.query({ name: 'raw-batched', text: multiInsert, values });
      }
      return { rate: perSecond(n, now() - t0), id };
    },
    /** The concurrent scenario's rows in the same interleaving: one row for each of 100 ids per INSERT. */
    async interleaved(n: number): Promise<number> {
      const ids = Array.from({ length: WRITERS }, () => nextId('raw-writer'));
      const rounds = Math.floor(n / WRITERS);
      const t0 = now();
      for (let seq = 1; seq <= rounds; seq++) {
        const values: unknown[] = [];
        for (const id of ids) values.push(id, seq, 1, Date.now(), null, PAYLOADS[seq % PAYLOADS.length]);
        await pool.query({ name: 'raw-batched', text: multiInsert, values });
      }
      return perSecond(rounds * WRITERS, now() - t0);
    },
    async replay(id: string): Promise<number> {
      const t0 = now();
      let n = 0;
      for (let next = 1; ; ) {
        const { rows } = await pool.query<[string]>({
          text: `SELECT seq, epoch, ts, writer_id, payload FROM ${table} WHERE persistence_id = $1 AND seq >= $2 ORDER BY seq LIMIT 10000`,
          values: [id, next],
          rowMode: 'array',
        });
        n += rows.length;
        if (rows.length < 10_000) break;
        next = Number(rows[rows.length - 1]![0]) + 1;
      }
      return perSecond(n, now() - t0);
    },
  };
}

// ---------- runs ----------

type Figures = Record<string, number>;
type Scenario = () => Promise<number> | number;

/**
 * Runs a raw baseline and the journal's scenario alternately, RUNS times each after a warm-up of each,
 * and returns both medians: load from other work on the machine then falls on both sides of a ratio,
 * not on whichever side happened to run during it.
 */
async function paired(raw: Scenario, ours: Scenario): Promise<[raw: number, ours: number]> {
  await raw();
  await ours();
  const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
  const rates: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    gc();
    rates[0].push(await raw());
    gc();
    rates[1].push(await ours());
  }
  return [median(rates[0]), median(rates[1])];
}

async function benchSqlite(metrics: Figures, baseline: Figures): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bifrost-bench-journal-'));
  try {
    const size = SIZES.sqlite;
    const rawDb = openSqliteDatabase(join(dir, 'raw.db'));
    const raw = rawSqlite(rawDb);
    const journal = SqliteJournal.open(join(dir, 'journal.db'));
    progress('sqlite: one at a time');
    [baseline.sqlite_append_single_eps, metrics.sqlite_append_single_eps] = await paired(
      () => raw.single(size.single),
      () => appendOneAtATime(journal, size.single),
    );
    progress('sqlite: batches of 100');
    let rawId = '';
    [baseline.sqlite_append_batch100_eps, metrics.sqlite_append_batch100_eps] = await paired(
      () => {
        const r = raw.batched(size.batched);
        rawId = r.id;
        return r.rate;
      },
      () => appendBatched(journal, size.batched),
    );
    progress(`sqlite: ${WRITERS} concurrent writers`);
    [baseline.sqlite_append_concurrent_eps, metrics.sqlite_append_concurrent_eps] = await paired(
      () => raw.interleaved(size.concurrent),
      () => appendConcurrently(journal, size.concurrent),
    );
    progress('sqlite: replay');
    const id = await fill(journal, size.batched);
    [baseline.sqlite_replay_eps, metrics.sqlite_replay_eps] = await paired(() => raw.replay(rawId), () => replay(journal, id));
    progress('sqlite: replay of one-event appends');
    const singles = await fillOneEventAppends(journal, size.singlesReplay);
    [baseline.sqlite_replay_1event_appends_eps, metrics.sqlite_replay_1event_appends_eps] = await paired(
      () => raw.replay(rawId),
      () => replay(journal, singles),
    );
    await journal.close();
    await closeSqliteDatabase(rawDb);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(metrics: Figures, baseline: Figures): Promise<void> {
  const schema = `bifrost_bench_${Math.random().toString(36).slice(2, 10)}`;
  const rawSchema = `${schema}_raw`;
  const pool = createPool(PG_URL, { poolSize: 4 });
  try {
    await migratePostgres(pool, schema);
    await migratePostgres(pool, rawSchema);
    const size = SIZES.postgres;
    const raw = await rawPostgres(pool, rawSchema);
    const journal = new PostgresJournal(pool, { schema });
    progress('postgres: one at a time');
    [baseline.pg_append_single_eps, metrics.pg_append_single_eps] = await paired(
      () => raw.single(size.single),
      () => appendOneAtATime(journal, size.single),
    );
    progress('postgres: batches of 100');
    let rawId = '';
    [baseline.pg_append_batch100_eps, metrics.pg_append_batch100_eps] = await paired(
      async () => {
        const r = await raw.batched(size.batched);
        rawId = r.id;
        return r.rate;
      },
      () => appendBatched(journal, size.batched),
    );
    progress(`postgres: ${WRITERS} concurrent writers`);
    [baseline.pg_append_concurrent_eps, metrics.pg_append_concurrent_eps] = await paired(
      () => raw.interleaved(size.concurrent),
      () => appendConcurrently(journal, size.concurrent),
    );
    progress('postgres: replay');
    const id = await fill(journal, size.batched);
    [baseline.pg_replay_eps, metrics.pg_replay_eps] = await paired(() => raw.replay(rawId), () => replay(journal, id));
    await journal.close();
  } finally {
    for (const s of [schema, rawSchema]) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

const metrics: Figures = {};
const baseline: Figures = {};
await benchSqlite(metrics, baseline);
await benchPostgres(metrics, baseline);
const ratio: Record<string, number> = {};
for (const key of Object.keys(metrics)) ratio[key] = round(metrics[key]! / baseline[key]!, 3);
for (const key of Object.keys(metrics)) metrics[key] = Math.round(metrics[key]!);
for (const key of Object.keys(baseline)) baseline[key] = Math.round(baseline[key]!);
report({
  bench: 'journal',
  metrics,
  baseline,
  ratio,
  notes: {
    event: `${PAYLOADS[0]!.byteLength}-byte msgpack payload (a fill event)`,
    baselines:
      'raw driver, same events, same run, one row per event (the per-event table of migration 1); for the concurrent figure the raw rows are interleaved the same way, 100 ids per transaction',
    layout: 'the journal stores one row per append (a block); replay reads 1,000-event appends, replay_1event_appends one-event appends; both raw replays read the batched baseline rows',
    durability: 'SQLite WAL synchronous=NORMAL; PostgreSQL server defaults (synchronous_commit on)',
  },
});
