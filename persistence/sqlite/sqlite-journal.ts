import type Database from 'better-sqlite3';
import { Codec } from '../../runtime/codec/index.js';
import { checkAgainstHead, checkInteger, checkPersistenceId, checkReadRange, prepareAppend } from '../append-request.js';
import type { JournalHead, PendingAppend } from '../append-request.js';
import { FencedError, StorageError, StoreClosedError } from '../errors.js';
import { GroupCommit } from '../group-commit.js';
import { PagedReader, pagedRead } from '../paged-reader.js';
import type { BlockRow } from '../paged-reader.js';
import { DEFAULT_MAX_BATCH_EVENTS, DEFAULT_READ_PAGE_SIZE } from '../journal.js';
import type { AppendOptions, AppendResult, Journal, JournalEntry } from '../journal.js';
import { closeSqliteDatabase, openSqliteDatabase, sqliteCall } from './sqlite-database.js';
import type { SqliteOpenOptions } from './sqlite-database.js';
import { prepareStoredHead } from './sqlite-heads.js';

/** Options for {@link SqliteJournal}. */
export interface SqliteJournalOptions {
  /** Entries fetched per read query. Default {@link DEFAULT_READ_PAGE_SIZE}. */
  readonly readPageSize?: number;
  /** Most events per group commit. Default {@link DEFAULT_MAX_BATCH_EVENTS}. */
  readonly maxBatchEvents?: number;
  /** Source of entry timestamps (an actor-system `Clock` fits). Default `Date`. */
  readonly clock?: { now(): number };
  /** Blocks stored past the stream index before a commit indexes them. Default {@link DEFAULT_STREAM_INDEX_BATCH_BLOCKS}. */
  readonly indexBatchBlocks?: number;
}

/**
 * Blocks appended before their stream-index entries are written, in one statement of the commit that
 * reaches the count. An index entry per block per commit wrote one B-tree page per stream the commit touched:
 * an order's commit wrote four pages where now only its blocks' and its heads' are written. A read finds the
 * blocks past the index by a scan of the table's end, at most this many rows; indexing them costs a few
 * milliseconds once per this many blocks (about a thousand orders).
 */
export const DEFAULT_STREAM_INDEX_BATCH_BLOCKS = 4_096;

/**
 * The embedded journal on better-sqlite3. Each append is stored as one `journal_blocks` row (several
 * past `MAX_BLOCK_EVENTS` events; see `event-block.ts`), at the end of the table. Appends from one tick are
 * written in one IMMEDIATE transaction (group commit) and each is checked against its `journal_heads` row and
 * the last stored block the row names inside it, so the checks hold across processes sharing the file too.
 * `journal_stream_index` finds a stream's blocks; its entries are written a batch at a time (see
 * {@link DEFAULT_STREAM_INDEX_BATCH_BLOCKS}), and a read takes the blocks past it from the table's end.
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
  readonly #readStoredHead: (persistenceId: string) => JournalHead;
  readonly #upsertHead: Database.Statement<[string, number, number, number]>;
  readonly #insert: Database.Statement<[string, number, number, number, number, string | null, Uint8Array]>;
  readonly #indexedPage: Database.Statement<[string, number, string, number, number], BlockRow>;
  readonly #tailPage: Database.Statement<[string, number], BlockRow>;
  readonly #readPage: Database.Transaction<(persistenceId: string, from: number, to: number) => BlockRow[]>;
  readonly #indexedThrough: Database.Statement<[], number>;
  readonly #indexTail: Database.Statement<[number]>;
  readonly #setIndexedThrough: Database.Statement<[number]>;
  readonly #indexBatchBlocks: number;
  readonly #fence: Database.Statement<[string, number], number>;
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
    this.#indexBatchBlocks = options.indexBatchBlocks ?? DEFAULT_STREAM_INDEX_BATCH_BLOCKS;
    checkInteger('indexBatchBlocks', this.#indexBatchBlocks, 1);
    this.#upsertHead = db.prepare(
      `INSERT INTO journal_heads (persistence_id, highest_seq, epoch, last_block_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (persistence_id) DO UPDATE SET highest_seq = excluded.highest_seq, epoch = excluded.epoch, last_block_id = excluded.last_block_id`,
    );
    this.#insert = db.prepare(
      'INSERT INTO journal_blocks (persistence_id, first_seq, last_seq, epoch, timestamp, writer_id, events) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // (id, from, id, to, to): the indexed blocks with last_seq from `from` up to the first block reaching
    // `to`, a range scan on the index. (better-sqlite3 binds no numbered parameters, hence the repeats.)
    this.#indexedPage = db
      .prepare<[string, number, string, number, number], BlockRow>(
        `SELECT b.first_seq, b.last_seq, b.epoch, b.timestamp, b.writer_id, b.events
         FROM journal_stream_index i JOIN journal_blocks b ON b.id = i.block_id
         WHERE i.persistence_id = ? AND i.last_seq >= ?
           AND i.last_seq <= coalesce((SELECT min(last_seq) FROM journal_stream_index WHERE persistence_id = ? AND last_seq >= ?), ?)
         ORDER BY i.last_seq`,
      )
      .raw();
    // The stream's blocks past the index, from the table's end (rowids rise with every append, and a stream's
    // seqs with its rowids).
    this.#tailPage = db
      .prepare<[string, number], BlockRow>(
        `SELECT first_seq, last_seq, epoch, timestamp, writer_id, events FROM journal_blocks
         WHERE id > (SELECT indexed_through FROM journal_index_state WHERE id = 1) AND persistence_id = ? AND last_seq >= ?
         ORDER BY id`,
      )
      .raw();
    // One read transaction, so that another process indexing the tail meanwhile cannot hide blocks from it.
    this.#readPage = db.transaction((persistenceId: string, from: number, to: number) => {
      const rows = this.#indexedPage.all(persistenceId, from, persistenceId, to, to);
      if (rows.length > 0 && rows[rows.length - 1]![1] >= to) return rows;
      for (const row of this.#tailPage.all(persistenceId, from)) {
        rows.push(row);
        if (row[1] >= to) break;
      }
      return rows;
    });
    this.#indexedThrough = db.prepare<[], number>('SELECT indexed_through FROM journal_index_state WHERE id = 1').pluck();
    this.#indexTail = db.prepare<[number]>(
      // OR IGNORE: a block written around the journal's checks that repeats a stored seq must not fail every
      // later commit; the first one stays the indexed one.
      `INSERT OR IGNORE INTO journal_stream_index (persistence_id, last_seq, block_id)
       SELECT persistence_id, last_seq, id FROM journal_blocks WHERE id > ? ORDER BY id`,
    );
    this.#setIndexedThrough = db.prepare<[number]>('UPDATE journal_index_state SET indexed_through = ? WHERE id = 1');
    this.#fence = db
      .prepare<[string, number], number>(
        `INSERT INTO journal_heads (persistence_id, highest_seq, epoch) VALUES (?, 0, ?)
         ON CONFLICT (persistence_id) DO UPDATE SET epoch = max(epoch, excluded.epoch) RETURNING epoch`,
      )
      .pluck();
    this.#commit = db.transaction((batch: readonly PendingAppend[], timestamp: number) => this.#writeBatch(batch, timestamp));
  }

  /** Opens (creating and migrating) the database file at `path`; closing the journal closes the file. */
  static open(path: string, options: SqliteJournalOptions & SqliteOpenOptions = {}): SqliteJournal {
    const db = openSqliteDatabase(path, options);
    try {
      return new SqliteJournal(db, options, true);
    } catch (error) {
      void closeSqliteDatabase(db);
      throw error;
    }
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
          return sqliteCall('reading the journal', () => this.#readPage(persistenceId, from, to));
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
    return sqliteCall('reading the journal head', () => this.#readStoredHead(persistenceId));
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
          return new StorageError(`append to ${append.persistenceId}`, { cause: error });
        }
      });
    }
    batch.forEach((append, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) append.reject(outcome);
      else append.resolve(outcome);
    });
  }

  /** The batch's rows in one transaction; made once, since `db.transaction()` costs about 4.5 µs a call. */
  #writeBatch(batch: readonly PendingAppend[], timestamp: number): Array<AppendResult | Error> {
    // Each head touched is written once, naming its stream's last block: the heads of the few busy streams
    // share a page, so a small commit writes only that page and the table's last leaf (or two).
    const heads = new Map<string, JournalHead & { lastBlockId: number }>();
    const outcomes: Array<AppendResult | Error> = [];
    let lastBlockId = 0;
    for (const append of batch) {
      const head = heads.get(append.persistenceId) ?? this.#readStoredHead(append.persistenceId);
      const rejection = checkAgainstHead(append.persistenceId, head, append.expectedSeq, append.epoch);
      if (rejection !== undefined) {
        outcomes.push(rejection);
        continue;
      }
      let seq = head.highestSeq;
      for (const block of append.blocks) {
        lastBlockId = Number(this.#insert.run(append.persistenceId, seq + 1, seq + block.count, append.epoch, timestamp, append.writerId, block.bytes).lastInsertRowid);
        seq += block.count;
      }
      heads.set(append.persistenceId, { highestSeq: seq, epoch: Math.max(head.epoch, append.epoch), lastBlockId });
      outcomes.push({ fromSeq: head.highestSeq + 1, toSeq: seq });
    }
    for (const [id, head] of heads) this.#upsertHead.run(id, head.highestSeq, head.epoch, head.lastBlockId);
    if (lastBlockId > 0) {
      // Read inside the write lock: another process sharing the file may have indexed since.
      const indexed = this.#indexedThrough.get()!;
      if (lastBlockId - indexed >= this.#indexBatchBlocks) {
        this.#indexTail.run(indexed);
        this.#setIndexedThrough.run(lastBlockId);
      }
    }
    return outcomes;
  }
}
