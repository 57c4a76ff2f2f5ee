import { BifrostError } from '../runtime/errors.js';

/** The root of every error the persistence layer throws. */
export class PersistenceError extends BifrostError {}

/**
 * An append's `expectedSeq` did not match the stored highest sequence number: another writer got
 * there first, or the caller's state is stale. Nothing of the append was written.
 */
export class ConcurrencyError extends PersistenceError {
  constructor(
    readonly persistenceId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super('JOURNAL_CONCURRENCY', `append to ${persistenceId} expected seq ${expected} but the journal is at ${actual}`);
  }
}

/**
 * A writer with an older epoch tried to write after a newer owner had appended or fenced: it is a
 * zombie (e.g. the node that owned the actor before a failover). Nothing was written.
 */
export class FencedError extends PersistenceError {
  constructor(
    readonly persistenceId: string,
    readonly epoch: number,
    readonly currentEpoch: number,
  ) {
    super('JOURNAL_FENCED', `writer with epoch ${epoch} is fenced off ${persistenceId} (current epoch ${currentEpoch})`);
  }
}

/** An argument to a persistence call is out of range (a negative seq, an empty batch, a bad id). */
export class InvalidPersistenceArgumentError extends PersistenceError {
  constructor(
    readonly argument: string,
    readonly reason: string,
  ) {
    super('PERSISTENCE_INVALID_ARGUMENT', `${argument} ${reason}`);
  }
}

/** A snapshot claims to cover events the journal does not hold. */
export class SnapshotAheadOfJournalError extends PersistenceError {
  constructor(
    readonly persistenceId: string,
    readonly seq: number,
    readonly highestSeq: number,
  ) {
    super('SNAPSHOT_AHEAD_OF_JOURNAL', `snapshot of ${persistenceId} at seq ${seq} is ahead of the journal (highest seq ${highestSeq})`);
  }
}

/** A stored event or snapshot could not be decoded. */
export class CorruptRecordError extends PersistenceError {
  constructor(
    readonly persistenceId: string,
    readonly seq: number,
    readonly what: 'event' | 'snapshot',
    options?: { cause?: unknown },
  ) {
    super('PERSISTENCE_CORRUPT_RECORD', `${what} ${persistenceId}#${seq} cannot be decoded`, options);
  }
}

/**
 * A stored block's length prefixes do not fit its bytes or its seq range. It reaches callers as the
 * `cause` of a {@link CorruptRecordError} naming the first event that could not be read.
 */
export class MalformedBlockError extends PersistenceError {
  constructor(readonly reason: string) {
    super('JOURNAL_MALFORMED_BLOCK', `malformed journal block: ${reason}`);
  }
}

/** The store was closed; no further calls are accepted. */
export class StoreClosedError extends PersistenceError {
  constructor(readonly store: string) {
    super('PERSISTENCE_CLOSED', `${store} is closed`);
  }
}

/** A schema migration failed, or the database was migrated by a newer Bifrost than this one. */
export class MigrationError extends PersistenceError {
  constructor(
    readonly version: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('PERSISTENCE_MIGRATION', `migration ${version}: ${reason}`, options);
  }
}

/** The database driver failed in a way that is not one of the typed outcomes above. */
export class StorageError extends PersistenceError {
  constructor(
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super('PERSISTENCE_STORAGE', `${operation} failed: ${reason}`, options);
  }
}
