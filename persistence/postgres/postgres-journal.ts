import type { Pool } from 'pg';
import { Codec } from '../../runtime/codec/index.js';
import { checkInteger, checkPersistenceId, checkReadRange, prepareAppend } from '../append-request.js';
import type { JournalHead, PendingAppend } from '../append-request.js';
import { ConcurrencyError, FencedError, StorageError, StoreClosedError } from '../errors.js';
import { GroupCommit } from '../group-commit.js';
import { PagedReader, pagedRead } from '../paged-reader.js';
import type { BlockRow } from '../paged-reader.js';
import { DEFAULT_MAX_BATCH_EVENTS, DEFAULT_READ_PAGE_SIZE } from '../journal.js';
import type { AppendOptions, AppendResult, Journal, JournalEntry } from '../journal.js';
import { migratePostgres } from './postgres-migrations.js';
import { createPool } from './postgres-pool.js';
import type { PostgresPoolOptions } from './postgres-pool.js';
import { DEFAULT_PG_SCHEMA, PG_TYPES, quoteSchema } from './postgres-schema.js';

/** Times a group commit is retried after PostgreSQL aborts it for a deadlock or serialization failure. */
export const PG_APPEND_RETRIES = 3;

const STATUS_WRITTEN = 0;
const STATUS_CONFLICT = 1;
const STATUS_FENCED = 2;
const RETRYABLE_CODES = new Set(['40P01', '40001']);
const UNIQUE_VIOLATION = '23505';

/** Options for {@link PostgresJournal}. */
export interface PostgresJournalOptions {
  /** Schema holding the tables. Default {@link DEFAULT_PG_SCHEMA}. */
  readonly schema?: string;
  /** Entries fetched per read query. Default {@link DEFAULT_READ_PAGE_SIZE}. */
  readonly readPageSize?: number;
  /** Most events per group commit. Default {@link DEFAULT_MAX_BATCH_EVENTS}. */
  readonly maxBatchEvents?: number;
  readonly clock?: { now(): number };
}

type StatusRow = [status: number, headSeq: number, headEpoch: number];

/**
 * The cluster journal on PostgreSQL, shared by every node so a survivor can recover a failed node's
 * actors. Each append is stored as one `journal_blocks` row (several past `MAX_BLOCK_EVENTS` events;
 * see `event-block.ts`). A group commit is one call of the `journal_append_blocks` function (one round
 * trip, one transaction; a batch holding several appends to one id takes one call per such append): it
 * locks each id's `journal_heads` row FOR UPDATE and checks epoch and expected seq under that lock, so
 * two nodes writing one id during a failover cannot both win; the (id, last seq) primary key backs that up.
 *
 * A rejection with {@link StorageError} (connection lost mid-commit) means the outcome is unknown:
 * recover from the journal before writing again.
 *
 * @example
 * const journal = await PostgresJournal.open('postgres://bifrost@db/bifrost', { schema: 'bifrost' });
 */
export class PostgresJournal implements Journal {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #schema: string;
  readonly #s: string;
  readonly #codec = new Codec();
  readonly #clock: { now(): number };
  readonly #pageSize: number;
  readonly #commits: GroupCommit<PendingAppend>;
  #closed = false;

  /** Uses a pool whose schema {@link migratePostgres} has prepared; closing the journal leaves the pool open. */
  constructor(pool: Pool, options: PostgresJournalOptions = {}, ownsPool = false) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#schema = options.schema ?? DEFAULT_PG_SCHEMA;
    this.#s = quoteSchema(this.#schema);
    this.#clock = options.clock ?? Date;
    this.#pageSize = options.readPageSize ?? DEFAULT_READ_PAGE_SIZE;
    checkInteger('readPageSize', this.#pageSize, 1);
    this.#commits = new GroupCommit((batch) => this.#flush(batch), options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS);
  }

  /** Connects to `url`, migrates the schema and returns a journal that owns (and on close ends) its pool. */
  static async open(url: string, options: PostgresJournalOptions & PostgresPoolOptions = {}): Promise<PostgresJournal> {
    const pool = createPool(url, options);
    try {
      await migratePostgres(pool, options.schema ?? DEFAULT_PG_SCHEMA);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresJournal(pool, options, true);
  }

  append(persistenceId: string, events: readonly unknown[], opts: AppendOptions): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.#closed) throw new StoreClosedError('PostgresJournal');
      this.#commits.push(prepareAppend(this.#codec, persistenceId, events, opts, { resolve, reject }));
    });
  }

  read(persistenceId: string, fromSeq = 1, toSeq = Infinity): AsyncIterable<JournalEntry> {
    return pagedRead(() => {
      checkPersistenceId(persistenceId);
      const range = checkReadRange(fromSeq, toSeq);
      // The blocks with last_seq from $2 up to the first block reaching $3: an index range scan.
      const text = `SELECT first_seq, last_seq, epoch, ts, writer_id, events FROM ${this.#s}.journal_blocks
        WHERE persistence_id = $1 AND last_seq >= $2
          AND last_seq <= coalesce((SELECT min(last_seq) FROM ${this.#s}.journal_blocks WHERE persistence_id = $1 AND last_seq >= $3), $3)
        ORDER BY last_seq`;
      return new PagedReader(
        persistenceId,
        (from, to) => {
          this.#checkOpen();
          return this.#query<BlockRow>('reading the journal', text, [persistenceId, from, to]);
        },
        (bytes) => this.#codec.decodeValue(bytes),
        range,
        this.#pageSize,
      );
    });
  }

  async highestSeq(persistenceId: string): Promise<number> {
    return (await this.#head(persistenceId)).highestSeq;
  }

  async currentEpoch(persistenceId: string): Promise<number> {
    return (await this.#head(persistenceId)).epoch;
  }

  async fence(persistenceId: string, epoch: number): Promise<void> {
    checkPersistenceId(persistenceId);
    checkInteger('epoch', epoch, 0);
    this.#checkOpen();
    const rows = await this.#query<[number]>(
      'fencing',
      `INSERT INTO ${this.#s}.journal_heads AS h (persistence_id, highest_seq, epoch) VALUES ($1, 0, $2)
       ON CONFLICT (persistence_id) DO UPDATE SET epoch = greatest(h.epoch, excluded.epoch) RETURNING epoch`,
      [persistenceId, epoch],
    );
    const current = rows[0]![0];
    if (current > epoch) throw new FencedError(persistenceId, epoch, current);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#commits.drain();
    if (this.#ownsPool) await this.#pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError('PostgresJournal');
  }

  async #head(persistenceId: string): Promise<JournalHead> {
    checkPersistenceId(persistenceId);
    this.#checkOpen();
    return this.#readHead(persistenceId);
  }

  async #readHead(persistenceId: string): Promise<JournalHead> {
    const rows = await this.#query<[number, number]>(
      'reading the journal head',
      `SELECT highest_seq, epoch FROM ${this.#s}.journal_heads WHERE persistence_id = $1`,
      [persistenceId],
    );
    return rows.length === 0 ? { highestSeq: 0, epoch: 0 } : { highestSeq: rows[0]![0], epoch: rows[0]![1] };
  }

  async #query<R extends unknown[]>(operation: string, text: string, values: unknown[], name?: string): Promise<R[]> {
    try {
      const result = await this.#pool.query<R>({ text, values, rowMode: 'array', types: PG_TYPES, ...(name ? { name } : {}) });
      return result.rows;
    } catch (error) {
      throw new StorageError(operation, { cause: error });
    }
  }

  async #flush(batch: PendingAppend[]): Promise<void> {
    const timestamp = this.#clock.now();
    // One transaction per round (round k holds the k-th append of each id), settled as it commits.
    for (const round of splitIntoRounds(batch)) {
      const outcomes = await this.#commitRoundSafely(round, timestamp);
      round.forEach((append, i) => {
        const outcome = outcomes[i]!;
        if (outcome instanceof Error) append.reject(outcome);
        else append.resolve(outcome);
      });
    }
  }

  async #commitRoundSafely(round: readonly PendingAppend[], timestamp: number): Promise<Array<AppendResult | Error>> {
    try {
      return await this.#commitWithRetry(round, timestamp);
    } catch (error) {
      if (!isDataError(error)) {
        // Connection or server trouble: retrying append by append would only wait out the same failure
        // once per append. The outcome is unknown to every caller; they recover before writing again.
        return round.map((append) => new StorageError(`append to ${append.persistenceId}`, { cause: error }));
      }
      if (round.length === 1) return [await this.#explain(round[0]!, error)];
      // A data error (the unique key caught a write the heads did not): commit each append alone so
      // the failure lands only where it belongs.
      const outcomes: Array<AppendResult | Error> = [];
      for (const append of round) {
        outcomes.push(await this.#commitWithRetry([append], timestamp).then((o) => o[0]!, (e: unknown) => this.#explain(append, e)));
      }
      return outcomes;
    }
  }

  async #commitWithRetry(round: readonly PendingAppend[], timestamp: number): Promise<Array<AppendResult | Error>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#commitRound(round, timestamp);
      } catch (error) {
        if (attempt >= PG_APPEND_RETRIES || !RETRYABLE_CODES.has(pgCode(error) ?? '')) throw error;
      }
    }
  }

  /** Commits appends to distinct ids as one call of `journal_append_blocks`: one round trip, one transaction. */
  async #commitRound(round: readonly PendingAppend[], timestamp: number): Promise<Array<AppendResult | Error>> {
    const ids: string[] = [];
    const expected: number[] = [];
    const epochs: number[] = [];
    const counts: number[] = [];
    const writers: Array<string | null> = [];
    const blocks: Uint8Array[] = [];
    const owners: number[] = [];
    const sizes: number[] = [];
    const lens: number[] = [];
    round.forEach((append, i) => {
      ids.push(append.persistenceId);
      expected.push(append.expectedSeq);
      epochs.push(append.epoch);
      counts.push(append.size);
      writers.push(append.writerId);
      for (const block of append.blocks) {
        blocks.push(block.bytes);
        owners.push(i + 1);
        sizes.push(block.count);
        lens.push(block.bytes.byteLength);
      }
    });
    // One binary parameter for every block: pg sends a BYTEA[] as hex text, which doubled the bytes.
    const data = blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
    const result = await this.#pool.query<StatusRow>({
      name: `bifrost.journal_append_blocks.${this.#schema}`,
      text: `SELECT status, head_seq, head_epoch FROM ${this.#s}.journal_append_blocks($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      values: [ids, expected, epochs, counts, writers, timestamp, data, owners, sizes, lens],
      rowMode: 'array',
      types: PG_TYPES,
    });
    return round.map((append, i) => {
      const [status, headSeq, headEpoch] = result.rows[i]!;
      if (status === STATUS_WRITTEN) return { fromSeq: append.expectedSeq + 1, toSeq: headSeq };
      if (status === STATUS_FENCED) return new FencedError(append.persistenceId, append.epoch, headEpoch);
      if (status === STATUS_CONFLICT) return new ConcurrencyError(append.persistenceId, append.expectedSeq, headSeq);
      return new StorageError(`append to ${append.persistenceId}`, { cause: new Error(`unknown status ${status}`) });
    });
  }

  /** Turns an append's own failure into the error its caller should see. */
  async #explain(append: PendingAppend, error: unknown): Promise<Error> {
    if (pgCode(error) === UNIQUE_VIOLATION) {
      // journal_append_blocks checks the stored tip, so this should not happen; the rows are the truth.
      const rows = await this.#query<[number | null]>(
        'reading the highest stored seq',
        `SELECT max(last_seq) FROM ${this.#s}.journal_blocks WHERE persistence_id = $1`,
        [append.persistenceId],
      ).catch(() => undefined);
      return new ConcurrencyError(append.persistenceId, append.expectedSeq, rows?.[0]?.[0] ?? append.expectedSeq + 1);
    }
    return new StorageError(`append to ${append.persistenceId}`, { cause: error });
  }
}

/**
 * Splits a batch so that each id appears at most once per round, keeping every id's appends in order
 * (the set-based SQL checks each request against the head as it was before the call).
 */
function splitIntoRounds(batch: readonly PendingAppend[]): PendingAppend[][] {
  const rounds: PendingAppend[][] = [];
  const seen = new Map<string, number>();
  for (const append of batch) {
    const k = seen.get(append.persistenceId) ?? 0;
    seen.set(append.persistenceId, k + 1);
    (rounds[k] ??= []).push(append);
  }
  return rounds;
}

/** Integrity (23xxx) and data (22xxx) errors belong to the rows sent, not to the connection. */
function isDataError(error: unknown): boolean {
  const code = pgCode(error);
  return code !== undefined && (code.startsWith('23') || code.startsWith('22'));
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
