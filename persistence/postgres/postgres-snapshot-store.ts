import type { Pool } from 'pg';
import { Codec } from '../../runtime/codec/index.js';
import { checkInteger, checkPersistenceId } from '../append-request.js';
import { FencedError, PersistenceError, SnapshotAheadOfJournalError, StorageError, StoreClosedError } from '../errors.js';
import { decodeSnapshot, DEFAULT_MAX_SNAPSHOT_BYTES, DEFAULT_SNAPSHOTS_KEPT } from '../snapshot-store.js';
import type { Snapshot, SnapshotStore } from '../snapshot-store.js';
import { migratePostgres } from './postgres-migrations.js';
import { createPool } from './postgres-pool.js';
import type { PostgresPoolOptions } from './postgres-pool.js';
import { DEFAULT_PG_SCHEMA, PG_TYPES, quoteSchema } from './postgres-schema.js';

/** Options for {@link PostgresSnapshotStore}. */
export interface PostgresSnapshotStoreOptions {
  /** Default {@link DEFAULT_PG_SCHEMA}. */
  readonly schema?: string;
  /** Snapshots kept per id. Default {@link DEFAULT_SNAPSHOTS_KEPT}. */
  readonly keep?: number;
  /** Largest encoded state accepted. Default {@link DEFAULT_MAX_SNAPSHOT_BYTES}. */
  readonly maxSnapshotBytes?: number;
  readonly clock?: { now(): number };
}

/**
 * Snapshots in the cluster's PostgreSQL schema. A save shares the journal head's lock (FOR SHARE), so
 * the fencing check cannot race an append that raises the epoch.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #s: string;
  readonly #keep: number;
  readonly #codec: Codec;
  readonly #clock: { now(): number };
  #closed = false;

  /** Uses a pool whose schema `migratePostgres` has prepared; closing the store leaves the pool open. */
  constructor(pool: Pool, options: PostgresSnapshotStoreOptions = {}, ownsPool = false) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#s = quoteSchema(options.schema ?? DEFAULT_PG_SCHEMA);
    this.#keep = options.keep ?? DEFAULT_SNAPSHOTS_KEPT;
    checkInteger('keep', this.#keep, 1);
    this.#codec = new Codec({ maxPayloadBytes: options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES });
    this.#clock = options.clock ?? Date;
  }

  /** Connects to `url`, migrates the schema and returns a store that owns its pool. */
  static async open(url: string, options: PostgresSnapshotStoreOptions & PostgresPoolOptions = {}): Promise<PostgresSnapshotStore> {
    const pool = createPool(url, options);
    try {
      await migratePostgres(pool, options.schema ?? DEFAULT_PG_SCHEMA);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresSnapshotStore(pool, options, true);
  }

  async save(persistenceId: string, seq: number, state: unknown, epoch: number): Promise<void> {
    checkPersistenceId(persistenceId);
    checkInteger('seq', seq, 1);
    checkInteger('epoch', epoch, 0);
    this.#checkOpen();
    const payload = this.#codec.encodeValue(state);
    const timestamp = this.#clock.now();
    const s = this.#s;
    let client;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new StorageError('connecting to save a snapshot', { cause: error });
    }
    try {
      await client.query('BEGIN');
      const head = await client.query<[number, number]>({
        text: `SELECT highest_seq, epoch FROM ${s}.journal_heads WHERE persistence_id = $1 FOR SHARE`,
        values: [persistenceId],
        rowMode: 'array',
        types: PG_TYPES,
      });
      const [highestSeq, currentEpoch] = head.rows[0] ?? [0, 0];
      if (epoch < currentEpoch) throw new FencedError(persistenceId, epoch, currentEpoch);
      if (seq > highestSeq) throw new SnapshotAheadOfJournalError(persistenceId, seq, highestSeq);
      await client.query(
        `INSERT INTO ${s}.snapshots (persistence_id, seq, epoch, ts, payload) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (persistence_id, seq) DO UPDATE SET epoch = excluded.epoch, ts = excluded.ts, payload = excluded.payload`,
        [persistenceId, seq, epoch, timestamp, payload],
      );
      await client.query(
        `DELETE FROM ${s}.snapshots WHERE persistence_id = $1 AND seq <
           (SELECT seq FROM ${s}.snapshots WHERE persistence_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`,
        [persistenceId, this.#keep - 1],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof PersistenceError) throw error;
      throw new StorageError(`saving a snapshot of ${persistenceId}`, { cause: error });
    } finally {
      client.release();
    }
  }

  async latest(persistenceId: string): Promise<Snapshot | undefined> {
    checkPersistenceId(persistenceId);
    this.#checkOpen();
    let rows: Array<[number, number, number, Uint8Array]>;
    try {
      ({ rows } = await this.#pool.query<[number, number, number, Uint8Array]>({
        text: `SELECT seq, epoch, ts, payload FROM ${this.#s}.snapshots WHERE persistence_id = $1 ORDER BY seq DESC LIMIT 1`,
        values: [persistenceId],
        rowMode: 'array',
        types: PG_TYPES,
      }));
    } catch (error) {
      throw new StorageError(`reading the latest snapshot of ${persistenceId}`, { cause: error });
    }
    if (rows.length === 0) return undefined;
    const [seq, epoch, timestamp, payload] = rows[0]!;
    return decodeSnapshot(this.#codec, persistenceId, seq, epoch, timestamp, payload);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.#pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError('PostgresSnapshotStore');
  }
}
