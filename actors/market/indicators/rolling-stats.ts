/**
 * A fixed-size window of numbers with an O(1) running mean and variance.
 *
 * Uses Welford-style add/replace updates of the mean and the sum of squared deviations (`m2`), which
 * avoid the catastrophic cancellation of sum-of-squares formulas when the mean is large next to the
 * spread (prices around 10,000 moving by cents). Both are recomputed exactly (two passes over the
 * buffer) each time the ring wraps, so rounding cannot accumulate over long series.
 */
export class RollingStats {
  private readonly buffer: Float64Array;
  private head = 0;
  private count = 0;
  private avg = 0;
  private m2 = 0;

  constructor(readonly size: number) {
    this.buffer = new Float64Array(size);
  }

  /** Adds `x`, evicting the oldest value once the window is full. */
  push(x: number): void {
    if (this.count === this.size) {
      const old = this.buffer[this.head]!;
      const prevAvg = this.avg;
      this.avg = prevAvg + (x - old) / this.size;
      this.m2 += (x - old) * (x - this.avg + old - prevAvg);
    } else {
      this.count += 1;
      const d = x - this.avg;
      this.avg += d / this.count;
      this.m2 += d * (x - this.avg);
    }
    this.buffer[this.head] = x;
    this.head += 1;
    if (this.head === this.size) {
      this.head = 0;
      if (this.count === this.size) this.resync();
    }
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.size;
  }

  /** Mean of the values in the window. */
  get mean(): number {
    return this.avg;
  }

  /** Population variance (divides by n). */
  get populationVariance(): number {
    return this.count === 0 ? 0 : Math.max(0, this.m2) / this.count;
  }

  /** Sample variance (divides by n - 1); 0 for fewer than two values. */
  get sampleVariance(): number {
    return this.count < 2 ? 0 : Math.max(0, this.m2) / (this.count - 1);
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.avg = 0;
    this.m2 = 0;
  }

  private resync(): void {
    let s = 0;
    for (let i = 0; i < this.size; i++) s += this.buffer[i]!;
    const mean = s / this.size;
    let m2 = 0;
    for (let i = 0; i < this.size; i++) {
      const d = this.buffer[i]! - mean;
      m2 += d * d;
    }
    this.avg = mean;
    this.m2 = m2;
  }
}
