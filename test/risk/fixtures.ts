// Shared fixtures for the risk tests: a registry, a portfolio and a context in which the base order passes every check.
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import type { RiskContext, RiskPortfolioView } from '../../actors/risk/context.js';
import { EMPTY_DAY_TRADE_LEDGER } from '../../actors/risk/day-trades.js';
import { DEFAULT_RISK_LIMITS } from '../../actors/risk/limits.js';
import { EMPTY_RATE_LIMIT_STATE } from '../../actors/risk/rate-limit.js';

/** Wednesday 2024-03-13 11:00 in New York. */
export const NOW = Date.UTC(2024, 2, 13, 15, 0, 0);

export const registry = new InstrumentRegistry([
  { symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: true },
  { symbol: 'MSFT', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true },
  { symbol: 'LOT', tickSize: 0.05, lotSize: 100, currency: 'USD', tradable: true },
  { symbol: 'TENTH', tickSize: 0.1, lotSize: 1, currency: 'USD', tradable: true },
  { symbol: 'SUSP', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: false },
]);

/** 90,000 cash and 100 AAPL marked at 100: equity 100,000. */
export const portfolio: RiskPortfolioView = {
  portfolioId: 'p1',
  cash: 90_000,
  equity: 100_000,
  positions: { AAPL: 100 },
  marks: { AAPL: 100 },
  startOfDayEquity: 100_000,
  peakEquity: 100_000,
};

/** 30 alternating daily returns of ±1% (AAPL) and ±2% (MSFT, opposite phase). */
export const returns = {
  AAPL: Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01)),
  MSFT: Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? -0.02 : 0.02)),
  LOT: Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0.01 : -0.005)),
  TENTH: Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0.01 : -0.005)),
};

export const baseContext: RiskContext = {
  now: NOW,
  limits: DEFAULT_RISK_LIMITS,
  registry,
  tradingState: 'ACTIVE',
  portfolio,
  lastPrices: { AAPL: 100, MSFT: 200, LOT: 10, TENTH: 0.3 },
  openOrders: 0,
  rate: EMPTY_RATE_LIMIT_STATE,
  dayTrades: EMPTY_DAY_TRADE_LEDGER,
  returns,
};

/** Buy 10 AAPL at market. */
export const baseOrder: OrderRequest = {
  clientOrderId: 'n1-1-1',
  portfolioId: 'p1',
  strategyId: 's1',
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  quantity: 10,
  tif: 'day',
  createdAt: NOW,
};

/** The base order with overrides; `undefined` values remove a field. */
export function orderWith(overrides: Partial<Record<keyof OrderRequest, unknown>>): OrderRequest {
  const order: Record<string, unknown> = { ...baseOrder, ...overrides };
  for (const key of Object.keys(order)) if (order[key] === undefined) delete order[key];
  return order as unknown as OrderRequest;
}
