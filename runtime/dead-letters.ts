import type { DeadLetter } from './events.js';
import type { EventStream } from './event-stream.js';

export const DEFAULT_DEAD_LETTER_RING_SIZE = 1_000;

/** Counts every dead letter, keeps the most recent ones for inspection and publishes each on the event stream. */
export class DeadLetters {
  #ring: DeadLetter[] = [];
  #next = 0;
  /** Dead letters since the system started. */
  total = 0;
  readonly byReason = new Map<string, number>();

  constructor(
    private readonly events: EventStream,
    readonly ringSize = DEFAULT_DEAD_LETTER_RING_SIZE,
  ) {}

  record(letter: DeadLetter): void {
    this.total++;
    this.byReason.set(letter.reason, (this.byReason.get(letter.reason) ?? 0) + 1);
    if (this.#ring.length < this.ringSize) this.#ring.push(letter);
    else this.#ring[this.#next] = letter;
    this.#next = (this.#next + 1) % this.ringSize;
    this.events.publish(letter);
  }

  /** The retained dead letters, oldest first. */
  recent(): DeadLetter[] {
    if (this.#ring.length < this.ringSize) return [...this.#ring];
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }
}
