import Database from 'better-sqlite3';
import { BifrostError } from '../../runtime/errors.js';
import { InvalidPersistenceArgumentError, StorageError } from '../errors.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { WAL_SAFETY_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer.js';
import type { DEFAULT_WAL_CHECKPOINT_BYTES } from './wal-checkpointer.js';

/**
 * `NORMAL` (the default) makes a commit durable against a process crash but not against power loss
 * with WAL; `FULL` fsyncs every commit and survives power loss, at roughly a tenth of the commit rate.
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * WAL pages written before the writing connection copies them back into the database file itself, when
 * checkpoints are `inline` (SQLite's own default is 1,000). Many actors appending at once dirty one B-tree
 * page each per commit; a longer WAL lets a page changed by many commits be copied back once, which
 * measured ~45% more interleaved appends per second, for a WAL of up to ~40 MB (4 KiB pages).
 */
export const DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Bytes per page of a new database file (an existing file keeps its own). Every commit writes each B-tree
 * page it changed to the WAL whole, and an order's commit changes about a kilobyte (its blocks at the table's
 * end, and its heads): two 4 KiB pages, 8 KiB of WAL per order, against about four 1 KiB pages, and the
 * checkpoint's fsync of that WAL stalled round trips (see
 * docs/concepts/persistence.md). Measured on the order path: round trip p99 roughly halved with the stream
 * index batched and 1 KiB pages together.
 */
export const DEFAULT_SQLITE_PAGE_SIZE = 1_024;

/**
 * `background` (the default for a database file): a worker thread checkpoints the WAL once it passes
 * {@link DEFAULT_WAL_CHECKPOINT_BYTES}, so no commit stalls on a checkpoint (see `WalCheckpointer`); the
 * writing connection keeps a far larger automatic checkpoint as a safety net. `inline`: SQLite's
 * automatic checkpoint, run by the commit that crosses `walAutocheckpointPages`.
 */
export type SqliteCheckpointMode = 'background' | 'inline';

/** Options for {@link openSqliteDatabase}. */
export interface SqliteOpenOptions {
  /** Default `NORMAL`. */
  readonly synchronous?: SqliteSynchronous;
  /** Page size of a new database file, a power of two from 512 to 65536; default {@link DEFAULT_SQLITE_PAGE_SIZE}. */
  readonly pageSize?: number;
  /** Default {@link DEFAULT_SQLITE_BUSY_TIMEOUT_MS}. */
  readonly busyTimeoutMs?: number;
  /** With `inline` checkpoints; default {@link DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES}. */
  readonly walAutocheckpointPages?: number;
  /** Default `background` (`inline` for an in-memory database). */
  readonly checkpoint?: SqliteCheckpointMode;
  /** With `background` checkpoints: WAL bytes that start one; default {@link DEFAULT_WAL_CHECKPOINT_BYTES}. */
  readonly walCheckpointBytes?: number;
}

const checkpointers = new WeakMap<Database.Database, WalCheckpointer>();

/** The background checkpointer of a database opened by {@link openSqliteDatabase}, if it has one. */
export function walCheckpointerOf(db: Database.Database): WalCheckpointer | undefined {
  return checkpointers.get(db);
}

/** Stops the database's background checkpointer, if any, then closes the connection. */
export async function closeSqliteDatabase(db: Database.Database): Promise<void> {
  const checkpointer = checkpointers.get(db);
  checkpointers.delete(db);
  await checkpointer?.stop();
  db.close();
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
    const pageSize = options.pageSize ?? DEFAULT_SQLITE_PAGE_SIZE;
    if (!(Number.isSafeInteger(pageSize) && pageSize >= 512 && pageSize <= 65_536 && (pageSize & (pageSize - 1)) === 0)) {
      throw new InvalidPersistenceArgumentError('pageSize', `must be a power of two from 512 to 65536, was ${pageSize}`);
    }
    // Takes effect only while the file is empty, before the WAL switch below writes its first page.
    db.pragma(`page_size = ${pageSize}`);
    // WAL lets readers run alongside the writer and turns each commit into one sequential append.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    const walPages = options.walAutocheckpointPages ?? DEFAULT_SQLITE_WAL_AUTOCHECKPOINT_PAGES;
    if (!Number.isSafeInteger(walPages) || walPages < 0) {
      throw new InvalidPersistenceArgumentError('walAutocheckpointPages', `must be a non-negative integer, was ${walPages}`);
    }
    const mode = options.checkpoint ?? (db.memory ? 'inline' : 'background');
    if (mode !== 'background' && mode !== 'inline') throw new InvalidPersistenceArgumentError('checkpoint', `must be 'background' or 'inline', was ${String(mode)}`);
    const walBytes = options.walCheckpointBytes;
    if (walBytes !== undefined && !(Number.isSafeInteger(walBytes) && walBytes > 0)) {
      throw new InvalidPersistenceArgumentError('walCheckpointBytes', `must be a positive integer, was ${walBytes}`);
    }
    const background = mode === 'background' && !db.memory;
    db.pragma(`wal_autocheckpoint = ${background ? WAL_SAFETY_AUTOCHECKPOINT_PAGES : walPages}`);
    migrateSqlite(db);
    if (background) checkpointers.set(db, new WalCheckpointer(db, walBytes === undefined ? {} : { thresholdBytes: walBytes }));
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
