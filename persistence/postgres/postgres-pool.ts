import pg from 'pg';
import type { Pool } from 'pg';

/** Connections Bifrost opens to PostgreSQL unless configured otherwise. */
export const DEFAULT_PG_POOL_SIZE = 8;

/** How long to wait for a connection before failing. */
export const DEFAULT_PG_CONNECT_TIMEOUT_MS = 10_000;

/** Options for {@link createPool}. */
export interface PostgresPoolOptions {
  /** Default {@link DEFAULT_PG_POOL_SIZE}. */
  readonly poolSize?: number;
  /** Default {@link DEFAULT_PG_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
}

/**
 * A pg pool for `url`. An idle connection that dies (a server restart) makes the pool emit `error`,
 * which would crash the process if nobody listened; the pool drops that connection by itself, and the
 * next query opens a new one, so the listener only has to exist.
 */
export function createPool(url: string, options: PostgresPoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_PG_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS,
    application_name: 'bifrost',
  });
  pool.on('error', () => undefined);
  return pool;
}
