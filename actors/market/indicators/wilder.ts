/**
 * Wilder's smoothing (a "running moving average", an EMA with alpha = 1/period): the first value is
 * the simple mean of the first `period` inputs, then `avg = (avg * (period - 1) + x) / period`.
 * Internal building block of RSI, ATR and ADX.
 */
export class WilderAverage {
  private seedSum = 0;
  private count = 0;
  private avg: number | undefined;

  constructor(readonly period: number) {}

  update(x: number): number | undefined {
    if (this.avg !== undefined) {
      this.avg = (this.avg * (this.period - 1) + x) / this.period;
      return this.avg;
    }
    this.seedSum += x;
    this.count += 1;
    if (this.count === this.period) this.avg = this.seedSum / this.period;
    return this.avg;
  }

  get value(): number | undefined {
    return this.avg;
  }

  reset(): void {
    this.seedSum = 0;
    this.count = 0;
    this.avg = undefined;
  }
}
