import type Database from 'better-sqlite3';
import type { JournalHead } from '../append-request.js';

/** A journal head as stored: the head row's epoch and seq, reconciled with the last stored block. */
export interface StoredHead {
  readonly head: JournalHead;
  /** Whether the id has a `journal_heads` row (appends create it when missing). */
  readonly hasRow: boolean;
}

type StoredHeadRow = [highestSeq: number | null, epoch: number | null, lastStoredSeq: number | null];

/**
 * Prepares the read of an id's head that the journal's appends and the snapshot store's fencing both use:
 * the stored epoch, and as the highest seq the larger of the head row's and the last stored block's. Appends
 * write the row only when it is created or its epoch rises, so the row trails its blocks; taking the larger
 * means a trailing row can never let an append overlap stored blocks or a snapshot run ahead of them.
 */
export function prepareStoredHead(db: Database.Database): (persistenceId: string) => StoredHead {
  const select = db
    .prepare<[string, string], StoredHeadRow>(
      `SELECT h.highest_seq, h.epoch, (SELECT max(last_seq) FROM journal_blocks WHERE persistence_id = ?)
       FROM (SELECT 1) LEFT JOIN journal_heads h ON h.persistence_id = ?`,
    )
    .raw();
  return (persistenceId) => {
    const [highestSeq, epoch, lastStoredSeq] = select.get(persistenceId, persistenceId)!;
    return { head: { highestSeq: Math.max(highestSeq ?? 0, lastStoredSeq ?? 0), epoch: epoch ?? 0 }, hasRow: epoch !== null };
  };
}
