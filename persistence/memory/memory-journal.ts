import { Codec } from '../../runtime/codec/codec.js';
import { checkAgainstHead, checkInteger, checkPersistenceId, checkReadRange } from '../append-request.js';
import { FencedError, InvalidPersistenceArgumentError, StoreClosedError } from '../errors.js';
import type { AppendOptions, AppendResult, Journal, JournalEntry } from '../journal.js';

interface Stream {
  epoch: number;
  readonly payloads: Uint8Array[];
  readonly epochs: number[];
  readonly timestamps: number[];
  readonly writers: (string | undefined)[];
}

/**
 * A journal in process memory: the same expected-seq and epoch rules as the durable backends, events
 * stored as codec bytes (so they round-trip exactly as on disk), and no I/O, so an append settles in a
 * microtask. For backtests and tests; nothing survives the process.
 */
export class MemoryJournal implements Journal {
  readonly #streams = new Map<string, Stream>();
  readonly #codec: Codec;
  readonly #clock: { now(): number };
  #closed = false;

  constructor(options: { codec?: Codec; clock?: { now(): number } } = {}) {
    this.#codec = options.codec ?? new Codec();
    this.#clock = options.clock ?? Date;
  }

  #stream(id: string): Stream {
    let s = this.#streams.get(id);
    if (s === undefined) this.#streams.set(id, (s = { epoch: 0, payloads: [], epochs: [], timestamps: [], writers: [] }));
    return s;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError('MemoryJournal');
  }

  async append(persistenceId: string, events: readonly unknown[], opts: AppendOptions): Promise<AppendResult> {
    this.#open();
    checkPersistenceId(persistenceId);
    if (!Array.isArray(events) || events.length === 0) throw new InvalidPersistenceArgumentError('events', 'must be a non-empty array');
    checkInteger('expectedSeq', opts.expectedSeq, 0);
    checkInteger('epoch', opts.epoch, 0);
    const payloads = events.map((e) => this.#codec.encodeValue(e));
    const s = this.#stream(persistenceId);
    const error = checkAgainstHead(persistenceId, { highestSeq: s.payloads.length, epoch: s.epoch }, opts.expectedSeq, opts.epoch);
    if (error !== undefined) throw error;
    s.epoch = opts.epoch;
    const now = this.#clock.now();
    const fromSeq = s.payloads.length + 1;
    for (const p of payloads) {
      s.payloads.push(p);
      s.epochs.push(opts.epoch);
      s.timestamps.push(now);
      s.writers.push(opts.writerId);
    }
    return { fromSeq, toSeq: s.payloads.length };
  }

  async *read(persistenceId: string, fromSeq = 1, toSeq = Infinity): AsyncIterable<JournalEntry> {
    this.#open();
    checkPersistenceId(persistenceId);
    const range = checkReadRange(fromSeq, toSeq);
    const s = this.#streams.get(persistenceId);
    if (s === undefined) return;
    const end = Math.min(range.toSeq, s.payloads.length);
    for (let seq = range.fromSeq; seq <= end; seq++) {
      const i = seq - 1;
      const writerId = s.writers[i];
      yield { persistenceId, seq, epoch: s.epochs[i]!, event: this.#codec.decodeValue(s.payloads[i]!), timestamp: s.timestamps[i]!, ...(writerId === undefined ? {} : { writerId }) };
    }
  }

  async highestSeq(persistenceId: string): Promise<number> {
    this.#open();
    return this.#streams.get(persistenceId)?.payloads.length ?? 0;
  }

  async currentEpoch(persistenceId: string): Promise<number> {
    this.#open();
    return this.#streams.get(persistenceId)?.epoch ?? 0;
  }

  async fence(persistenceId: string, epoch: number): Promise<void> {
    this.#open();
    checkPersistenceId(persistenceId);
    checkInteger('epoch', epoch, 0);
    const s = this.#stream(persistenceId);
    if (epoch < s.epoch) throw new FencedError(persistenceId, epoch, s.epoch);
    s.epoch = epoch;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
