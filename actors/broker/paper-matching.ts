import type { Bar } from '../domain/bar.js';
import { roundToTick } from '../domain/money.js';
import type { Quote } from '../domain/quote.js';
import { slip } from './commission.js';
import type { VenueOrder } from './venue.js';

/** What one bar or quote does to a working order: trigger its stop, and fill it at `price` or not. */
export interface MatchOutcome {
  /** Whether the stop is triggered after this bar or quote (stays true once true). */
  readonly triggered: boolean;
  /** The fill price, when the order fills. */
  readonly price?: number;
}

/** Market-like price moved against the taker by `slippageBps`, then put on the tick grid. */
function takerPrice(price: number, side: 'buy' | 'sell', slippageBps: number, tickSize: number): number {
  return roundToTick(slip(price, side, slippageBps), tickSize);
}

/** A limit fill never prints through its limit, whatever rounding did. */
function clampToLimit(price: number, order: VenueOrder): number {
  const limit = order.limitPrice!;
  return order.side === 'buy' ? Math.min(price, limit) : Math.max(price, limit);
}

/**
 * Matches a working order against a bar (backtest mode). Market orders fill at the open with slippage;
 * buy limits fill when the low reaches the limit, at the better of open and limit (sells: the high);
 * buy stops trigger when the high reaches the stop and fill at the worse of open and stop, plus slippage
 * (sells: the low). A stop-limit fills on its trigger bar only if that price is within its limit, and
 * from the next bar on behaves as a limit order. An order triggered on an earlier bar (but not filled,
 * e.g. for lack of volume) fills at the open.
 */
export function matchBar(order: VenueOrder, bar: Bar, triggeredBefore: boolean, slippageBps: number, tickSize: number): MatchOutcome {
  const buy = order.side === 'buy';
  switch (order.type) {
    case 'market':
      return { triggered: false, price: takerPrice(bar.open, order.side, slippageBps, tickSize) };
    case 'limit':
      return limitReached(bar, buy, order.limitPrice!) ? { triggered: false, price: barLimitPrice(bar, buy, order.limitPrice!, tickSize, order) } : { triggered: false };
    case 'stop': {
      if (triggeredBefore) return { triggered: true, price: takerPrice(bar.open, order.side, slippageBps, tickSize) };
      const stop = order.stopPrice!;
      if (buy ? bar.high < stop : bar.low > stop) return { triggered: false };
      const trigger = buy ? Math.max(bar.open, stop) : Math.min(bar.open, stop);
      return { triggered: true, price: takerPrice(trigger, order.side, slippageBps, tickSize) };
    }
    case 'stop_limit': {
      const limit = order.limitPrice!;
      if (triggeredBefore) return limitReached(bar, buy, limit) ? { triggered: true, price: barLimitPrice(bar, buy, limit, tickSize, order) } : { triggered: true };
      const stop = order.stopPrice!;
      if (buy ? bar.high < stop : bar.low > stop) return { triggered: false };
      const trigger = roundToTick(buy ? Math.max(bar.open, stop) : Math.min(bar.open, stop), tickSize);
      const within = buy ? trigger <= limit : trigger >= limit;
      return within ? { triggered: true, price: trigger } : { triggered: true };
    }
  }
}

// Plain functions rather than closures per call: the dev-time transform names every closure it creates.
function limitReached(bar: Bar, buy: boolean, limit: number): boolean {
  return buy ? bar.low <= limit : bar.high >= limit;
}

/** A limit fill on a bar: the better of the open and the limit, on the tick grid, never through the limit. */
function barLimitPrice(bar: Bar, buy: boolean, limit: number, tickSize: number, order: VenueOrder): number {
  return clampToLimit(roundToTick(buy ? Math.min(bar.open, limit) : Math.max(bar.open, limit), tickSize), order);
}

/**
 * Matches a working order against a quote (live mode). Market orders take the ask (buy) or bid (sell)
 * with slippage; limits fill at the ask/bid when it is at or through the limit; stops trigger when the
 * last price (else the ask for a buy, the bid for a sell) reaches the stop, then fill as market or, for
 * stop-limits, as limit orders on the same quote.
 */
export function matchQuote(order: VenueOrder, quote: Quote, triggeredBefore: boolean, slippageBps: number, tickSize: number): MatchOutcome {
  const buy = order.side === 'buy';
  const touch = buy ? quote.ask : quote.bid;
  let triggered = triggeredBefore;
  if ((order.type === 'stop' || order.type === 'stop_limit') && !triggered) {
    const reference = quote.last ?? touch;
    triggered = buy ? reference >= order.stopPrice! : reference <= order.stopPrice!;
    if (!triggered) return { triggered: false };
  }
  switch (order.type) {
    case 'market':
    case 'stop':
      return { triggered, price: takerPrice(touch, order.side, slippageBps, tickSize) };
    case 'limit':
    case 'stop_limit': {
      const limit = order.limitPrice!;
      return (buy ? touch <= limit : touch >= limit) ? { triggered, price: clampToLimit(roundToTick(touch, tickSize), order) } : { triggered };
    }
  }
}
