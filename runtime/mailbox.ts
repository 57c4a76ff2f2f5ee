/**
 * What happens when a bounded mailbox is full:
 * - `reject`: the new message is refused; a tell goes to dead letters, an ask rejects with MailboxFullError.
 * - `dropOldest`: the oldest queued message goes to dead letters and the new one is enqueued (latest wins,
 *   as quotes want).
 */
export type OverflowPolicy = 'reject' | 'dropOldest';

export interface MailboxOptions {
  /** Most messages held at once. Default {@link DEFAULT_MAILBOX_CAPACITY}. */
  readonly capacity?: number;
  /** Default `reject`. */
  readonly overflow?: OverflowPolicy;
}

export const DEFAULT_MAILBOX_CAPACITY = 1_000_000;
const INITIAL_SLOTS = 16;

/**
 * A FIFO ring buffer of (message, sender) pairs that grows by doubling up to its capacity.
 * Pushing and shifting are O(1) and allocate nothing once the ring has grown.
 */
export class Mailbox<M, S> {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  #messages: (M | undefined)[];
  #senders: (S | undefined)[];
  #head = 0;
  #length = 0;
  #mask: number;
  /** Highest depth ever reached. */
  highWater = 0;
  /** The sender of the message most recently returned by shift(). */
  lastSender: S | undefined;

  constructor(options: MailboxOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_MAILBOX_CAPACITY;
    if (!(capacity >= 1) || !(Number.isInteger(capacity) || capacity === Infinity)) {
      throw new RangeError(`mailbox capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.overflow = options.overflow ?? 'reject';
    this.#messages = new Array(INITIAL_SLOTS);
    this.#senders = new Array(INITIAL_SLOTS);
    this.#mask = INITIAL_SLOTS - 1;
  }

  get length(): number {
    return this.#length;
  }

  get full(): boolean {
    return this.#length >= this.capacity;
  }

  /** Appends; the caller checks `full` first and applies the overflow policy. */
  push(message: M, sender: S | undefined): void {
    if (this.#length === this.#messages.length) this.#grow();
    const i = (this.#head + this.#length) & this.#mask;
    this.#messages[i] = message;
    this.#senders[i] = sender;
    this.#length++;
    if (this.#length > this.highWater) this.highWater = this.#length;
  }

  /** Removes and returns the oldest message (its sender in `lastSender`), or undefined when empty. */
  shift(): M | undefined {
    if (this.#length === 0) return undefined;
    const i = this.#head;
    const message = this.#messages[i];
    this.lastSender = this.#senders[i];
    this.#messages[i] = undefined;
    this.#senders[i] = undefined;
    this.#head = (i + 1) & this.#mask;
    this.#length--;
    return message;
  }

  /** Removes everything, returning the pairs in order. */
  drainAll(): Array<[M, S | undefined]> {
    const out: Array<[M, S | undefined]> = [];
    for (let m = this.shift(); m !== undefined; m = this.shift()) out.push([m, this.lastSender]);
    return out;
  }

  #grow(): void {
    const size = this.#messages.length * 2;
    const messages = new Array<M | undefined>(size);
    const senders = new Array<S | undefined>(size);
    for (let k = 0; k < this.#length; k++) {
      const i = (this.#head + k) & this.#mask;
      messages[k] = this.#messages[i];
      senders[k] = this.#senders[i];
    }
    this.#messages = messages;
    this.#senders = senders;
    this.#head = 0;
    this.#mask = size - 1;
  }
}
