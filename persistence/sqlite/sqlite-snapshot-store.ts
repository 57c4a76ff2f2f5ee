import type Database from 'better-sqlite3';
import { Codec } from '../../runtime/codec/index.js';
import { checkInteger, checkPersistenceId } from '../append-request.js';
import { FencedError, SnapshotAheadOfJournalError, StoreClosedError } from '../errors.js';
import { decodeSnapshot, DEFAULT_MAX_SNAPSHOT_BYTES, DEFAULT_SNAPSHOTS_KEPT } from '../snapshot-store.js';
import type { Snapshot, SnapshotStore } from '../snapshot-store.js';
import { closeSqliteDatabase, openSqliteDatabase, sqliteCall } from './sqlite-database.js';
import type { SqliteOpenOptions } from './sqlite-database.js';
import { prepareStoredHead } from './sqlite-heads.js';
import type { JournalHead } from '../append-request.js';

/** Options for {@link SqliteSnapshotStore}. */
export interface SqliteSnapshotStoreOptions {
  /** Snapshots kept per id. Default {@link DEFAULT_SNAPSHOTS_KEPT}. */
  readonly keep?: number;
  /** Largest encoded state accepted. Default {@link DEFAULT_MAX_SNAPSHOT_BYTES}. */
  readonly maxSnapshotBytes?: number;
  readonly clock?: { now(): number };
}

type SnapshotRow = [seq: number, epoch: number, timestamp: number, payload: Uint8Array];

/** Snapshots in the same SQLite file as the journal, checked against its heads for fencing. */
export class SqliteSnapshotStore implements SnapshotStore {
  readonly #db: Database.Database;
  readonly #ownsDb: boolean;
  readonly #keep: number;
  readonly #codec: Codec;
  readonly #clock: { now(): number };
  readonly #readStoredHead: (persistenceId: string) => JournalHead;
  readonly #upsert: Database.Statement<[string, number, number, number, Uint8Array]>;
  readonly #prune: Database.Statement<[string, string, number]>;
  readonly #latest: Database.Statement<[string], SnapshotRow>;
  #closed = false;

  /** Wraps a database opened with `openSqliteDatabase`; closing the store leaves it open. */
  constructor(db: Database.Database, options: SqliteSnapshotStoreOptions = {}, ownsDb = false) {
    this.#db = db;
    this.#ownsDb = ownsDb;
    this.#keep = options.keep ?? DEFAULT_SNAPSHOTS_KEPT;
    checkInteger('keep', this.#keep, 1);
    this.#codec = new Codec({ maxPayloadBytes: options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES });
    this.#clock = options.clock ?? Date;
    this.#readStoredHead = prepareStoredHead(db);
    this.#upsert = db.prepare(
      `INSERT INTO snapshots (persistence_id, seq, epoch, timestamp, payload) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (persistence_id, seq) DO UPDATE SET epoch = excluded.epoch, timestamp = excluded.timestamp, payload = excluded.payload`,
    );
    // Deletes everything older than the keep-th newest; with fewer rows the subquery is NULL and nothing goes.
    this.#prune = db.prepare(
      `DELETE FROM snapshots WHERE persistence_id = ? AND seq <
         (SELECT seq FROM snapshots WHERE persistence_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    );
    this.#latest = db
      .prepare<[string], SnapshotRow>(
        'SELECT seq, epoch, timestamp, payload FROM snapshots WHERE persistence_id = ? ORDER BY seq DESC LIMIT 1',
      )
      .raw();
  }

  /** Opens (creating and migrating) the file at `path`; closing the store closes it. */
  static open(path: string, options: SqliteSnapshotStoreOptions & SqliteOpenOptions = {}): SqliteSnapshotStore {
    return new SqliteSnapshotStore(openSqliteDatabase(path, options), options, true);
  }

  async save(persistenceId: string, seq: number, state: unknown, epoch: number): Promise<void> {
    checkPersistenceId(persistenceId);
    checkInteger('seq', seq, 1);
    checkInteger('epoch', epoch, 0);
    this.#checkOpen();
    const payload = this.#codec.encodeValue(state);
    const timestamp = this.#clock.now();
    const save = this.#db.transaction(() => {
      const { highestSeq, epoch: currentEpoch } = this.#readStoredHead(persistenceId);
      if (epoch < currentEpoch) throw new FencedError(persistenceId, epoch, currentEpoch);
      if (seq > highestSeq) throw new SnapshotAheadOfJournalError(persistenceId, seq, highestSeq);
      this.#upsert.run(persistenceId, seq, epoch, timestamp, payload);
      this.#prune.run(persistenceId, persistenceId, this.#keep - 1);
    });
    sqliteCall(`saving a snapshot of ${persistenceId}`, () => save.immediate());
  }

  async latest(persistenceId: string): Promise<Snapshot | undefined> {
    checkPersistenceId(persistenceId);
    this.#checkOpen();
    const row = sqliteCall(`reading the latest snapshot of ${persistenceId}`, () => this.#latest.get(persistenceId));
    if (row === undefined) return undefined;
    const [seq, epoch, timestamp, payload] = row;
    return decodeSnapshot(this.#codec, persistenceId, seq, epoch, timestamp, payload);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDb) await closeSqliteDatabase(this.#db);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError('SqliteSnapshotStore');
  }
}
