import { MalformedBlockError } from './errors.js';

/**
 * The journal's storage unit on both durable backends: the events of one append, stored together in
 * one row (a block), so a 100-event append writes one row and a replay fetches one row per block.
 *
 * Layout of a block of n events: the first n - 1 events' encoded bytes, each preceded by its length
 * as an unsigned LEB128 varint, then the last event's bytes with no prefix (they run to the end). A
 * one-event block is exactly the event's own encoding, which is what the old one-row-per-event layout
 * stored, so migrating an old row is a plain column copy. The row's `first_seq..last_seq` says n.
 */

/** Most events one block holds; a larger append is written as several blocks in the same transaction. */
export const MAX_BLOCK_EVENTS = 1_000;

/**
 * Bytes after which a block is closed, so a large append never makes one huge row; an event larger
 * than this on its own (the codec allows up to 1 MiB) gets a block of its own.
 */
export const MAX_BLOCK_BYTES = 1_048_576;

/** Encoded events ready to be stored as one row, `count` events long. */
export interface EncodedBlock {
  readonly count: number;
  readonly bytes: Uint8Array;
}

/** Splits encoded events into blocks of at most `maxEvents` events and, past the first event, `maxBytes` bytes. */
export function packBlocks(
  payloads: readonly Uint8Array[],
  maxEvents = MAX_BLOCK_EVENTS,
  maxBytes = MAX_BLOCK_BYTES,
): EncodedBlock[] {
  const blocks: EncodedBlock[] = [];
  let start = 0;
  while (start < payloads.length) {
    let end = start;
    let bytes = 0;
    while (end < payloads.length && end - start < maxEvents) {
      const size = payloads[end]!.byteLength + varintSize(payloads[end]!.byteLength);
      if (end > start && bytes + size > maxBytes) break;
      bytes += size;
      end++;
    }
    blocks.push(encodeBlock(payloads, start, end));
    start = end;
  }
  return blocks;
}

function encodeBlock(payloads: readonly Uint8Array[], start: number, end: number): EncodedBlock {
  if (end - start === 1) return { count: 1, bytes: payloads[start]! };
  let size = 0;
  for (let i = start; i < end; i++) {
    const n = payloads[i]!.byteLength;
    size += i < end - 1 ? n + varintSize(n) : n;
  }
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (let i = start; i < end; i++) {
    const payload = payloads[i]!;
    if (i < end - 1) {
      for (let n = payload.byteLength; ; n >>>= 7) {
        if (n < 0x80) {
          out[offset++] = n;
          break;
        }
        out[offset++] = (n & 0x7f) | 0x80;
      }
    }
    out.set(payload, offset);
    offset += payload.byteLength;
  }
  return { count: end - start, bytes: out };
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n >>>= 7;
    size++;
  }
  return size;
}

/**
 * Walks the events of one stored block in order. `next()` returns the next event's bytes (a view into
 * the block, not a copy) and `skip()` steps over one without slicing; both throw
 * {@link MalformedBlockError} when the lengths do not fit the bytes.
 */
export class BlockCursor {
  #bytes: Uint8Array = new Uint8Array(0);
  #offset = 0;
  #left = 0;

  /** Points the cursor at a block of `count` events. */
  reset(bytes: Uint8Array, count: number): void {
    if (!Number.isSafeInteger(count) || count < 1) throw new MalformedBlockError(`its seq range holds ${count} events`);
    this.#bytes = bytes;
    this.#offset = 0;
    this.#left = count;
  }

  /** Drops the block: no events left. */
  clear(): void {
    this.#bytes = new Uint8Array(0);
    this.#offset = 0;
    this.#left = 0;
  }

  /** Events not yet returned or skipped. */
  get left(): number {
    return this.#left;
  }

  next(): Uint8Array {
    const end = this.#end();
    const view = this.#bytes.subarray(this.#offset, end);
    this.#offset = end;
    return view;
  }

  skip(): void {
    this.#offset = this.#end();
  }

  /** Consumes the next event's length prefix (none for the last) and returns where its bytes end. */
  #end(): number {
    if (this.#left <= 0) throw new MalformedBlockError('read past the last event of the block');
    const bytes = this.#bytes;
    if (--this.#left === 0) return bytes.byteLength;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.#offset >= bytes.byteLength || shift > 28) throw new MalformedBlockError('truncated length prefix');
      const b = bytes[this.#offset++]!;
      length += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    const end = this.#offset + length;
    if (end > bytes.byteLength) throw new MalformedBlockError(`event of ${length} bytes overruns the block`);
    return end;
  }
}
