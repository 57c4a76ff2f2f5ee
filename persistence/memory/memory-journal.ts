import { Codec } from '../../runtime/codec/codec.js';
import { checkAgainstHead, checkInteger, checkPersistenceId, checkReadRange } from '../append-request.js';
import { FencedError, InvalidPersistenceArgumentError, StoreClosedError } from '../errors.js';
import type { AppendOptions, AppendResult, Journal, JournalEntry } from '../journal.js';

interface Stream {
  epoch: number;
  /** Codec bytes, or the frozen events themselves when the journal keeps values. */
  readonly payloads: unknown[];
  readonly epochs: number[];
  readonly timestamps: number[];
  readonly writers: (string | undefined)[];
}

/** Options of a {@link MemoryJournal}. */
export interface MemoryJournalOptions {
  readonly codec?: Codec;
  readonly clock?: { now(): number };
  /**
   * `bytes` (the default): events are stored as codec bytes, so they round-trip exactly as on disk and an
   * event the codec cannot encode is refused as it would be there. `values`: events are deep-frozen and kept
   * as they are, with no encoding; for a run whose journal is thrown away (a backtest), where encoding
   * every event cost about a tenth of the run. Nothing can change a kept event afterwards: writing to it throws.
   * A value inside an event that is frozen already is taken as frozen through and not walked (Bifrost freezes
   * its records and messages whole), so a frozen shell around a mutable value is kept as it is.
   */
  readonly keep?: 'bytes' | 'values';
}

/**
 * A journal in process memory: the same expected-seq and epoch rules as the durable backends, events
 * stored as codec bytes (so they round-trip exactly as on disk) or, with `keep: 'values'`, as frozen
 * values, and no I/O, so an append settles in a microtask. For backtests and tests; nothing survives the
 * process.
 */
export class MemoryJournal implements Journal {
  readonly #streams = new Map<string, Stream>();
  readonly #codec: Codec;
  readonly #clock: { now(): number };
  readonly #values: boolean;
  #closed = false;

  constructor(options: MemoryJournalOptions = {}) {
    this.#codec = options.codec ?? new Codec();
    this.#clock = options.clock ?? Date;
    const keep = options.keep ?? 'bytes';
    if (keep !== 'bytes' && keep !== 'values') throw new InvalidPersistenceArgumentError('keep', `must be 'bytes' or 'values', was ${String(keep)}`);
    this.#values = keep === 'values';
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
    return this.appendNow(persistenceId, events, opts);
  }

  /** Commits at once: nothing here waits for I/O. */
  appendNow(persistenceId: string, events: readonly unknown[], opts: AppendOptions): AppendResult {
    this.#open();
    checkPersistenceId(persistenceId);
    if (!Array.isArray(events) || events.length === 0) throw new InvalidPersistenceArgumentError('events', 'must be a non-empty array');
    checkInteger('expectedSeq', opts.expectedSeq, 0);
    checkInteger('epoch', opts.epoch, 0);
    // Kept values are the events themselves, frozen in place (no array per append).
    if (this.#values) for (let i = 0; i < events.length; i++) freezeDeep(events[i]);
    const payloads = this.#values ? events : events.map((e) => this.#codec.encodeValue(e));
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
      yield { persistenceId, seq, epoch: s.epochs[i]!, event: this.#values ? s.payloads[i] : this.#codec.decodeValue(s.payloads[i] as Uint8Array), timestamp: s.timestamps[i]!, ...(writerId === undefined ? {} : { writerId }) };
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

/**
 * Freezes a plain value and what it holds (a journal event: shallow, acyclic). Not `deepFreeze`, which
 * freezes a cycle and goes on: a cyclic event cannot be encoded, so the durable journals refuse it, and so
 * does this one. A value that is frozen already is taken as frozen through: Bifrost freezes its records and
 * messages whole (`frozenRecord`, the protocol constructors), and walking into them again was three fifths
 * of the walk, and about a tenth of a backtest's run went to the walk.
 */
function freezeDeep<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (depth > MAX_EVENT_DEPTH) throw new InvalidPersistenceArgumentError('events', `nesting deeper than ${MAX_EVENT_DEPTH} levels (a cycle?)`);
  // Into objects only, and without a key array per object (Object.keys was most of a backtest's garbage
  // per order after the events themselves). Children first: a cycle comes back to an object not frozen
  // yet, so it still ends at the depth limit.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) freezeChild(value[i], depth);
  } else {
    for (const key in value) if (hasOwnProperty.call(value, key)) freezeChild((value as Record<string, unknown>)[key], depth);
  }
  return Object.freeze(value);
}

function freezeChild(item: unknown, depth: number): void {
  if (typeof item === 'object' && item !== null) freezeDeep(item, depth + 1);
}

const MAX_EVENT_DEPTH = 64;
/** Inside for...in, `hasOwnProperty.call` is answered from the enum cache; `Object.hasOwn` is not (slower). */
const hasOwnProperty = Object.prototype.hasOwnProperty;
