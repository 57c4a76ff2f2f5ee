export { BACKTEST_PORTFOLIO_ID, DEFAULT_INITIAL_CASH, runBacktest } from './engine.js';
export { BarSet } from './bar-set.js';
export { timeSlices } from './market-tape.js';
export type { BacktestConfig, BacktestDenial, BacktestResult } from './engine.js';
export { BacktestConfigError } from './errors.js';
export { computeMetrics, maxDrawdown, returnStats, roundTrips, sharpeRatio } from './metrics.js';
export type { BacktestMetrics, EquityPoint, Trade } from './metrics.js';
