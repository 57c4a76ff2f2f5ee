// Storage backends for the persistence tests: a fresh SQLite file or a fresh PostgreSQL schema per
// test, each openable more than once (a second instance stands in for a second node or process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPersistence } from '../../persistence/index.js';
import type { Persistence } from '../../persistence/index.js';
import { waitFor } from '../helpers/wait-for.js';

/** The database tests use: `BIFROST_TEST_PG`, default a local `test` database. */
export const PG_URL = process.env.BIFROST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A clock the tests set by hand, so stored timestamps are known. */
export class ManualClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  now(): number {
    return this.nowMs;
  }
}

/** One isolated store: a file or a schema. */
export interface Storage {
  /** Opens another instance on the same data (another connection or pool). */
  open(options?: { clock?: ManualClock; snapshotsKept?: number }): Promise<Persistence>;
  /** Reads a count straight from the database, bypassing the stores, e.g. `snapshots WHERE persistence_id = 'x'`. */
  count(tableAndWhere: string): Promise<number>;
  /** Runs raw SQL against the storage, bypassing the stores; `table(name)` qualifies a table name. */
  execute(sql: (table: (name: string) => string) => string): Promise<void>;
  /**
   * Where the data lives, for a child process: `sqlite <path>` or `postgres <url> <schema>`. The URL names
   * the sessions it opens (`application_name`), so {@link Storage.writersGone} can find them.
   */
  readonly args: readonly string[];
  /**
   * Resolves once no session opened through `args` is left: a killed writer's last commit has then landed
   * or been rolled back. PostgreSQL finishes a transaction whose COMMIT it had received when the client
   * died, so a read made before can miss it. SQLite: at once (a killed process writes nothing more).
   */
  writersGone(timeoutMs?: number): Promise<void>;
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  createStorage(): Promise<Storage>;
  /** Removes every file or schema this backend created. */
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  let dir: string | undefined;
  let n = 0;
  return {
    name: 'sqlite',
    async createStorage() {
      dir ??= mkdtempSync(join(tmpdir(), 'bifrost-persistence-'));
      const path = join(dir, `store-${++n}.db`);
      return {
        args: ['sqlite', path],
        writersGone: async () => undefined,
        open: (options = {}) => openPersistence({ kind: 'sqlite', path, ...options }),
        async execute(sql) {
          const db = new Database(path);
          try {
            db.exec(sql((name) => name));
          } finally {
            db.close();
          }
        },
        async count(tableAndWhere) {
          const db = new Database(path, { readonly: true });
          try {
            return db.prepare(`SELECT count(*) FROM ${tableAndWhere}`).pluck().get() as number;
          } finally {
            db.close();
          }
        },
      };
    },
    async cleanup() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fails (never skips) with instructions when PostgreSQL is unreachable: these tests exist to run
 * against the real server.
 */
export async function connectPostgres(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: PG_URL, connectionTimeoutMillis: 5_000, max: 2 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    const url = new URL(PG_URL);
    throw new Error(
      `PostgreSQL is not reachable at ${url.host}${url.pathname} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start it (Debian: pg_ctlcluster 15 main start) or set BIFROST_TEST_PG to a database the tests may create schemas in.',
    );
  }
}

/** `url` with its sessions named `name` (the URL's parameters win over the pool's own `application_name`). */
function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

export function postgresBackend(): Backend {
  const prefix = `bifrost_test_${Math.random().toString(36).slice(2, 10)}`;
  const schemas: string[] = [];
  let admin: Promise<pg.Pool> | undefined;
  return {
    name: 'postgres',
    async createStorage() {
      admin ??= connectPostgres();
      const pool = await admin;
      const schema = `${prefix}_${schemas.length + 1}`;
      schemas.push(schema);
      return {
        args: ['postgres', withApplicationName(PG_URL, `${schema}_writer`), schema],
        async writersGone(timeoutMs = 10_000) {
          await waitFor(`the sessions of ${schema}'s writers to close`, async () => {
            const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [`${schema}_writer`]);
            return Number(rows[0]!.n) === 0;
          }, timeoutMs);
        },
        open: (options = {}) => openPersistence({ kind: 'postgres', url: PG_URL, schema, poolSize: 4, ...options }),
        async execute(sql) {
          await pool.query(sql((name) => `"${schema}".${name}`));
        },
        async count(tableAndWhere) {
          const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".${tableAndWhere}`);
          return Number(rows[0]!.n);
        },
      };
    },
    async cleanup() {
      if (admin === undefined) return;
      const pool = await admin.catch(() => undefined);
      if (pool === undefined) return;
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
