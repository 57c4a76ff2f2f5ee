import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
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

/** The wal-index header (two copies of 48 bytes) and the checkpoint info after them (40 bytes). */
const WAL_INDEX_HEADER_BYTES = 136;
/** `iVersion` of the wal-index header, its first field. */
const WAL_INDEX_VERSION = 3_007_000;
/** The wal-index is in the machine's own byte order. */
const LITTLE_ENDIAN = endianness() === 'LE';
const u32 = (b: Buffer, at: number): number => (LITTLE_ENDIAN ? b.readUInt32LE(at) : b.readUInt32BE(at));

/** The writing connection, as the checkpointer uses it (a better-sqlite3 `Database`). */
export interface WalWriter {
  readonly open: boolean;
  readonly name: string;
  pragma(source: string): unknown;
}

/** What the worker reports after a checkpoint: whether its last round caught up with the writer, or its error. */
type CheckpointResult = { readonly ok: true; readonly caughtUp: boolean } | { readonly ok: false; readonly error: string };

export interface WalCheckpointerOptions {
  /** Default {@link DEFAULT_WAL_CHECKPOINT_BYTES}. */
  readonly thresholdBytes?: number;
  /** Default {@link DEFAULT_WAL_CHECK_INTERVAL_MS}. */
  readonly intervalMs?: number;
}

/**
 * Frames a checkpoint round may copy and still count as caught up with the writer: the writing connection
 * then copies what is left itself (about a millisecond at most), so the WAL starts over at its next commit.
 */
export const WAL_CATCH_UP_FRAMES = 128;

/** Rounds the worker runs to catch up with a busy writer before it gives up until the next check. */
export const WAL_CHASE_ROUNDS = 8;

// The worker runs as CommonJS source (`eval`), so it needs no TypeScript loader; it opens its own connection.
// Each round copies what was committed while the previous one ran, so the rounds get shorter; it stops
// once a round copied at most `catchUp` frames (the writer finishes the job) or after `rounds` rounds.
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
    let [row] = db.pragma('wal_checkpoint(PASSIVE)');
    let copied = row.checkpointed;
    let rounds = 1;
    while (row.busy === 0 && copied > workerData.catchUp && rounds < workerData.rounds) {
      const before = row.checkpointed;
      [row] = db.pragma('wal_checkpoint(PASSIVE)');
      // A smaller log than before: the writer started the WAL over, and all of it is new.
      copied = row.log >= before ? row.checkpointed - before : row.checkpointed;
      rounds++;
    }
    parentPort.postMessage({ ok: true, caughtUp: row.busy === 0 && copied <= workerData.catchUp });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message || error) });
  }
});
`;

/**
 * Copies a SQLite database's WAL back into its file from a worker thread, so that the writing thread
 * never stalls on a checkpoint (with SQLite's automatic checkpoint, the commit that crosses the limit
 * copies the whole WAL: tens of milliseconds for a 40 MB WAL, in the middle of an order's round trip).
 * A `PASSIVE` checkpoint runs beside the writer without blocking it. SQLite starts the WAL over (writing
 * from its start again, over pages the file already has) only at a commit that finds everything copied, and
 * a writer that commits every few hundred microseconds always adds frames while a checkpoint runs: the WAL
 * used to grow without end under steady load (384 MB after 15,000 orders), and each commit then extended
 * the file, which measured 25-35% slower than writing over it. So the worker runs rounds, each copying what
 * was committed during the last, until a round copies at most {@link WAL_CATCH_UP_FRAMES} frames; then the
 * writing connection copies the rest itself, between two of its own commits, and its next commit starts the
 * WAL over. The worker starts the first time the WAL is larger than the threshold, so a small database (a
 * test's) never starts one. Durability is the WAL's, untouched: a checkpoint only moves committed pages.
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
  readonly #shmPath: string;
  readonly #header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  /** Checkpoints finished, and the last error the worker reported (the writer's own safety net still holds). */
  checkpoints = 0;
  /** Checkpoints the writing connection finished itself after the worker had caught up with it. */
  catchUps = 0;
  lastError: string | undefined;

  readonly #writer: WalWriter;

  /** `writer` is the writing connection: once it is closed (even with a plain `db.close()`), the checkpointer stops too. */
  constructor(writer: WalWriter, options: WalCheckpointerOptions = {}) {
    this.#writer = writer;
    const path = writer.name;
    this.#path = path;
    this.#walPath = `${path}-wal`;
    this.#shmPath = `${path}-shm`;
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
    if (this.#uncopiedBytes() < this.#thresholdBytes) return;
    this.#running = true;
    this.#start().postMessage('checkpoint');
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.#path, driver, catchUp: WAL_CATCH_UP_FRAMES, rounds: WAL_CHASE_ROUNDS } });
    worker.unref();
    worker.on('message', (result: CheckpointResult) => {
      this.#running = false;
      if (!result.ok) {
        this.lastError = result.error;
        return;
      }
      this.checkpoints++;
      if (result.caughtUp) this.#catchUp();
    });
    worker.on('error', (error) => {
      this.lastError = String(error);
      this.#running = false;
      this.#worker = undefined;
    });
    this.#worker = worker;
    return worker;
  }

  /**
   * Bytes in the WAL not yet copied into the database, read from the wal-index header at the start of the
   * `-shm` file (SQLite's documented WAL-index format, unchanged since 3.7.0): its frame count and the
   * count already copied, times the page size. The WAL file itself keeps its size when SQLite starts it
   * over, so its size says nothing once past the threshold. Falls back to the file's size when the header
   * cannot be read or is of another version.
   */
  #uncopiedBytes(): number {
    let fd: number | undefined;
    try {
      fd = openSync(this.#shmPath, 'r');
      const header = this.#header;
      if (readSync(fd, header, 0, header.length, 0) === header.length && u32(header, 0) === WAL_INDEX_VERSION) {
        const pageSize = LITTLE_ENDIAN ? header.readUInt16LE(14) : header.readUInt16BE(14);
        const frames = u32(header, 16) - u32(header, 96);
        return Math.max(0, frames) * (pageSize === 1 ? 65_536 : pageSize);
      }
    } catch {
      // no shared-memory file (yet): fall through to the WAL's size
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    try {
      return statSync(this.#walPath).size;
    } catch {
      return 0; // no WAL yet
    }
  }

  /**
   * Copies the frames committed since the worker's last round, on the writing connection, between two of its
   * commits: nothing can be committed meanwhile, so the checkpoint copies everything and the next commit
   * starts the WAL over. A reader still on old frames (another process) leaves it unfinished, harmlessly.
   */
  #catchUp(): void {
    if (this.#stopped || !this.#writer.open) return;
    try {
      this.#writer.pragma('wal_checkpoint(PASSIVE)');
      this.catchUps++;
    } catch (error) {
      this.lastError = String((error as Error)?.message ?? error);
    }
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
