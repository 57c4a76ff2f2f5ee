// Error classes are imported for the {@link} references in the docs below.
import type { ConcurrencyError, FencedError, InvalidPersistenceArgumentError, StoreClosedError } from './errors.js';

/**
 * How many seqs {@link Journal.read} fetches per query (rounded out to the whole stored appends that
 * hold them), so replaying a long journal holds one page at a time.
 */
export const DEFAULT_READ_PAGE_SIZE = 10_000;

/** Most events one group commit writes; appends beyond it wait for the next commit. */
export const DEFAULT_MAX_BATCH_EVENTS = 10_000;

/** The checks an append must pass. */
export interface AppendOptions {
  /** The highest seq the writer believes is stored for this id (0 when none); a mismatch is a {@link ConcurrencyError}. */
  readonly expectedSeq: number;
  /**
   * The writer's ownership epoch (from placement). Lower than the id's stored epoch: {@link FencedError}.
   * Higher: the append raises the stored epoch, fencing every older writer.
   */
  readonly epoch: number;
  /** Who wrote the events (a node or actor instance id), kept with each entry for forensics. */
  readonly writerId?: string;
}

/** The seq numbers an append was given: `fromSeq..toSeq`, contiguous. */
export interface AppendResult {
  readonly fromSeq: number;
  readonly toSeq: number;
}

/** One stored event. */
export interface JournalEntry {
  readonly persistenceId: string;
  /** 1-based, gap-free position in this id's stream. */
  readonly seq: number;
  /** The epoch of the writer that appended it. */
  readonly epoch: number;
  readonly event: unknown;
  /** When it was appended, epoch milliseconds (the journal's clock). */
  readonly timestamp: number;
  readonly writerId?: string;
}

/**
 * An append-only event journal: one gap-free stream of events per persistence id, with optimistic
 * concurrency (`expectedSeq`) and epoch fencing so that, after a failover, the old owner of an actor
 * cannot write behind the new one's back.
 *
 * Appends issued in the same tick are committed together (group commit) but checked one by one:
 * one append's {@link ConcurrencyError} never fails another. A returned promise resolves only after
 * the events are committed.
 *
 * @example
 * const { toSeq } = await journal.append('portfolio-1', [deposited], { expectedSeq: 0, epoch: 1 });
 * for await (const entry of journal.read('portfolio-1')) state = apply(state, entry.event);
 */
export interface Journal {
  /**
   * Appends `events` (at least one) after `opts.expectedSeq`. Rejects with {@link ConcurrencyError},
   * {@link FencedError}, {@link InvalidPersistenceArgumentError}, `UnencodableValueError` (from the
   * codec) or {@link StoreClosedError}; a rejected append wrote nothing.
   */
  append(persistenceId: string, events: readonly unknown[], opts: AppendOptions): Promise<AppendResult>;

  /**
   * Optional: the same append, committed before it returns, for a journal that can commit without I/O
   * (the in-memory one). Throws what {@link Journal.append} rejects with; a throwing call wrote nothing.
   * A caller must not mix it with its own uncommitted `append` calls for the same id (order is theirs to keep).
   */
  appendNow?(persistenceId: string, events: readonly unknown[], opts: AppendOptions): AppendResult;

  /**
   * The entries `fromSeq..toSeq` (inclusive) in seq order, fetched a page at a time
   * ({@link DEFAULT_READ_PAGE_SIZE}), so recovering a million events never holds them all.
   */
  read(persistenceId: string, fromSeq?: number, toSeq?: number): AsyncIterable<JournalEntry>;

  /** The highest stored seq for the id, 0 when it has none. */
  highestSeq(persistenceId: string): Promise<number>;

  /** The highest epoch that has appended to or fenced the id, 0 when none has. */
  currentEpoch(persistenceId: string): Promise<number>;

  /**
   * Raises the id's epoch to `epoch` without writing events, so a new owner can shut out the old one
   * before it recovers (otherwise the zombie could keep appending until the new owner's first write).
   * Rejects with {@link FencedError} when the stored epoch is already higher.
   */
  fence(persistenceId: string, epoch: number): Promise<void>;

  /** Waits for pending appends to commit, then releases the connection. Later calls reject with {@link StoreClosedError}. */
  close(): Promise<void>;
}
