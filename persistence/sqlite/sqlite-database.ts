import Database from 'better-sqlite3';
import { BifrostError } from '../../runtime/errors.js';
import { InvalidPersistenceArgumentError, StorageError } from '../errors.js';
import { migrateSqlite } from './sqlite-migrations.js';

/**
 * `NORMAL` (the default) makes a commit durable against a process crash but not against power loss
 * with WAL; `FULL` fsyncs every commit and survives power loss, at roughly a tenth of the commit rate.
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * WAL pages written before SQLite copies them back into the database file (SQLite's own default is
 * 1,000). Many actors appending at once dirty one B-tree page each per commit; a longer WAL lets a page
 * changed by many commits be copied back once, which measured ~45% more interleaved appends per second,
 * for a WAL of up to ~40 MB (4 KiB pages).
 */
export const DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Options for {@link openSqliteDatabase}. */
export interface SqliteOpenOptions {
  /** Default `NORMAL`. */
  readonly synchronous?: SqliteSynchronous;
  /** Default {@link DEFAULT_SQLITE_BUSY_TIMEOUT_MS}. */
  readonly busyTimeoutMs?: number;
  /** Default {@link DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES}. */
  readonly walAutocheckpointPages?: number;
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
    const walPages = options.walAutocheckpointPages ?? DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES;
    if (!Number.isSafeInteger(walPages) || walPages < 0) {
      throw new InvalidPersistenceArgumentError('walAutocheckpointPages', `must be a non-negative integer, was ${walPages}`);
    }
    db.pragma(`wal_autocheckpoint = ${walPages}`);
    migrateSqlite(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Runs a driver call, passing Bifrost's own errors through and wrapping anything better-sqlite3 throws
 * (SQLITE_BUSY after the timeout, a full disk) in {@link StorageError}.
 */
export function sqliteCall<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof BifrostError) throw error;
    throw new StorageError(operation, { cause: error });
  }
}
