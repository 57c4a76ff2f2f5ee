import type Database from 'better-sqlite3';
import type { JournalHead } from '../append-request.js';

type StoredHeadRow = [highestSeq: number | null, epoch: number | null, lastBlockSeq: number | null];

/**
 * Prepares the read of an id's head (its epoch and highest seq as stored) that the journal's appends and the snapshot store's fencing both use:
 * the stored epoch, and as the highest seq the larger of the head row's and that of the block the row names
 * as its stream's last (`last_block_id`, written with every append in the append's transaction). The rows are
 * the truth: a head row whose seq fell behind its blocks can never let an append overlap them or a snapshot
 * run ahead of them. One lookup of the head and one of the block by rowid, however long the stream.
 */
export function prepareStoredHead(db: Database.Database): (persistenceId: string) => JournalHead {
  const select = db
    .prepare<[string], StoredHeadRow>(
      `SELECT h.highest_seq, h.epoch, b.last_seq
       FROM (SELECT 1) LEFT JOIN journal_heads h ON h.persistence_id = ? LEFT JOIN journal_blocks b ON b.id = h.last_block_id`,
    )
    .raw();
  return (persistenceId) => {
    const [highestSeq, epoch, lastBlockSeq] = select.get(persistenceId)!;
    return { highestSeq: Math.max(highestSeq ?? 0, lastBlockSeq ?? 0), epoch: epoch ?? 0 };
  };
}
