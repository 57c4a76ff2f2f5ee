import type { BarStore } from './bar-store.js';
import type { Journal } from './journal.js';
import type { SnapshotStore } from './snapshot-store.js';
import { PostgresBarStore } from './postgres/postgres-bar-store.js';
import { PostgresJournal } from './postgres/postgres-journal.js';
import { migratePostgres } from './postgres/postgres-migrations.js';
import { createPool } from './postgres/postgres-pool.js';
import { DEFAULT_PG_SCHEMA } from './postgres/postgres-schema.js';
import { SqliteBarStore } from './sqlite/sqlite-bar-store.js';
import { closeSqliteDatabase, openSqliteDatabase } from './sqlite/sqlite-database.js';
import type { SqliteSynchronous } from './sqlite/sqlite-database.js';
import { SqliteJournal } from './sqlite/sqlite-journal.js';
import { PostgresSnapshotStore } from './postgres/postgres-snapshot-store.js';
import { SqliteSnapshotStore } from './sqlite/sqlite-snapshot-store.js';

/** Settings shared by both backends. */
interface CommonPersistenceConfig {
  /** Snapshots kept per persistence id (default 2). */
  readonly snapshotsKept?: number;
  /** Source of journal and snapshot timestamps (default `Date`). */
  readonly clock?: { now(): number };
}

/** The embedded backend: one SQLite file (WAL) per node. */
export interface SqlitePersistenceConfig extends CommonPersistenceConfig {
  readonly kind: 'sqlite';
  /** Database file; created and migrated when missing. */
  readonly path: string;
  /** `NORMAL` (default): durable against a process crash. `FULL`: also against power loss, slower. */
  readonly synchronous?: SqliteSynchronous;
}

/** The cluster backend: one PostgreSQL schema shared by every node. */
export interface PostgresPersistenceConfig extends CommonPersistenceConfig {
  readonly kind: 'postgres';
  /** Connection string, e.g. `postgres://bifrost@10.0.0.80:5432/bifrost`. */
  readonly url: string;
  /** Schema for Bifrost's tables (default `bifrost`); created and migrated when missing. */
  readonly schema?: string;
  /** Pool size (default 8). */
  readonly poolSize?: number;
}

export type PersistenceConfig = SqlitePersistenceConfig | PostgresPersistenceConfig;

/** The stores of one backend, over one connection (SQLite) or one pool (PostgreSQL). */
export interface Persistence {
  readonly journal: Journal;
  readonly snapshots: SnapshotStore;
  readonly bars: BarStore;
  /** Waits for pending appends, then closes the connection or pool. */
  close(): Promise<void>;
}

/**
 * Opens the configured backend, creating and migrating its schema, and returns its stores.
 *
 * @example
 * const persistence = await openPersistence({ kind: 'sqlite', path: 'data/bifrost.db' });
 * await persistence.journal.append('portfolio-1', [event], { expectedSeq: 0, epoch: 1 });
 * await persistence.close();
 */
export async function openPersistence(config: PersistenceConfig): Promise<Persistence> {
  const common = config.clock ? { clock: config.clock } : {};
  const snapshotOptions = { ...common, ...(config.snapshotsKept !== undefined ? { keep: config.snapshotsKept } : {}) };
  if (config.kind === 'sqlite') {
    const db = openSqliteDatabase(config.path, config.synchronous ? { synchronous: config.synchronous } : {});
    const journal = new SqliteJournal(db, common);
    const snapshots = new SqliteSnapshotStore(db, snapshotOptions);
    const bars = new SqliteBarStore(db);
    return {
      journal,
      snapshots,
      bars,
      close: async () => {
        await Promise.all([journal.close(), snapshots.close(), bars.close()]);
        await closeSqliteDatabase(db);
      },
    };
  }
  const schema = config.schema ?? DEFAULT_PG_SCHEMA;
  const pool = createPool(config.url, config.poolSize !== undefined ? { poolSize: config.poolSize } : {});
  try {
    await migratePostgres(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const journal = new PostgresJournal(pool, { ...common, schema });
  const snapshots = new PostgresSnapshotStore(pool, { ...snapshotOptions, schema });
  const bars = new PostgresBarStore(pool, { schema });
  return {
    journal,
    snapshots,
    bars,
    close: async () => {
      await Promise.all([journal.close(), snapshots.close(), bars.close()]);
      await pool.end();
    },
  };
}
