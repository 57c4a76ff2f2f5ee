import test from 'ava';
import { CorruptRecordError, PostgresJournal, SqliteJournal } from '../../persistence/index.js';
import type { Journal, JournalEntry } from '../../persistence/index.js';
import { packBlocks } from '../../persistence/event-block.js';
import { PagedReader } from '../../persistence/paged-reader.js';
import type { BlockRow } from '../../persistence/paged-reader.js';
import { postgresBackend, sqliteBackend } from './backends.js';

/** Appends of these sizes, stored one block each: 18 events, seqs 1..18. */
const APPEND_SIZES = [1, 4, 2, 7, 1, 3];
const TOTAL = APPEND_SIZES.reduce((a, b) => a + b, 0);

/** Blocks holding event n as the single byte n, and a fetch that follows the BlockFetch contract over them. */
function storedBlocks(): BlockRow[] {
  const blocks: BlockRow[] = [];
  let seq = 0;
  for (const size of APPEND_SIZES) {
    const payloads = Array.from({ length: size }, (_, i) => new Uint8Array([seq + i + 1]));
    const [block] = packBlocks(payloads);
    blocks.push([seq + 1, seq + size, 1, 0, null, block!.bytes]);
    seq += size;
  }
  return blocks;
}

function fakeFetch(blocks: BlockRow[], calls: Array<[number, number]>) {
  return (from: number, to: number): BlockRow[] => {
    calls.push([from, to]);
    const reaching = blocks.find((b) => b[1] >= to);
    const limit = reaching === undefined ? to : reaching[1];
    return blocks.filter((b) => b[1] >= from && b[1] <= limit);
  };
}

async function seqs(iterable: AsyncIterable<JournalEntry>): Promise<number[]> {
  const out: number[] = [];
  for await (const entry of iterable) {
    if (entry.event !== entry.seq) throw new Error(`seq ${entry.seq} carries event ${String(entry.event)}`);
    out.push(entry.seq);
  }
  return out;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

test('reads every range of a stream of blocks exactly, whatever the page size', async (t) => {
  const blocks = storedBlocks();
  for (const pageSize of [1, 2, 3, 5, 100]) {
    for (let from = 1; from <= TOTAL + 1; from++) {
      for (const to of [from - 1, from, from + 1, from + 4, TOTAL, TOTAL + 3, Number.MAX_SAFE_INTEGER]) {
        const reader = new PagedReader('p', fakeFetch(blocks, []), (b) => b[0], { fromSeq: from, toSeq: to }, pageSize);
        t.deepEqual(await seqs(reader), range(from, Math.min(to, TOTAL)), `page ${pageSize}, ${from}..${to}`);
      }
    }
  }
});

test('asks for one page of seqs at a time and stops without an extra query when the stream ends inside a page', async (t) => {
  const calls: Array<[number, number]> = [];
  const reader = new PagedReader('p', fakeFetch(storedBlocks(), calls), (b) => b[0], { fromSeq: 2, toSeq: Number.MAX_SAFE_INTEGER }, 5);
  t.deepEqual(await seqs(reader), range(2, TOTAL));
  // 2..6 returns blocks up to seq 7 (the block holding 6), 8..12 up to 14, 15..19 the rest, which ends before 19.
  t.deepEqual(calls, [
    [2, 6],
    [8, 12],
    [15, 19],
  ]);
});

test('hands out the entries before an undecodable event, then fails with its seq', async (t) => {
  const reader = new PagedReader(
    'p',
    fakeFetch(storedBlocks(), []),
    (b) => {
      if (b[0] === 9) throw new Error('bad bytes');
      return b[0];
    },
    { fromSeq: 6, toSeq: 20 },
    4,
  );
  const seen: number[] = [];
  const error = await t.throwsAsync(
    (async () => {
      for await (const entry of reader) seen.push(entry.seq);
    })(),
    { instanceOf: CorruptRecordError },
  );
  t.like(error, { persistenceId: 'p', seq: 9 });
  t.deepEqual(seen, [6, 7, 8]);
});

const sqlite = sqliteBackend();
const postgres = postgresBackend();
const journals: Array<[string, () => Promise<Journal>]> = [
  [
    'sqlite',
    async () => {
      const storage = await sqlite.createStorage();
      return SqliteJournal.open(storage.args[1]!, { readPageSize: 3 });
    },
  ],
  [
    'postgres',
    async () => {
      const storage = await postgres.createStorage();
      return PostgresJournal.open(storage.args[1]!, { schema: storage.args[2]!, readPageSize: 3, poolSize: 1 });
    },
  ],
];

for (const [name, open] of journals) {
  test(`${name}: reads ranges starting and ending inside stored appends with pages smaller than an append`, async (t) => {
    const journal = await open();
    try {
      let seq = 0;
      for (const size of APPEND_SIZES) {
        await journal.append('blocks', range(seq + 1, seq + size), { expectedSeq: seq, epoch: 1 });
        seq += size;
      }
      for (let from = 1; from <= TOTAL + 1; from++) {
        for (const to of [from - 1, from, from + 3, TOTAL, Infinity]) {
          t.deepEqual(await seqs(journal.read('blocks', from, to)), range(from, Math.min(to, TOTAL)), `${from}..${to}`);
        }
      }
    } finally {
      await journal.close();
    }
  });
}

test.after.always('remove the test databases and schemas', async () => {
  await Promise.all([sqlite.cleanup(), postgres.cleanup()]);
});
