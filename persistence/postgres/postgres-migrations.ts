import type { Pool } from 'pg';
import { MigrationError, StorageError } from '../errors.js';
import type { Migration } from '../migration.js';
import { quoteSchema } from './postgres-schema.js';

/** The PostgreSQL schema for `schema` (already quoted), oldest first. Append new migrations; never edit a shipped one. */
export function postgresMigrations(s: string): Migration[] {
  return [
    {
      version: 1,
      name: 'journal, journal heads, append function, snapshots, bars',
      statements: [
        `CREATE TABLE ${s}.journal (
           persistence_id TEXT NOT NULL,
           seq BIGINT NOT NULL,
           epoch BIGINT NOT NULL,
           ts BIGINT NOT NULL,
           writer_id TEXT,
           payload BYTEA NOT NULL,
           -- The last line of defence: even a bug in the head bookkeeping cannot write a seq twice.
           PRIMARY KEY (persistence_id, seq)
         )`,
        // The row every append to an id locks (FOR UPDATE): it serialises writers of that id across
        // processes and holds the fencing epoch.
        `CREATE TABLE ${s}.journal_heads (
           persistence_id TEXT PRIMARY KEY,
           highest_seq BIGINT NOT NULL,
           epoch BIGINT NOT NULL
         )`,
        // A whole group commit in one round trip. Requests are checked in order, each against its id's
        // head (fenced: status 2, wrong expected seq: status 1, written: status 0); payloads of request i
        // are the next counts[i] elements of the payload array.
        `CREATE FUNCTION ${s}.journal_append(
           ids TEXT[], expected BIGINT[], epochs BIGINT[], counts INT[], writers TEXT[], at BIGINT, payloads BYTEA[]
         ) RETURNS TABLE (status SMALLINT, head_seq BIGINT, head_epoch BIGINT)
         LANGUAGE plpgsql AS $fn$
         DECLARE
           i INT;
           base INT := 0;
           h_seq BIGINT;
           h_epoch BIGINT;
         BEGIN
           -- Create missing heads, then lock all of this batch's heads in one fixed order, so two
           -- batches touching the same ids cannot deadlock.
           INSERT INTO ${s}.journal_heads (persistence_id, highest_seq, epoch)
             SELECT DISTINCT u, 0, 0 FROM unnest(ids) AS u ORDER BY 1
             ON CONFLICT (persistence_id) DO NOTHING;
           PERFORM 1 FROM ${s}.journal_heads WHERE persistence_id = ANY (ids) ORDER BY persistence_id FOR UPDATE;
           FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
             SELECT h.highest_seq, h.epoch INTO h_seq, h_epoch FROM ${s}.journal_heads h WHERE h.persistence_id = ids[i];
             IF epochs[i] < h_epoch THEN
               status := 2; head_seq := h_seq; head_epoch := h_epoch;
             ELSIF expected[i] <> h_seq THEN
               status := 1; head_seq := h_seq; head_epoch := h_epoch;
             ELSE
               INSERT INTO ${s}.journal (persistence_id, seq, epoch, ts, writer_id, payload)
                 SELECT ids[i], h_seq + k, epochs[i], at, writers[i], payloads[base + k]
                 FROM generate_series(1, counts[i]) AS k;
               status := 0; head_seq := h_seq + counts[i]; head_epoch := greatest(h_epoch, epochs[i]);
               UPDATE ${s}.journal_heads SET highest_seq = head_seq, epoch = head_epoch WHERE persistence_id = ids[i];
             END IF;
             base := base + counts[i];
             RETURN NEXT;
           END LOOP;
         END
         $fn$`,
        `CREATE TABLE ${s}.snapshots (
           persistence_id TEXT NOT NULL,
           seq BIGINT NOT NULL,
           epoch BIGINT NOT NULL,
           ts BIGINT NOT NULL,
           payload BYTEA NOT NULL,
           PRIMARY KEY (persistence_id, seq)
         )`,
        `CREATE TABLE ${s}.bars (
           symbol TEXT NOT NULL,
           interval TEXT NOT NULL,
           time BIGINT NOT NULL,
           open DOUBLE PRECISION NOT NULL,
           high DOUBLE PRECISION NOT NULL,
           low DOUBLE PRECISION NOT NULL,
           close DOUBLE PRECISION NOT NULL,
           volume DOUBLE PRECISION NOT NULL,
           PRIMARY KEY (symbol, interval, time)
         )`,
      ],
    },
  ];
}

/**
 * Creates `schema` if needed and applies every migration not yet recorded in its `schema_migrations`,
 * all in one transaction under an advisory lock, so processes starting together migrate once and a
 * failed migration leaves nothing behind. Running it again is a no-op. Throws {@link MigrationError}
 * when the schema was migrated by a newer Bifrost or a statement fails. Returns the versions applied.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<number[]> {
  const s = quoteSchema(schema);
  const migrations = postgresMigrations(s);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  let client;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new StorageError('connecting to PostgreSQL', { cause: error });
  }
  let current = 0;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bifrost.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version INT PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new MigrationError(newest, `schema ${schema} was migrated to version ${newest} by a newer Bifrost; this one knows up to ${known}`);
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      current = migration.version;
      for (const sql of migration.statements) await client.query(sql);
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(current, `failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    client.release();
  }
}
