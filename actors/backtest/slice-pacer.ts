import type { SimulatedClock } from '../../runtime/clock.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { BacktestPacer } from '../strategy/pacer.js';

/** The engine's `BacktestPacer`: it moves the run's simulated clock and remembers how far the strategy got. */
export class SlicePacer implements BacktestPacer {
  /** Slices the strategy has taken: every slice before this index. */
  taken = 0;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly system: ActorSystem,
  ) {}

  enter(index: number, time: number): boolean {
    // At the current time (the engine moved the clock for this slice) nothing more can fire: take it. Later,
    // a timer due on the way must fire first, from the engine, where an eager run fires it.
    if (time > this.clock.now() && this.clock.hasTimerDueBy(time)) return false;
    this.clock.advanceTo(time);
    this.taken = index + 1;
    return true;
  }

  mustStop(self: ActorRef): boolean {
    return this.system.hasReadyWork(self);
  }
}
