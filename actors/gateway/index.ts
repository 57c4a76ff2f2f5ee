export { ALERT_EVENT_TYPES, alertOf } from './alerts.js';
export { CLIENT_COMMAND_SCHEMAS, commandIdOf, MAX_CLIENT_FRAME_BYTES, MAX_ORDER_QUANTITY, parseClientCommand } from './client-schema.js';
export {
  DEFAULT_ASK_TIMEOUT_MS, DEFAULT_FLUSH_MS, DEFAULT_PORTFOLIO_INTERVAL_MS, DEFAULT_SESSION_TUNING, DEFAULT_SNAPSHOT_BARS, DEFAULT_STATUS_REFRESH_MS, sessionTuning,
} from './config.js';
export type { GatewayScope, GatewayTargets, SessionTuning, StrategyListing } from './config.js';
export { GATEWAY_ERROR_CODES, GatewayConfigError, GatewayRequestError } from './errors.js';
export type { GatewayErrorCode } from './errors.js';
export { ALERTS_KEPT, FILLS_KEPT, GatewayActor } from './gateway-actor.js';
export type { GatewayProtocol, GatewayStatus } from './gateway-actor.js';
export { CLOSE_TOO_SLOW, DEFAULT_HIGH_WATER_BYTES, DEFAULT_MAX_BUFFERED_BYTES, Outbox, SESSION_OUTLETS } from './outbox.js';
export type { OutboxLimits, SessionOutlet } from './outbox.js';
export { OVERLAY_WARMUP_BARS, OverlayTracker, overlaysOf } from './overlays.js';
export { chartBar, PROTOCOL_VERSION, TOPICS } from './protocol.js';
export type {
  AlertRow, BacktestRunCommand, ChartBar, ClientCommand, FillRow, LimitRow, MarketSnapshotCommand, NodeRow, OptimizerCancelCommand, OptimizerRunCommand,
  OrderCancelCommand, OrderRow, OrderSubmitCommand, OverlayPoint, PingCommand, PortfolioView, PositionRow, RiskRefreshCommand, RiskView, ServerEvent,
  ServerEventType, StrategyInfo, StrategyRow, SubscribeCommand, SweepRow, Topic, UnsubscribeCommand, VarView,
} from './protocol.js';
export { limitRows, riskView, varInUse } from './risk-view.js';
export { checkServerEvent, SERVER_EVENT_SCHEMAS } from './server-schema.js';
export { SessionActor } from './session-actor.js';
export { MAX_SNAPSHOT_BARS, SessionMarket } from './session-market.js';
export { backtestEvent, DEFAULT_BACKTEST_BARS, MAX_EQUITY_POINTS, MIN_JOB_BARS, SWEEP_TARGET_CHUNKS, sweepRequest, sweepResultEvent } from './session-jobs.js';
export { BLOTTER_RECENT_ORDERS, EQUITY_POINTS, SessionTopics } from './session-topics.js';
export type { SessionProps } from './session-actor.js';
export type { SessionProtocol } from './session-protocol.js';
export { arr, bool, checkUnion, literal, nullable, num, obj, opt, quote, record, str } from './validate.js';
export type { Checked, Infer, Schema } from './validate.js';
export { downsample, fillRow, finite, orderRow, portfolioView, strategyInfo, strategyRow } from './views.js';
export type { PortfolioBooksLike } from './views.js';
