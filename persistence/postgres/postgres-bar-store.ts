import type { Pool } from 'pg';
import type { Bar, Interval } from '../../actors/domain/bar.js';
import { prepareBarBatch } from '../bar-store.js';
import type { BarStore } from '../bar-store.js';
import { StorageError, StoreClosedError } from '../errors.js';
import { migratePostgres } from './postgres-migrations.js';
import { createPool } from './postgres-pool.js';
import type { PostgresPoolOptions } from './postgres-pool.js';
import { DEFAULT_PG_SCHEMA, PG_TYPES, quoteSchema } from './postgres-schema.js';

/** Bars per INSERT statement; every chunk of one upsert shares a transaction. */
export const PG_BAR_CHUNK_ROWS = 5_000;

type BarRow = [time: number, open: number, high: number, low: number, close: number, volume: number];

/** OHLCV bars in the cluster's PostgreSQL schema. */
export class PostgresBarStore implements BarStore {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #s: string;
  #closed = false;

  /** Uses a pool whose schema `migratePostgres` has prepared; closing the store leaves the pool open. */
  constructor(pool: Pool, options: { readonly schema?: string } = {}, ownsPool = false) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#s = quoteSchema(options.schema ?? DEFAULT_PG_SCHEMA);
  }

  /** Connects to `url`, migrates the schema and returns a store that owns its pool. */
  static async open(url: string, options: { readonly schema?: string } & PostgresPoolOptions = {}): Promise<PostgresBarStore> {
    const pool = createPool(url, options);
    try {
      await migratePostgres(pool, options.schema ?? DEFAULT_PG_SCHEMA);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresBarStore(pool, options, true);
  }

  async upsert(bars: readonly Bar[]): Promise<number> {
    this.#checkOpen();
    const batch = prepareBarBatch(bars);
    if (batch.length === 0) return 0;
    let client;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new StorageError('connecting to upsert bars', { cause: error });
    }
    try {
      await client.query('BEGIN');
      for (let start = 0; start < batch.length; start += PG_BAR_CHUNK_ROWS) {
        const chunk = batch.slice(start, start + PG_BAR_CHUNK_ROWS);
        // One array parameter per column: any number of rows in one statement, no 65,535-parameter limit.
        await client.query(
          `INSERT INTO ${this.#s}.bars (symbol, interval, time, open, high, low, close, volume)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
           ON CONFLICT (symbol, interval, time) DO UPDATE SET
             open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
          [
            chunk.map((b) => b.symbol),
            chunk.map((b) => b.interval),
            chunk.map((b) => b.time),
            chunk.map((b) => b.open),
            chunk.map((b) => b.high),
            chunk.map((b) => b.low),
            chunk.map((b) => b.close),
            chunk.map((b) => b.volume),
          ],
        );
      }
      await client.query('COMMIT');
      return batch.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new StorageError('upserting bars', { cause: error });
    } finally {
      client.release();
    }
  }

  async range(symbol: string, interval: Interval, fromTime: number, toTime: number): Promise<Bar[]> {
    const rows = await this.#query<BarRow>(
      'reading bars',
      `SELECT time, open, high, low, close, volume FROM ${this.#s}.bars
       WHERE symbol = $1 AND interval = $2 AND time >= $3 AND time < $4 ORDER BY time`,
      [symbol, interval, fromTime, toTime],
    );
    return rows.map((row) => toBar(symbol, interval, row));
  }

  async latest(symbol: string, interval: Interval): Promise<Bar | undefined> {
    const rows = await this.#query<BarRow>(
      'reading the latest bar',
      `SELECT time, open, high, low, close, volume FROM ${this.#s}.bars
       WHERE symbol = $1 AND interval = $2 ORDER BY time DESC LIMIT 1`,
      [symbol, interval],
    );
    return rows.length === 0 ? undefined : toBar(symbol, interval, rows[0]!);
  }

  async symbols(): Promise<string[]> {
    const rows = await this.#query<[string]>('listing symbols', `SELECT DISTINCT symbol FROM ${this.#s}.bars ORDER BY symbol`, []);
    return rows.map((r) => r[0]);
  }

  async count(symbol: string, interval: Interval): Promise<number> {
    const rows = await this.#query<[number]>(
      'counting bars',
      `SELECT count(*) FROM ${this.#s}.bars WHERE symbol = $1 AND interval = $2`,
      [symbol, interval],
    );
    return rows[0]![0];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.#pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError('PostgresBarStore');
  }

  async #query<R extends unknown[]>(operation: string, text: string, values: unknown[]): Promise<R[]> {
    this.#checkOpen();
    try {
      return (await this.#pool.query<R>({ text, values, rowMode: 'array', types: PG_TYPES })).rows;
    } catch (error) {
      throw new StorageError(operation, { cause: error });
    }
  }
}

function toBar(symbol: string, interval: Interval, [time, open, high, low, close, volume]: BarRow): Bar {
  return Object.freeze({ symbol, interval, time, open, high, low, close, volume });
}
