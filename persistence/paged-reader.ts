import { CorruptRecordError } from './errors.js';
import { BlockCursor } from './event-block.js';
import type { JournalEntry } from './journal.js';

/** One stored block as both durable backends select it: the columns of a `journal_blocks` row. */
export type BlockRow = [firstSeq: number, lastSeq: number, epoch: number, timestamp: number, writerId: string | null, events: Uint8Array];

/**
 * Fetches the blocks holding events `fromSeq..toSeq`, in seq order: every block whose last seq is
 * at least `fromSeq`, up to and including the first block whose last seq reaches `toSeq` (all the rest
 * when none does).
 */
export type BlockFetch = (fromSeq: number, toSeq: number) => Promise<BlockRow[]> | BlockRow[];

/**
 * An async iterable over a journal stream, a page of blocks at a time: a page covers `pageSize` seqs
 * (rounded out to whole blocks), fetched only when the previous one is used up, so memory holds one
 * page. Events are decoded one at a time as they are handed out, each with one resolved promise (an
 * async generator costs several microtask hops per entry, which shows in a million-event replay);
 * leading events of a block before `fromSeq` are stepped over without decoding.
 */
export class PagedReader implements AsyncIterable<JournalEntry> {
  readonly #stream: StreamRead;

  /** `decode` turns one event's bytes into its value and may throw, ending the iteration with a {@link CorruptRecordError}. */
  constructor(
    persistenceId: string,
    fetch: BlockFetch,
    decode: (bytes: Uint8Array) => unknown,
    range: { fromSeq: number; toSeq: number },
    pageSize: number,
  ) {
    this.#stream = { persistenceId, fetch, decode, fromSeq: range.fromSeq, toSeq: range.toSeq, pageSize };
  }

  [Symbol.asyncIterator](): AsyncIterator<JournalEntry> {
    return new BlockIterator(this.#stream);
  }
}

/** What one read asks for and how it gets and decodes the blocks. */
interface StreamRead {
  readonly persistenceId: string;
  readonly fetch: BlockFetch;
  readonly decode: (bytes: Uint8Array) => unknown;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly pageSize: number;
}

const DONE: IteratorResult<JournalEntry> = { done: true, value: undefined };

class BlockIterator implements AsyncIterator<JournalEntry> {
  readonly #persistenceId: string;
  readonly #fetch: BlockFetch;
  readonly #decode: (bytes: Uint8Array) => unknown;
  readonly #fromSeq: number;
  readonly #toSeq: number;
  readonly #pageSize: number;
  readonly #cursor = new BlockCursor();
  #page: BlockRow[] = [];
  #row = 0;
  /** The block the cursor walks, and the seq of its next event. */
  #block: BlockRow | undefined;
  #seq = 0;
  /** The seq the next page starts at. */
  #nextFetch: number;
  #lastPage: boolean;

  constructor(stream: StreamRead) {
    // Copied into fields of their own: the per-entry path reads them without a second hop.
    this.#persistenceId = stream.persistenceId;
    this.#fetch = stream.fetch;
    this.#decode = stream.decode;
    this.#fromSeq = stream.fromSeq;
    this.#toSeq = stream.toSeq;
    this.#pageSize = stream.pageSize;
    this.#nextFetch = stream.fromSeq;
    this.#lastPage = stream.fromSeq > stream.toSeq;
  }

  next(): Promise<IteratorResult<JournalEntry>> {
    let entry: JournalEntry | undefined;
    try {
      entry = this.#take();
    } catch (error) {
      this.#finish();
      return Promise.reject(error);
    }
    return entry === undefined ? this.#nextPage() : Promise.resolve({ done: false, value: entry });
  }

  async return(): Promise<IteratorResult<JournalEntry>> {
    this.#finish();
    return DONE;
  }

  async #nextPage(): Promise<IteratorResult<JournalEntry>> {
    for (;;) {
      if (this.#lastPage) return DONE;
      const pageEnd = Math.min(this.#toSeq, this.#nextFetch + this.#pageSize - 1);
      try {
        this.#page = await this.#fetch(this.#nextFetch, pageEnd);
        this.#row = 0;
        const last = this.#page[this.#page.length - 1];
        // No block reaching pageEnd means the stream ends inside this page.
        if (last === undefined || last[1] < pageEnd || last[1] >= this.#toSeq) this.#lastPage = true;
        else this.#nextFetch = last[1] + 1;
        const entry = this.#take();
        if (entry !== undefined) return { done: false, value: entry };
      } catch (error) {
        this.#finish();
        throw error;
      }
    }
  }

  /**
   * The next entry of the fetched page, or undefined when the page is used up (or the range is). A block
   * that cannot be walked or an event that cannot be decoded is a `CorruptRecordError` at its seq.
   */
  #take(): JournalEntry | undefined {
    let seq = this.#seq;
    try {
      for (;;) {
        if (this.#cursor.left > 0) {
          seq = this.#seq++;
          if (seq > this.#toSeq) {
            this.#finish();
            return undefined;
          }
          if (seq >= this.#fromSeq) return this.#entry(this.#block!, seq);
          this.#cursor.skip();
          continue;
        }
        if (this.#row >= this.#page.length) return undefined;
        const block = this.#page[this.#row++]!;
        this.#block = block;
        this.#seq = seq = block[0];
        this.#cursor.reset(block[5], block[1] - block[0] + 1);
      }
    } catch (error) {
      throw new CorruptRecordError(this.#persistenceId, seq, 'event', { cause: error });
    }
  }

  #entry(block: BlockRow, seq: number): JournalEntry {
    const persistenceId = this.#persistenceId;
    const event = this.#decode(this.#cursor.next());
    const epoch = block[2];
    const timestamp = block[3];
    const writerId = block[4];
    return writerId === null
      ? { persistenceId, seq, epoch, event, timestamp }
      : { persistenceId, seq, epoch, event, timestamp, writerId };
  }

  #finish(): void {
    this.#page = [];
    this.#row = 0;
    this.#block = undefined;
    this.#cursor.clear();
    this.#lastPage = true;
  }
}

/**
 * Builds a {@link PagedReader}, or, when `build` throws (a bad argument), an iterable that rejects
 * with that error on the first `next()`: the same place an async generator would report it.
 */
export function pagedRead(build: () => PagedReader): AsyncIterable<JournalEntry> {
  try {
    return build();
  } catch (error) {
    return {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    };
  }
}
