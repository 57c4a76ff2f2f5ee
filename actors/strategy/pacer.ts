import type { ActorRef } from '../../runtime/ref.js';
import { serviceKey } from '../../runtime/services.js';

/**
 * How a backtest lets a strategy run ahead through `market.slices`: the engine provides it (with its
 * simulated clock) as the {@link BACKTEST_PACER} service, and the `Strategy` base class asks it before and
 * after each time slice. A strategy never sees it; live nodes do not provide it.
 */
export interface BacktestPacer {
  /**
   * Moves the clock to the time of slice `index` and counts that slice as taken. False when a timer falls
   * due by then: the strategy stops before the slice, and the engine moves the clock itself (firing the
   * timer where an eager run would) before it sends the slice again.
   */
  enter(index: number, time: number): boolean;
  /** After a slice: whether the strategy must stop, because another actor, or its own mailbox, has work. */
  mustStop(self: ActorRef): boolean;
}

/** The service under which a backtest provides its {@link BacktestPacer}. */
export const BACKTEST_PACER = serviceKey<BacktestPacer>('backtest.pacer');
