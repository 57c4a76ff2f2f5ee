import type { JournalEntry } from './journal.js';

/**
 * An async iterable over pages of rows: fetches the next page only when the previous one is used up,
 * so memory holds one page, and hands out buffered entries with one resolved promise each (an async
 * generator costs several microtask hops per entry, which shows in a million-event replay).
 */
export class PagedReader<Row> implements AsyncIterable<JournalEntry> {
  readonly #fetch: (fromSeq: number) => Promise<Row[]> | Row[];
  readonly #toEntry: (row: Row) => JournalEntry;
  readonly #seqOf: (row: Row) => number;
  readonly #fromSeq: number;
  readonly #toSeq: number;
  readonly #pageSize: number;

  /**
   * `fetch(fromSeq)` returns up to `pageSize` rows with seq >= fromSeq and <= toSeq, in seq order;
   * `toEntry` decodes one (and may throw, ending the iteration with that error); `seqOf` reads a row's seq.
   */
  constructor(
    fetch: (fromSeq: number) => Promise<Row[]> | Row[],
    toEntry: (row: Row) => JournalEntry,
    seqOf: (row: Row) => number,
    range: { fromSeq: number; toSeq: number },
    pageSize: number,
  ) {
    this.#fetch = fetch;
    this.#toEntry = toEntry;
    this.#seqOf = seqOf;
    this.#fromSeq = range.fromSeq;
    this.#toSeq = range.toSeq;
    this.#pageSize = pageSize;
  }

  [Symbol.asyncIterator](): AsyncIterator<JournalEntry> {
    let page: Row[] = [];
    let index = 0;
    let next = this.#fromSeq;
    let last = false;
    const done: IteratorResult<JournalEntry> = { done: true, value: undefined };
    const step = async (): Promise<IteratorResult<JournalEntry>> => {
      while (index >= page.length) {
        if (last || next > this.#toSeq) return done;
        page = await this.#fetch(next);
        index = 0;
        last = page.length < this.#pageSize;
        if (page.length > 0) next = this.#seqOf(page[page.length - 1]!) + 1;
      }
      return { done: false, value: this.#toEntry(page[index++]!) };
    };
    return {
      next: () => {
        if (index < page.length) {
          try {
            return Promise.resolve({ done: false, value: this.#toEntry(page[index++]!) });
          } catch (error) {
            page = [];
            last = true;
            return Promise.reject(error);
          }
        }
        return step();
      },
      return: async () => {
        page = [];
        last = true;
        return done;
      },
    };
  }
}

/**
 * Builds a {@link PagedReader}, or, when `build` throws (a bad argument), an iterable that rejects
 * with that error on the first `next()`: the same place an async generator would report it.
 */
export function pagedRead<Row>(build: () => PagedReader<Row>): AsyncIterable<JournalEntry> {
  try {
    return build();
  } catch (error) {
    return {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    };
  }
}
