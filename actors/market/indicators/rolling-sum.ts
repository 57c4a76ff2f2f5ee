/**
 * A fixed-size window of numbers with an O(1) running sum.
 *
 * Adding and subtracting into one running total drifts on long series (each step rounds), so the
 * sum is recomputed from the buffer each time the ring wraps: amortised O(1), and the error never
 * grows beyond one window's worth of roundings.
 */
export class RollingSum {
  private readonly buffer: Float64Array;
  private head = 0;
  private count = 0;
  private total = 0;

  constructor(readonly size: number) {
    this.buffer = new Float64Array(size);
  }

  /** Adds `x`, evicting the oldest value once the window is full. */
  push(x: number): void {
    if (this.count === this.size) this.total += x - this.buffer[this.head]!;
    else {
      this.total += x;
      this.count += 1;
    }
    this.buffer[this.head] = x;
    this.head += 1;
    if (this.head === this.size) {
      this.head = 0;
      if (this.count === this.size) this.resync();
    }
  }

  /** The sum of the values in the window. */
  get sum(): number {
    return this.total;
  }

  /** How many values the window holds (at most `size`). */
  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.size;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.total = 0;
  }

  private resync(): void {
    let s = 0;
    for (let i = 0; i < this.size; i++) s += this.buffer[i]!;
    this.total = s;
  }
}
