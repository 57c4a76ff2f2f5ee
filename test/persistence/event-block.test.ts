import test from 'ava';
import { MalformedBlockError } from '../../persistence/index.js';
import { BlockCursor, MAX_BLOCK_BYTES, MAX_BLOCK_EVENTS, packBlocks } from '../../persistence/event-block.js';

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

/** Every event of every block, read back through a cursor. */
function unpack(blocks: ReturnType<typeof packBlocks>): number[][] {
  const cursor = new BlockCursor();
  const out: number[][] = [];
  for (const block of blocks) {
    cursor.reset(block.bytes, block.count);
    while (cursor.left > 0) out.push([...cursor.next()]);
  }
  return out;
}

const roundTrips: ReadonlyArray<[string, number[]]> = [
  ['one event', [5]],
  ['two one-byte events', [1, 1]],
  ['lengths around the one-byte varint limit', [127, 128, 129, 3]],
  ['lengths that need two- and three-byte varints', [16_383, 16_384, 70_000, 1]],
  ['a hundred events of a fill event size', Array.from({ length: 100 }, (_, i) => 90 + (i % 10))],
];
for (const [name, lengths] of roundTrips) {
  test(`packs and walks back ${name}`, (t) => {
    const payloads = lengths.map((length, i) => bytes(length, i % 251));
    const blocks = packBlocks(payloads);
    t.is(blocks.length, 1);
    t.is(blocks[0]!.count, payloads.length);
    t.deepEqual(unpack(blocks), payloads.map((p) => [...p]));
  });
}

test('stores a one-event block as the event bytes themselves, which the migration of per-event rows relies on', (t) => {
  const payload = bytes(300, 7);
  const [block] = packBlocks([payload]);
  t.is(block!.count, 1);
  t.deepEqual([...block!.bytes], [...payload]);
});

test('splits an append into blocks of at most MAX_BLOCK_EVENTS events, keeping the order', (t) => {
  const payloads = Array.from({ length: 2 * MAX_BLOCK_EVENTS + 1 }, (_, i) => bytes(1 + (i % 3), i % 256));
  const blocks = packBlocks(payloads);
  t.deepEqual(blocks.map((b) => b.count), [MAX_BLOCK_EVENTS, MAX_BLOCK_EVENTS, 1]);
  t.deepEqual(unpack(blocks), payloads.map((p) => [...p]));
});

test('closes a block before it would pass MAX_BLOCK_BYTES, and gives a larger event a block of its own', (t) => {
  const third = Math.floor(MAX_BLOCK_BYTES / 3);
  const payloads = [bytes(third, 1), bytes(third, 2), bytes(third, 3), bytes(MAX_BLOCK_BYTES + 10, 4), bytes(10, 5)];
  const blocks = packBlocks(payloads);
  t.deepEqual(blocks.map((b) => b.count), [2, 1, 1, 1]);
  t.true(blocks.every((b) => b.count === 1 || b.bytes.byteLength <= MAX_BLOCK_BYTES));
  t.deepEqual(unpack(blocks), payloads.map((p) => [...p]));
});

test('skip steps over events without returning them', (t) => {
  const payloads = [bytes(200, 1), bytes(3, 2), bytes(4, 3)];
  const [block] = packBlocks(payloads);
  const cursor = new BlockCursor();
  cursor.reset(block!.bytes, block!.count);
  cursor.skip();
  cursor.skip();
  t.deepEqual([...cursor.next()], [3, 3, 3, 3]);
  t.is(cursor.left, 0);
});

const malformed: ReadonlyArray<[string, number[], number, RegExp]> = [
  ['a length prefix cut off', [0x80], 2, /truncated length prefix/],
  ['a length past the end', [0x05, 1, 2], 2, /overruns the block/],
  ['a prefix longer than five bytes', [0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0], 2, /truncated length prefix/],
];
for (const [name, block, count, reason] of malformed) {
  test(`rejects a block with ${name}`, (t) => {
    const cursor = new BlockCursor();
    cursor.reset(new Uint8Array(block), count);
    const error = t.throws(() => cursor.next(), { instanceOf: MalformedBlockError });
    t.regex(error?.message ?? '', reason);
  });
}

test('rejects a seq range that holds no events, and reading past the last event', (t) => {
  const cursor = new BlockCursor();
  t.throws(() => cursor.reset(new Uint8Array([1]), 0), { instanceOf: MalformedBlockError });
  cursor.reset(new Uint8Array([1]), 1);
  cursor.next();
  t.throws(() => cursor.next(), { instanceOf: MalformedBlockError, message: /past the last event/ });
});
