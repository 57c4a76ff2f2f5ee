import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL size past which the background checkpointer copies the WAL back into the database file. */
export const DEFAULT_WAL_CHECKPOINT_BYTES = 16 * 1_048_576;

/** How often the WAL's size is looked at (one `stat` of the `-wal` file). */
export const DEFAULT_WAL_CHECK_INTERVAL_MS = 250;

/**
 * Pages after which the writing connection still checkpoints by itself: a safety net for a checkpointer
 * that cannot keep up (the WAL would otherwise grow without bound). About 1 GiB of 4 KiB pages.
 */
export const WAL_SAFETY_AUTOCHECKPOINT_PAGES = 262_144;

export interface WalCheckpointerOptions {
  /** Default {@link DEFAULT_WAL_CHECKPOINT_BYTES}. */
  readonly thresholdBytes?: number;
  /** Default {@link DEFAULT_WAL_CHECK_INTERVAL_MS}. */
  readonly intervalMs?: number;
}

// The worker runs as CommonJS source (`eval`), so it needs no TypeScript loader; it opens its own connection.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message || error) });
  }
});
`;

/**
 * Copies a SQLite database's WAL back into its file from a worker thread, so that the writing thread
 * never stalls on a checkpoint (with SQLite's automatic checkpoint, the commit that crosses the limit
 * copies the whole WAL: tens of milliseconds for a 40 MB WAL, in the middle of an order's round trip).
 * A `PASSIVE` checkpoint runs beside the writer without blocking it; SQLite starts the WAL over at the
 * next commit after a checkpoint that copied everything. The worker starts the first time the WAL is
 * larger than the threshold, so a small database (a test's) never starts one. Durability is the WAL's,
 * untouched: a checkpoint only moves committed pages.
 */
export class WalCheckpointer {
  readonly #walPath: string;
  readonly #path: string;
  readonly #thresholdBytes: number;
  readonly #timer: NodeJS.Timeout;
  #worker: Worker | undefined;
  #running = false;
  #stopped = false;
  #exiting = false;
  /** Checkpoints finished, and the last error the worker reported (the writer's own safety net still holds). */
  checkpoints = 0;
  lastError: string | undefined;

  readonly #writer: { readonly open: boolean };

  /** `writer` is the writing connection: once it is closed (even with a plain `db.close()`), the checkpointer stops too. */
  constructor(writer: { readonly open: boolean; readonly name: string }, options: WalCheckpointerOptions = {}) {
    this.#writer = writer;
    const path = writer.name;
    this.#path = path;
    this.#walPath = `${path}-wal`;
    this.#thresholdBytes = options.thresholdBytes ?? DEFAULT_WAL_CHECKPOINT_BYTES;
    this.#timer = setInterval(() => this.#check(), options.intervalMs ?? DEFAULT_WAL_CHECK_INTERVAL_MS);
    this.#timer.unref();
  }

  #check(): void {
    if (!this.#writer.open) {
      void this.stop();
      return;
    }
    if (this.#running || this.#stopped) return;
    let size: number;
    try {
      size = statSync(this.#walPath).size;
    } catch {
      return; // no WAL yet
    }
    if (size < this.#thresholdBytes) return;
    this.#running = true;
    this.#start().postMessage('checkpoint');
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.#path, driver } });
    worker.unref();
    worker.on('message', (result: { ok: boolean; error?: string }) => {
      this.#running = false;
      if (result.ok) this.checkpoints++;
      else this.lastError = result.error;
    });
    worker.on('error', (error) => {
      this.lastError = String(error);
      this.#running = false;
      this.#worker = undefined;
    });
    this.#worker = worker;
    return worker;
  }

  /** True once stopped (by `stop()`, or by itself after its writer was closed) and its worker has exited. */
  get stopped(): boolean {
    return this.#stopped && this.#worker === undefined && !this.#exiting;
  }

  /** Stops looking at the WAL and closes the worker's connection; the caller then closes its own. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    this.#exiting = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // keep the process up until the worker has closed its connection
    worker.postMessage('stop');
    await exited;
    this.#exiting = false;
  }
}
