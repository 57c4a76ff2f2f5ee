import type Database from 'better-sqlite3';
import { Codec } from '../../runtime/codec/index.js';
import { checkAgainstHead, checkInteger, checkPersistenceId, checkReadRange, prepareAppend } from '../append-request.js';
import type { JournalHead, PendingAppend } from '../append-request.js';
import { ConcurrencyError, FencedError, StorageError, StoreClosedError } from '../errors.js';
import { GroupCommit } from '../group-commit.js';
import { PagedReader, pagedRead } from '../paged-reader.js';
import type { BlockRow } from '../paged-reader.js';
import { DEFAULT_MAX_BATCH_EVENTS, DEFAULT_READ_PAGE_SIZE } from '../journal.js';
import type { AppendOptions, AppendResult, Journal, JournalEntry } from '../journal.js';
import { closeSqliteDatabase, openSqliteDatabase, sqliteCall } from './sqlite-database.js';
import type { SqliteOpenOptions } from './sqlite-database.js';
import { prepareStoredHead } from './sqlite-heads.js';
import type { StoredHead } from './sqlite-heads.js';

/** Options for {@link SqliteJournal}. */
export interface SqliteJournalOptions {
  /** Entries fetched per read query. Default {@link DEFAULT_READ_PAGE_SIZE}. */
  readonly readPageSize?: number;
  /** Most events per group commit. Default {@link DEFAULT_MAX_BATCH_EVENTS}. */
  readonly maxBatchEvents?: number;
  /** Source of entry timestamps (an actor-system `Clock` fits). Default `Date`. */
  readonly clock?: { now(): number };
}

/**
 * The embedded journal on better-sqlite3. Each append is stored as one `journal_blocks` row (several
 * past `MAX_BLOCK_EVENTS` events; see `event-block.ts`). Appends from one tick are written in one
 * IMMEDIATE transaction (group commit) and each is checked against its `journal_heads` row and its
 * last stored block inside it, so the checks hold across processes sharing the file too.
 *
 * @example
 * const journal = SqliteJournal.open('data/bifrost.db');
 * await journal.append('portfolio-1', [event], { expectedSeq: 0, epoch: 1 });
 */
export class SqliteJournal implements Journal {
  readonly #db: Database.Database;
  readonly #ownsDb: boolean;
  readonly #codec = new Codec();
  readonly #clock: { now(): number };
  readonly #pageSize: number;
  readonly #commits: GroupCommit<PendingAppend>;
  readonly #readStoredHead: (persistenceId: string) => StoredHead;
  readonly #upsertHead: Database.Statement<[string, number, number]>;
  readonly #insert: Database.Statement<[string, number, number, number, number, string | null, Uint8Array]>;
  readonly #page: Database.Statement<[string, number, string, number, number], BlockRow>;
  readonly #fence: Database.Statement<[string, number], number>;
  readonly #maxSeq: Database.Statement<[string], number | null>;
  readonly #commit: Database.Transaction<(batch: readonly PendingAppend[], timestamp: number) => Array<AppendResult | Error>>;
  #closed = false;

  /** Wraps a database already opened with {@link openSqliteDatabase}; {@link SqliteJournal.close} leaves it open. */
  constructor(db: Database.Database, options: SqliteJournalOptions = {}, ownsDb = false) {
    this.#db = db;
    this.#ownsDb = ownsDb;
    this.#clock = options.clock ?? Date;
    this.#pageSize = options.readPageSize ?? DEFAULT_READ_PAGE_SIZE;
    checkInteger('readPageSize', this.#pageSize, 1);
    this.#commits = new GroupCommit((batch) => this.#flush(batch), options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS);
    this.#readStoredHead = prepareStoredHead(db);
    this.#upsertHead = db.prepare(
      `INSERT INTO journal_heads (persistence_id, highest_seq, epoch) VALUES (?, ?, ?)
       ON CONFLICT (persistence_id) DO UPDATE SET highest_seq = excluded.highest_seq, epoch = excluded.epoch`,
    );
    this.#insert = db.prepare(
      'INSERT INTO journal_blocks (persistence_id, first_seq, last_seq, epoch, timestamp, writer_id, events) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // (id, from, id, to, to): the blocks with last_seq from `from` up to the first block reaching `to`,
    // a range scan on the key. (better-sqlite3 binds no numbered parameters, hence the repeats.)
    this.#page = db
      .prepare<[string, number, string, number, number], BlockRow>(
        `SELECT first_seq, last_seq, epoch, timestamp, writer_id, events FROM journal_blocks
         WHERE persistence_id = ? AND last_seq >= ?
           AND last_seq <= coalesce((SELECT min(last_seq) FROM journal_blocks WHERE persistence_id = ? AND last_seq >= ?), ?)
         ORDER BY last_seq`,
      )
      .raw();
    this.#fence = db
      .prepare<[string, number], number>(
        `INSERT INTO journal_heads (persistence_id, highest_seq, epoch) VALUES (?, 0, ?)
         ON CONFLICT (persistence_id) DO UPDATE SET epoch = max(epoch, excluded.epoch) RETURNING epoch`,
      )
      .pluck();
    this.#maxSeq = db.prepare<[string], number | null>('SELECT max(last_seq) FROM journal_blocks WHERE persistence_id = ?').pluck();
    this.#commit = db.transaction((batch: readonly PendingAppend[], timestamp: number) => this.#writeBatch(batch, timestamp));
  }

  /** Opens (creating and migrating) the database file at `path`; closing the journal closes the file. */
  static open(path: string, options: SqliteJournalOptions & SqliteOpenOptions = {}): SqliteJournal {
    return new SqliteJournal(openSqliteDatabase(path, options), options, true);
  }

  append(persistenceId: string, events: readonly unknown[], opts: AppendOptions): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.#closed) throw new StoreClosedError('SqliteJournal');
      this.#commits.push(prepareAppend(this.#codec, persistenceId, events, opts, { resolve, reject }));
    });
  }

  read(persistenceId: string, fromSeq = 1, toSeq = Infinity): AsyncIterable<JournalEntry> {
    return pagedRead(() => {
      checkPersistenceId(persistenceId);
      const range = checkReadRange(fromSeq, toSeq);
      // A whole page per query: better-sqlite3 cannot run other statements while an iterator is open,
      // and the reader yields to the event loop between entries.
      return new PagedReader(
        persistenceId,
        (from, to) => {
          this.#checkOpen();
          return sqliteCall('reading the journal', () => this.#page.all(persistenceId, from, persistenceId, to, to));
        },
        (bytes) => this.#codec.decodeValue(bytes),
        range,
        this.#pageSize,
      );
    });
  }

  async highestSeq(persistenceId: string): Promise<number> {
    return this.#head(persistenceId).highestSeq;
  }

  async currentEpoch(persistenceId: string): Promise<number> {
    return this.#head(persistenceId).epoch;
  }

  async fence(persistenceId: string, epoch: number): Promise<void> {
    checkPersistenceId(persistenceId);
    checkInteger('epoch', epoch, 0);
    this.#checkOpen();
    const current = sqliteCall('fencing', () => this.#fence.get(persistenceId, epoch)!);
    if (current > epoch) throw new FencedError(persistenceId, epoch, current);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#commits.drain();
    if (this.#ownsDb) await closeSqliteDatabase(this.#db);
  }

  #head(persistenceId: string): JournalHead {
    checkPersistenceId(persistenceId);
    this.#checkOpen();
    return sqliteCall('reading the journal head', () => this.#readHead(persistenceId));
  }

  #readHead(persistenceId: string): JournalHead {
    return this.#readStoredHead(persistenceId).head;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError('SqliteJournal');
  }

  #flush(batch: PendingAppend[]): void {
    const timestamp = this.#clock.now();
    let outcomes: Array<AppendResult | Error>;
    try {
      outcomes = this.#commit.immediate(batch, timestamp);
    } catch {
      // Something unexpected (disk full, a busy file) failed the shared transaction: retry each append
      // alone so the failure lands only on the appends it belongs to.
      outcomes = batch.map((append) => {
        try {
          return this.#commit.immediate([append], timestamp)[0]!;
        } catch (error) {
          return this.#explain(append, error);
        }
      });
    }
    batch.forEach((append, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) append.reject(outcome);
      else append.resolve(outcome);
    });
  }

  /** Turns an append's own failure into the error its caller should see. */
  #explain(append: PendingAppend, error: unknown): Error {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // The head and the stored tip were checked, so this should not happen; the rows are the truth.
      const actual = this.#maxSeq.get(append.persistenceId) ?? append.expectedSeq + 1;
      return new ConcurrencyError(append.persistenceId, append.expectedSeq, actual);
    }
    return new StorageError(`append to ${append.persistenceId}`, { cause: error });
  }

  /** The batch's rows in one transaction; made once, since `db.transaction()` costs about 4.5 µs a call. */
  #writeBatch(batch: readonly PendingAppend[], timestamp: number): Array<AppendResult | Error> {
    // A head row is written only when it is missing or its epoch rises: the highest seq is the last
    // stored block's (read with it), so advancing the row on every append cost a second B-tree page per
    // commit (about a third of a small commit) for nothing.
    const heads = new Map<string, JournalHead & { write: boolean }>();
    const outcomes: Array<AppendResult | Error> = [];
    for (const append of batch) {
      let head = heads.get(append.persistenceId);
      if (head === undefined) {
        const stored = this.#readStoredHead(append.persistenceId);
        head = { ...stored.head, write: !stored.hasRow };
      }
      const rejection = checkAgainstHead(append.persistenceId, head, append.expectedSeq, append.epoch);
      if (rejection !== undefined) {
        outcomes.push(rejection);
        continue;
      }
      let seq = head.highestSeq;
      for (const block of append.blocks) {
        this.#insert.run(append.persistenceId, seq + 1, seq + block.count, append.epoch, timestamp, append.writerId, block.bytes);
        seq += block.count;
      }
      heads.set(append.persistenceId, { highestSeq: seq, epoch: Math.max(head.epoch, append.epoch), write: head.write || append.epoch > head.epoch });
      outcomes.push({ fromSeq: head.highestSeq + 1, toSeq: seq });
    }
    for (const [id, head] of heads) if (head.write) this.#upsertHead.run(id, head.highestSeq, head.epoch);
    return outcomes;
  }
}
