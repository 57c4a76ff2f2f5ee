import type Database from 'better-sqlite3';
import type { Bar, Interval } from '../../actors/domain/bar.js';
import { prepareBarBatch } from '../bar-store.js';
import type { BarStore } from '../bar-store.js';
import { StoreClosedError } from '../errors.js';
import { closeSqliteDatabase, openSqliteDatabase, sqliteCall } from './sqlite-database.js';
import type { SqliteOpenOptions } from './sqlite-database.js';

type BarRow = [time: number, open: number, high: number, low: number, close: number, volume: number];

/** OHLCV bars in the Bifrost SQLite file. */
export class SqliteBarStore implements BarStore {
  readonly #db: Database.Database;
  readonly #ownsDb: boolean;
  readonly #upsert: Database.Statement<[string, string, number, number, number, number, number, number]>;
  readonly #range: Database.Statement<[string, string, number, number], BarRow>;
  readonly #latest: Database.Statement<[string, string], BarRow>;
  readonly #symbols: Database.Statement<[], string>;
  readonly #count: Database.Statement<[string, string], number>;
  #closed = false;

  /** Wraps a database opened with `openSqliteDatabase`; closing the store leaves it open. */
  constructor(db: Database.Database, ownsDb = false) {
    this.#db = db;
    this.#ownsDb = ownsDb;
    this.#upsert = db.prepare(
      `INSERT INTO bars (symbol, interval, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol, interval, time) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
    );
    const columns = 'time, open, high, low, close, volume';
    this.#range = db
      .prepare<[string, string, number, number], BarRow>(
        `SELECT ${columns} FROM bars WHERE symbol = ? AND interval = ? AND time >= ? AND time < ? ORDER BY time`,
      )
      .raw();
    this.#latest = db
      .prepare<[string, string], BarRow>(`SELECT ${columns} FROM bars WHERE symbol = ? AND interval = ? ORDER BY time DESC LIMIT 1`)
      .raw();
    this.#symbols = db.prepare<[], string>('SELECT DISTINCT symbol FROM bars ORDER BY symbol').pluck();
    this.#count = db.prepare<[string, string], number>('SELECT count(*) FROM bars WHERE symbol = ? AND interval = ?').pluck();
  }

  /** Opens (creating and migrating) the file at `path`; closing the store closes it. */
  static open(path: string, options: SqliteOpenOptions = {}): SqliteBarStore {
    return new SqliteBarStore(openSqliteDatabase(path, options), true);
  }

  async upsert(bars: readonly Bar[]): Promise<number> {
    this.#checkOpen();
    const batch = prepareBarBatch(bars);
    const write = this.#db.transaction(() => {
      for (const b of batch) this.#upsert.run(b.symbol, b.interval, b.time, b.open, b.high, b.low, b.close, b.volume);
    });
    sqliteCall('upserting bars', () => write());
    return batch.length;
  }

  async range(symbol: string, interval: Interval, fromTime: number, toTime: number): Promise<Bar[]> {
    this.#checkOpen();
    return sqliteCall('reading bars', () => this.#range.all(symbol, interval, fromTime, toTime)).map((row) => toBar(symbol, interval, row));
  }

  async latest(symbol: string, interval: Interval): Promise<Bar | undefined> {
    this.#checkOpen();
    const row = sqliteCall('reading the latest bar', () => this.#latest.get(symbol, interval));
    return row === undefined ? undefined : toBar(symbol, interval, row);
  }

  async symbols(): Promise<string[]> {
    this.#checkOpen();
    return sqliteCall('listing symbols', () => this.#symbols.all());
  }

  async count(symbol: string, interval: Interval): Promise<number> {
    this.#checkOpen();
    return sqliteCall('counting bars', () => this.#count.get(symbol, interval)!);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDb) await closeSqliteDatabase(this.#db);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError('SqliteBarStore');
  }
}

function toBar(symbol: string, interval: Interval, [time, open, high, low, close, volume]: BarRow): Bar {
  return Object.freeze({ symbol, interval, time, open, high, low, close, volume });
}
