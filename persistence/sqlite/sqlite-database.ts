import Database from 'better-sqlite3';
import { StorageError } from '../errors.js';
import { migrateSqlite } from './sqlite-migrations.js';

/**
 * `NORMAL` (the default) makes a commit durable against a process crash but not against power loss
 * with WAL; `FULL` fsyncs every commit and survives power loss, at roughly a tenth of the commit rate.
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Options for {@link openSqliteDatabase}. */
export interface SqliteOpenOptions {
  /** Default `NORMAL`. */
  readonly synchronous?: SqliteSynchronous;
  /** Default {@link DEFAULT_SQLITE_BUSY_TIMEOUT_MS}. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a Bifrost SQLite database in WAL mode and applies pending migrations.
 * The caller owns the handle and closes it.
 */
export function openSqliteDatabase(path: string, options: SqliteOpenOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StorageError(`opening SQLite database ${path}`, { cause: error });
  }
  try {
    // WAL lets readers run alongside the writer and turns each commit into one sequential append.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    migrateSqlite(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
