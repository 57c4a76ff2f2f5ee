import { deepFreeze } from '../domain/freeze.js';
import type { Fill } from '../domain/fill.js';
import type { PortfolioSnapshot } from './portfolio-state.js';

/** A fill from the broker; applied at most once per fill id. */
export interface PortfolioFill {
  readonly type: 'portfolio.fill';
  readonly fill: Fill;
}

/** New prices to mark positions to. */
export interface PortfolioMarkPrices {
  readonly type: 'portfolio.markPrices';
  readonly prices: Readonly<Record<string, number>>;
  readonly time: number;
}

/** The trading day starts: current equity becomes the start-of-day equity. */
export interface PortfolioStartDay {
  readonly type: 'portfolio.startDay';
  readonly time: number;
}

/** Ask for the current books; answered with `portfolio.snapshot`. */
export interface PortfolioGetSnapshot {
  readonly type: 'portfolio.getSnapshot';
}

/** Messages the portfolio actor receives. */
export type PortfolioProtocol = PortfolioFill | PortfolioMarkPrices | PortfolioStartDay | PortfolioGetSnapshot;

/** The books, as a reply to `portfolio.getSnapshot`. */
export interface PortfolioSnapshotReply {
  readonly type: 'portfolio.snapshot';
  readonly snapshot: PortfolioSnapshot;
}

/** Builds a frozen `portfolio.fill`. */
export function portfolioFill(fill: Fill): PortfolioFill {
  const { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } = fill;
  return deepFreeze({ type: 'portfolio.fill', fill: { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } });
}

/** Builds a frozen `portfolio.markPrices`. */
export function portfolioMarkPrices(prices: Readonly<Record<string, number>>, time: number): PortfolioMarkPrices {
  return deepFreeze({ type: 'portfolio.markPrices', prices: { ...prices }, time });
}

/** Builds a frozen `portfolio.startDay`. */
export function portfolioStartDay(time: number): PortfolioStartDay {
  return deepFreeze({ type: 'portfolio.startDay', time });
}

/** Builds a frozen `portfolio.getSnapshot`. */
export function portfolioGetSnapshot(): PortfolioGetSnapshot {
  return deepFreeze({ type: 'portfolio.getSnapshot' });
}

/** Builds a frozen `portfolio.snapshot`. */
export function portfolioSnapshotReply(snapshot: PortfolioSnapshot): PortfolioSnapshotReply {
  return deepFreeze({ type: 'portfolio.snapshot', snapshot: structuredClone(snapshot) });
}
