import type { Codec } from '../runtime/codec/codec.js';
import { CorruptRecordError } from './errors.js';
// Error classes are imported for the {@link} references in the docs below.
import type { FencedError, SnapshotAheadOfJournalError } from './errors.js';

/** How many snapshots per persistence id a store keeps unless configured otherwise. */
export const DEFAULT_SNAPSHOTS_KEPT = 2;

/** Largest encoded snapshot accepted (64 MiB): state can be much larger than a single message. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 64 * 1_048_576;

/** A stored snapshot: the actor's state after applying events `1..seq`. */
export interface Snapshot {
  readonly seq: number;
  readonly state: unknown;
  /** When it was saved, epoch milliseconds. */
  readonly timestamp: number;
  /** The epoch of the writer that saved it. */
  readonly epoch: number;
}

/**
 * Snapshots of persistent actors' state, so recovery replays only the events after the latest one.
 * Keeps the newest N per id (default {@link DEFAULT_SNAPSHOTS_KEPT}); older ones are deleted on save.
 *
 * @example
 * await snapshots.save('portfolio-1', 5_000, state, epoch);
 * const snap = await snapshots.latest('portfolio-1');
 * for await (const e of journal.read('portfolio-1', (snap?.seq ?? 0) + 1)) state = apply(state, e.event);
 */
export interface SnapshotStore {
  /**
   * Saves `state` as of `seq` (replacing a snapshot at the same seq). Rejects with {@link FencedError}
   * when `epoch` is older than the journal's epoch for the id, and with {@link SnapshotAheadOfJournalError}
   * when the journal holds fewer than `seq` events: a snapshot must describe events that exist.
   */
  save(persistenceId: string, seq: number, state: unknown, epoch: number): Promise<void>;

  /** The newest snapshot for the id, if any. */
  latest(persistenceId: string): Promise<Snapshot | undefined>;

  /** Releases the connection when the store owns it. */
  close(): Promise<void>;
}

/** A stored snapshot row decoded with `codec`; undecodable bytes are a {@link CorruptRecordError} naming it. */
export function decodeSnapshot(codec: Codec, persistenceId: string, seq: number, epoch: number, timestamp: number, payload: Uint8Array): Snapshot {
  let state: unknown;
  try {
    state = codec.decodeValue(payload);
  } catch (error) {
    throw new CorruptRecordError(persistenceId, seq, 'snapshot', { cause: error });
  }
  return { seq, state, timestamp, epoch };
}
