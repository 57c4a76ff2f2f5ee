// The portfolio family: immutable books with idempotent fills, and the PortfolioActor.
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
export type { LogCursor, LogView } from './shared-log.js';

export {
  portfolioFill,
  portfolioFillsHead,
  portfolioGetSnapshot,
  portfolioMarkPrices,
  portfolioSnapshotReply,
  portfolioStartDay,
  portfolioSubscribeRisk,
} from './protocol.js';
export type {
  PortfolioFill,
  PortfolioFillsHead,
  PortfolioGetSnapshot,
  PortfolioMarkPrices,
  PortfolioProtocol,
  PortfolioSnapshotReply,
  PortfolioStartDay,
  PortfolioSubscribeRisk,
} from './protocol.js';

export { DEFAULT_MARK_JOURNAL_INTERVAL_MS, PortfolioActor, REPLAY_REQUEST_RETRY_MS } from './portfolio-actor.js';
export type { PortfolioActorProps, PortfolioFillRejected, PortfolioUpdated } from './portfolio-actor.js';
export { DEFAULT_EQUITY_POINTS_IN_SNAPSHOT } from './portfolio-books.js';
export type { BrokerFeed, PortfolioBooksSnapshot, PortfolioJournalEvent } from './portfolio-books.js';

export { InvalidFillError, InvalidPortfolioError, PORTFOLIO_ERROR_CODES } from './errors.js';
export type { PortfolioErrorCode } from './errors.js';
