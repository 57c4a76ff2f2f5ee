export { MAX_PERSISTENCE_ID_LENGTH } from './append-request.js';
export { prepareBarBatch } from './bar-store.js';
export type { BarStore } from './bar-store.js';
export {
  ConcurrencyError,
  CorruptRecordError,
  FencedError,
  InvalidPersistenceArgumentError,
  MalformedBlockError,
  MigrationError,
  PersistenceError,
  SnapshotAheadOfJournalError,
  StorageError,
  StoreClosedError,
} from './errors.js';
export { MAX_BLOCK_BYTES, MAX_BLOCK_EVENTS } from './event-block.js';
export { DEFAULT_MAX_BATCH_EVENTS, DEFAULT_READ_PAGE_SIZE } from './journal.js';
export type { AppendOptions, AppendResult, Journal, JournalEntry } from './journal.js';
export type { Migration } from './migration.js';
export { openPersistence } from './open-persistence.js';
export type { Persistence, PersistenceConfig, PostgresPersistenceConfig, SqlitePersistenceConfig } from './open-persistence.js';
export { DEFAULT_MAX_SNAPSHOT_BYTES, DEFAULT_SNAPSHOTS_KEPT } from './snapshot-store.js';
export type { Snapshot, SnapshotStore } from './snapshot-store.js';
export { PostgresBarStore, PG_BAR_CHUNK_ROWS } from './postgres/postgres-bar-store.js';
export { PG_APPEND_RETRIES, PostgresJournal } from './postgres/postgres-journal.js';
export type { PostgresJournalOptions } from './postgres/postgres-journal.js';
export { migratePostgres, postgresMigrations } from './postgres/postgres-migrations.js';
export { createPool, DEFAULT_PG_CONNECT_TIMEOUT_MS, DEFAULT_PG_POOL_SIZE } from './postgres/postgres-pool.js';
export type { PostgresPoolOptions } from './postgres/postgres-pool.js';
export { DEFAULT_PG_SCHEMA } from './postgres/postgres-schema.js';
export { PostgresSnapshotStore } from './postgres/postgres-snapshot-store.js';
export type { PostgresSnapshotStoreOptions } from './postgres/postgres-snapshot-store.js';
export { SqliteBarStore } from './sqlite/sqlite-bar-store.js';
export { closeSqliteDatabase, DEFAULT_SQLITE_BUSY_TIMEOUT_MS, DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES, openSqliteDatabase } from './sqlite/sqlite-database.js';
export type { SqliteOpenOptions, SqliteSynchronous } from './sqlite/sqlite-database.js';
export { SqliteJournal } from './sqlite/sqlite-journal.js';
export type { SqliteJournalOptions } from './sqlite/sqlite-journal.js';
export { migrateSqlite, SQLITE_MIGRATIONS } from './sqlite/sqlite-migrations.js';
export { SqliteSnapshotStore } from './sqlite/sqlite-snapshot-store.js';
export type { SqliteSnapshotStoreOptions } from './sqlite/sqlite-snapshot-store.js';
export { attachPersistence, DEFAULT_SNAPSHOT_EVERY_EVENTS, PersistenceNotAttachedError, persistenceOf, PersistentActor, RecoveryError } from './persistent-actor.js';
export type { PersistenceContext, PersistenceStatus } from './persistent-actor.js';
export { MemoryJournal } from './memory/memory-journal.js';
export { MemorySnapshotStore } from './memory/memory-snapshot-store.js';
