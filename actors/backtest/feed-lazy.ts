import type { SimulatedClock } from '../../runtime/clock.js';
import type { ActorRef } from '../../runtime/ref.js';
import { placedRef } from '../../runtime/system.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { RiskProtocol } from '../risk/protocol.js';
import { BACKTEST_PACER } from '../strategy/pacer.js';
import { MarketCatchUp } from './catch-up.js';
import { replayEquity } from './equity-replay.js';
import { settle } from './feed.js';
import type { BacktestFeed } from './feed.js';
import { OrderGate, OrderHold } from './order-gate.js';
import type { BacktestOrderPath } from './order-path.js';
import { SlicePacer } from './slice-pacer.js';

/** The placed path of the strategy's risk ref in a lazy backtest (see `lazyFeed`). */
const ORDERS_PATH = '/backtest/orders';

/** Most slices a strategy is offered in one `market.slices` while no order is pending (also the progress step). */
export const DEFAULT_SLICES_PER_CHUNK = 1_024;

export interface LazyFeedOptions {
  /**
   * Mark the portfolio every slice, in order: needed while a limit depends on the equity path (the daily
   * loss limit or the drawdown halt), so that a halt at slice k denies an order at a later slice as it
   * would when fed every bar. Otherwise marks go only with catch-ups.
   */
  readonly marksEverySlice: boolean;
  /** Send returns windows to risk with catch-ups: only the pre-trade VaR check reads them (`maxPostTradeVar`). */
  readonly returnsForVar: boolean;
  readonly slicesPerChunk?: number;
}

/**
 * Hold and release: the strategy runs ahead through chunks of slices and stops after the first slice at
 * which it sent anything. Its messages to risk wait in an `OrderGate` while the engine catches the risk actor
 * (prices, returns windows) and the portfolio (marks) up to that slice, then go on with their sender. The
 * venue sees bars only while it has pending orders, and then the strategy takes one slice at a time, so a fill
 * reaches it before its next bar. Nothing is paid per bar for what matters only when an order exists, and
 * every message reaches the risk actor in the state, and in the order, of an eager run.
 */
export function lazyFeed(system: ActorSystem, clock: SimulatedClock, path: BacktestOrderPath, options: LazyFeedOptions): BacktestFeed {
  const hold = new OrderHold();
  const gate = system.spawn(OrderGate, 'order-gate', { hold }) as ActorRef<RiskProtocol>;
  const pacer = new SlicePacer(clock, system);
  system.services.provide(BACKTEST_PACER, pacer);
  // The strategy's risk ref is routed at each send: to the gate while it runs ahead through slices, straight
  // to the risk actor otherwise, so that what it sends in answer to a fill, an order update, a denial or a
  // timer meets the risk actor in the same order as in an eager run.
  let holding = false;
  system.refResolver = (ref) => (ref.path === ORDERS_PATH ? (holding ? gate : path.risk) : undefined);
  const chunk = options.slicesPerChunk ?? DEFAULT_SLICES_PER_CHUNK;
  return {
    risk: placedRef<RiskProtocol>(ORDERS_PATH),
    async run({ strategy, tape, venue, onProgress }) {
      const { slices } = tape;
      const catchUp = new MarketCatchUp(tape, options.returnsForVar ? path.varWindow : 0);
      /**
       * Risk (prices, returns) and, unless marked every slice, the portfolio are sent every close up to slice
       * `k`; returns whether anything was sent. The caller settles: messages sent after these (a venue bar)
       * are handled after them, in order, as if settled in between.
       */
      const catchUpTo = (k: number): boolean => k >= 0 && catchUp.send(k, system, path.risk, options.marksEverySlice ? undefined : path.portfolio);
      let next = 0;
      let marked = 0;
      while (next < slices.length) {
        const time = tape.timeOf(next);
        // One slice at a time while an order is pending (its fill must reach the strategy before its next
        // bar) or a timer falls due (it fires before the slice's bars). The strategy may answer a fill or a
        // timer at once, as in an eager run: risk and the portfolio are first brought up to the slice before.
        const timerDue = clock.hasTimerDueBy(time);
        const single = venue.pendingOrders > 0 || timerDue;
        if (single) {
          const caughtUp = catchUpTo(next - 1);
          if (caughtUp && timerDue) await settle(system); // before timers fire at the new time
          clock.advanceTo(time);
          // Only bars that can fill something: a paper venue's bar for a symbol with no pending order is a no-op.
          if (venue.pendingOrders > 0) path.feedVenue(tape.barsOf(next, venue.pendingSymbols()));
          await settle(system);
        }
        pacer.taken = next;
        holding = true;
        system.tell(strategy, { type: 'market.slices', slices, from: next, to: single ? next + 1 : Math.min(slices.length, next + chunk) });
        await settle(system);
        holding = false;
        // A strategy that took nothing (stopped, restarting) loses the slice, as it would lose a market.bars.
        const taken = Math.max(pacer.taken, next + 1);
        if (clock.now() < tape.timeOf(taken - 1)) clock.advanceTo(tape.timeOf(taken - 1));
        if (options.marksEverySlice) {
          for (; marked < taken; marked++) path.markSlice(slices[marked]!);
          await settle(system);
        }
        if (hold.size > 0) {
          if (catchUpTo(taken - 1)) await settle(system); // the held orders go after what the catch-up caused
          hold.releaseTo(system, path.risk);
          await settle(system);
        }
        next = taken;
        onProgress?.(tape.sliceStart[next]!, tape.barCount);
      }
    },
    async equityCurve({ tape, initialCash }, fills) {
      return replayEquity(tape, fills, initialCash);
    },
  };
}
