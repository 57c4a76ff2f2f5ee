/**
 * The maximum (or minimum) of the last `size` values in amortised O(1) per push, with a monotonic
 * deque: each value enters and leaves the deque at most once.
 */
export class RollingExtreme {
  private readonly values: Float64Array;
  private readonly indices: Float64Array;
  private front = 0;
  private len = 0;
  private seen = 0;

  /** `kind` chooses a rolling maximum or a rolling minimum. */
  constructor(
    readonly size: number,
    readonly kind: 'max' | 'min',
  ) {
    this.values = new Float64Array(size);
    this.indices = new Float64Array(size);
  }

  push(x: number): void {
    const cap = this.size;
    const isMax = this.kind === 'max';
    // Drop values the new one dominates; they can never be the extreme again.
    while (this.len > 0) {
      const back = this.values[(this.front + this.len - 1) % cap]!;
      if (isMax ? back <= x : back >= x) this.len -= 1;
      else break;
    }
    // Drop the front once it has left the window.
    if (this.len > 0 && this.indices[this.front]! <= this.seen - cap) {
      this.front = (this.front + 1) % cap;
      this.len -= 1;
    }
    const slot = (this.front + this.len) % cap;
    this.values[slot] = x;
    this.indices[slot] = this.seen;
    this.len += 1;
    this.seen += 1;
  }

  /** The extreme of the window; `undefined` before the first push. */
  get value(): number | undefined {
    return this.len === 0 ? undefined : this.values[this.front];
  }

  /** How many values the window holds (at most `size`). */
  get length(): number {
    return Math.min(this.seen, this.size);
  }

  reset(): void {
    this.front = 0;
    this.len = 0;
    this.seen = 0;
  }
}
