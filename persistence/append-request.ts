import type { Codec } from '../runtime/codec/index.js';
import { ConcurrencyError, FencedError, InvalidPersistenceArgumentError } from './errors.js';
import type { AppendOptions, AppendResult } from './journal.js';
import type { Batchable } from './group-commit.js';
import { packBlocks } from './event-block.js';
import type { EncodedBlock } from './event-block.js';

/** Longest persistence id accepted; ids are keys, not documents. */
export const MAX_PERSISTENCE_ID_LENGTH = 512;

/** What a journal stores per persistence id besides the events: the tip of the stream and the fencing epoch. */
export interface JournalHead {
  readonly highestSeq: number;
  readonly epoch: number;
}

/** An append waiting for its group commit, events already encoded and packed into blocks; `size` counts events. */
export interface PendingAppend extends Batchable {
  readonly persistenceId: string;
  readonly blocks: readonly EncodedBlock[];
  readonly expectedSeq: number;
  readonly epoch: number;
  readonly writerId: string | null;
  readonly resolve: (result: AppendResult) => void;
}

/** Throws {@link InvalidPersistenceArgumentError} unless `id` is a usable persistence id. */
export function checkPersistenceId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_PERSISTENCE_ID_LENGTH) {
    throw new InvalidPersistenceArgumentError('persistenceId', `must be a string of 1..${MAX_PERSISTENCE_ID_LENGTH} characters`);
  }
}

/** Throws {@link InvalidPersistenceArgumentError} unless `value` is a safe integer >= `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidPersistenceArgumentError(name, `must be an integer >= ${min}, was ${String(value)}`);
  }
}

/** Validates a read range and clamps `toSeq = Infinity` to the largest storable seq. */
export function checkReadRange(fromSeq: number, toSeq: number): { fromSeq: number; toSeq: number } {
  checkInteger('fromSeq', fromSeq, 1);
  if (toSeq === Infinity) return { fromSeq, toSeq: Number.MAX_SAFE_INTEGER };
  checkInteger('toSeq', toSeq, 0);
  return { fromSeq, toSeq };
}

/**
 * Checks an append's arguments and encodes its events into blocks, so a bad argument or an
 * unencodable event rejects that append alone, before it joins a batch (and the commit's transaction
 * only writes bytes).
 */
export function prepareAppend(
  codec: Codec,
  persistenceId: string,
  events: readonly unknown[],
  opts: AppendOptions,
  settle: { resolve: (result: AppendResult) => void; reject: (error: unknown) => void },
): PendingAppend {
  checkPersistenceId(persistenceId);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidPersistenceArgumentError('events', 'must be a non-empty array');
  }
  if (typeof opts !== 'object' || opts === null) throw new InvalidPersistenceArgumentError('opts', 'must be { expectedSeq, epoch }');
  checkInteger('expectedSeq', opts.expectedSeq, 0);
  checkInteger('epoch', opts.epoch, 0);
  if (opts.writerId !== undefined && typeof opts.writerId !== 'string') {
    throw new InvalidPersistenceArgumentError('writerId', 'must be a string');
  }
  const blocks = packBlocks(events.map((event) => codec.encodeValue(event)));
  return {
    persistenceId,
    blocks,
    expectedSeq: opts.expectedSeq,
    epoch: opts.epoch,
    writerId: opts.writerId ?? null,
    size: events.length,
    resolve: settle.resolve,
    reject: settle.reject,
  };
}

/**
 * The fencing and concurrency rules, in one place for every backend: an older epoch is fenced off
 * (checked first, so a zombie learns it is a zombie rather than that it is behind), then `expectedSeq`
 * must equal the stored highest seq.
 */
export function checkAgainstHead(
  persistenceId: string,
  head: JournalHead,
  expectedSeq: number,
  epoch: number,
): ConcurrencyError | FencedError | undefined {
  if (epoch < head.epoch) return new FencedError(persistenceId, epoch, head.epoch);
  if (expectedSeq !== head.highestSeq) return new ConcurrencyError(persistenceId, expectedSeq, head.highestSeq);
  return undefined;
}
