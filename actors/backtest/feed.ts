import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { Fill } from '../domain/fill.js';
import type { PaperVenue } from '../broker/paper-venue.js';
import type { RiskProtocol } from '../risk/protocol.js';
import type { StrategyProtocol } from '../strategy/protocol.js';
import type { MarketTape } from './market-tape.js';
import type { EquityPoint } from './metrics.js';

/** What a feed drives: the strategy, the bars, the venue. */
export interface FeedContext {
  readonly strategy: ActorRef<StrategyProtocol>;
  readonly tape: MarketTape;
  readonly venue: PaperVenue;
  readonly initialCash: number;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

/**
 * How the engine feeds bars through the order path: `lazy` (hold and release, the default) or `eager`
 * (every actor every slice, the reference the lazy feed is tested against).
 */
export interface BacktestFeed {
  /** Where the strategy sends its orders. */
  readonly risk: ActorRef<RiskProtocol>;
  run(context: FeedContext): Promise<void>;
  /** One point per slice: equity after the slice's closes, with gross exposure. */
  equityCurve(context: FeedContext, fills: readonly Fill[]): Promise<EquityPoint[]>;
}

/** Runs ready actors to completion; awaits only when an actor awaits (a journal write). */
export async function settle(system: ActorSystem): Promise<void> {
  system.runUntilIdle();
  if (system.active > 0) await system.settled();
}
