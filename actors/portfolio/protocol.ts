import { deepFreeze } from '../domain/freeze.js';
import type { Fill } from '../domain/fill.js';
import type { Exposure, PortfolioSnapshot } from './portfolio-state.js';

/**
 * A fill from a broker; applied at most once per fill id. `brokerId` and `seq` (the broker's gap-free
 * sequence of fills for this portfolio) let the portfolio notice a fill it missed and ask for a replay.
 */
export interface PortfolioFill {
  readonly type: 'portfolio.fill';
  readonly fill: Fill;
  readonly brokerId?: string;
  readonly seq?: number;
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

/** A broker's latest fill sequence for this portfolio (after its reconciliation); a portfolio behind it asks for a replay. */
export interface PortfolioFillsHead {
  readonly type: 'portfolio.fillsHead';
  readonly brokerId: string;
  readonly portfolioId: string;
  readonly seq: number;
}

/**
 * A risk actor (on every start) asks for the current view and for every later change: answered with a
 * `risk.portfolioUpdate` now, and the sender is remembered (journaled) as a recipient of the updates.
 */
export interface PortfolioSubscribeRisk {
  readonly type: 'portfolio.subscribeRisk';
}

/** Messages the portfolio actor receives. */
export type PortfolioProtocol = PortfolioFill | PortfolioMarkPrices | PortfolioStartDay | PortfolioGetSnapshot | PortfolioFillsHead | PortfolioSubscribeRisk;

/** The books, as a reply to `portfolio.getSnapshot`. */
export interface PortfolioSnapshotReply {
  readonly type: 'portfolio.snapshot';
  readonly snapshot: PortfolioSnapshot;
  /** Exposure at the marks, when the portfolio actor answers. */
  readonly exposure?: Exposure;
  /** Unrealised P&L at the marks, when the portfolio actor answers. */
  readonly unrealizedPnl?: number;
}

/** Builds a frozen `portfolio.fill`, optionally with the broker's id and sequence. */
export function portfolioFill(fill: Fill, brokerId?: string, seq?: number): PortfolioFill {
  const { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } = fill;
  const plain = Object.freeze({ fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue });
  if (brokerId === undefined || seq === undefined) return Object.freeze({ type: 'portfolio.fill', fill: plain });
  return Object.freeze({ type: 'portfolio.fill', fill: plain, brokerId, seq });
}

/** Builds a frozen `portfolio.markPrices`. */
export function portfolioMarkPrices(prices: Readonly<Record<string, number>>, time: number): PortfolioMarkPrices {
  return Object.freeze({ type: 'portfolio.markPrices', prices: Object.freeze({ ...prices }), time });
}

/** Builds a frozen `portfolio.startDay`. */
export function portfolioStartDay(time: number): PortfolioStartDay {
  return deepFreeze({ type: 'portfolio.startDay', time });
}

/** Builds a frozen `portfolio.getSnapshot`. */
export function portfolioGetSnapshot(): PortfolioGetSnapshot {
  return deepFreeze({ type: 'portfolio.getSnapshot' });
}

/** Builds a frozen `portfolio.fillsHead`. */
export function portfolioFillsHead(brokerId: string, portfolioId: string, seq: number): PortfolioFillsHead {
  return Object.freeze({ type: 'portfolio.fillsHead', brokerId, portfolioId, seq });
}

/** Builds a frozen `portfolio.subscribeRisk`. */
export function portfolioSubscribeRisk(): PortfolioSubscribeRisk {
  return Object.freeze({ type: 'portfolio.subscribeRisk' });
}

/** Builds a frozen `portfolio.snapshot`. */
export function portfolioSnapshotReply(snapshot: PortfolioSnapshot, extra: { exposure?: Exposure; unrealizedPnl?: number } = {}): PortfolioSnapshotReply {
  return deepFreeze({ type: 'portfolio.snapshot', snapshot: structuredClone(snapshot), ...structuredClone(extra) });
}
