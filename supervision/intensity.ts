/**
 * Restart intensity of one supervisor, as in Erlang/OTP: more than `maxRestarts` restarts within
 * `withinMs` means the supervisor gives up and escalates.
 */
export class RestartIntensity {
  #times: number[] = [];

  constructor(
    readonly maxRestarts: number,
    readonly withinMs: number,
  ) {}

  /** Records a restart at `now`; true when the intensity is now exceeded. */
  record(now: number): boolean {
    this.#prune(now);
    this.#times.push(now);
    return this.#times.length > this.maxRestarts;
  }

  /** Restarts counted in the window ending at `now`. */
  count(now: number): number {
    this.#prune(now);
    return this.#times.length;
  }

  reset(): void {
    this.#times = [];
  }

  #prune(now: number): void {
    const from = now - this.withinMs;
    let i = 0;
    while (i < this.#times.length && this.#times[i]! <= from) i++;
    if (i > 0) this.#times.splice(0, i);
  }
}
