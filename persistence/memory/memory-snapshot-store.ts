import { Codec } from '../../runtime/codec/codec.js';
import { checkInteger, checkPersistenceId } from '../append-request.js';
import { FencedError, SnapshotAheadOfJournalError, StoreClosedError } from '../errors.js';
import type { Journal } from '../journal.js';
import { DEFAULT_SNAPSHOTS_KEPT } from '../snapshot-store.js';
import type { Snapshot, SnapshotStore } from '../snapshot-store.js';

interface Stored {
  readonly seq: number;
  readonly payload: Uint8Array;
  readonly timestamp: number;
  readonly epoch: number;
}

/** Snapshots in process memory, with the same epoch and seq checks as the durable stores. */
export class MemorySnapshotStore implements SnapshotStore {
  readonly #byId = new Map<string, Stored[]>();
  readonly #codec: Codec;
  readonly #clock: { now(): number };
  #closed = false;

  constructor(
    private readonly journal: Journal,
    options: { codec?: Codec; clock?: { now(): number }; kept?: number } = {},
  ) {
    this.#codec = options.codec ?? new Codec();
    this.#clock = options.clock ?? Date;
    this.kept = options.kept ?? DEFAULT_SNAPSHOTS_KEPT;
  }

  readonly kept: number;

  async save(persistenceId: string, seq: number, state: unknown, epoch: number): Promise<void> {
    if (this.#closed) throw new StoreClosedError('MemorySnapshotStore');
    checkPersistenceId(persistenceId);
    checkInteger('seq', seq, 1);
    checkInteger('epoch', epoch, 0);
    const payload = this.#codec.encodeValue(state); // now, before any await: the snapshot is of this state
    const [current, highest] = await Promise.all([this.journal.currentEpoch(persistenceId), this.journal.highestSeq(persistenceId)]);
    if (epoch < current) throw new FencedError(persistenceId, epoch, current);
    if (seq > highest) throw new SnapshotAheadOfJournalError(persistenceId, seq, highest);
    const list = (this.#byId.get(persistenceId) ?? []).filter((s) => s.seq !== seq);
    list.push({ seq, payload, timestamp: this.#clock.now(), epoch });
    list.sort((a, b) => a.seq - b.seq);
    this.#byId.set(persistenceId, list.slice(-this.kept));
  }

  async latest(persistenceId: string): Promise<Snapshot | undefined> {
    if (this.#closed) throw new StoreClosedError('MemorySnapshotStore');
    const list = this.#byId.get(persistenceId);
    const s = list?.[list.length - 1];
    return s === undefined ? undefined : { seq: s.seq, state: this.#codec.decodeValue(s.payload), timestamp: s.timestamp, epoch: s.epoch };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
