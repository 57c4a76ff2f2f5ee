// The portfolio family's pure core: immutable books with idempotent fills.
export {
  applyFill,
  createPortfolio,
  equityHistory,
  exposure,
  fromSnapshot,
  hasFill,
  markPrices,
  startTradingDay,
  toRiskView,
  toSnapshot,
  tradePosition,
  unrealizedPnl,
} from './portfolio-state.js';
export type { EquityPoint, Exposure, Mark, PortfolioSnapshot, PortfolioState } from './portfolio-state.js';

export { SharedLog } from './shared-log.js';
export type { LogView } from './shared-log.js';

export { portfolioFill, portfolioGetSnapshot, portfolioMarkPrices, portfolioSnapshotReply, portfolioStartDay } from './protocol.js';
export type {
  PortfolioFill,
  PortfolioGetSnapshot,
  PortfolioMarkPrices,
  PortfolioProtocol,
  PortfolioSnapshotReply,
  PortfolioStartDay,
} from './protocol.js';

export { InvalidFillError, InvalidPortfolioError, PORTFOLIO_ERROR_CODES } from './errors.js';
export type { PortfolioErrorCode } from './errors.js';
