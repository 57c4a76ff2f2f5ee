// The risk family: limits, pre-trade checks, VaR, trading state, approval tokens, the engine, the RiskActor.
export { DEFAULT_RISK_LIMITS, VAR_METHODS, parseRiskLimits, riskLimitsProblems } from './limits.js';
export type { RiskLimits, VarMethod } from './limits.js';

export { DENIAL_CODES, deny } from './denial.js';
export type { Denial, DenialCode, DenialContext } from './denial.js';

export { exceeds, exposures, isReducing, orderPrice, positionOf, postTradePosition, valuationPrice } from './context.js';
export type { RiskCheck, RiskContext, RiskPortfolioView } from './context.js';

export { RISK_CHECKS, runRiskChecks } from './checks.js';
export type { NamedRiskCheck } from './checks.js';
export { checkOrderValidity, checkPriceBand, checkReferencePrice, checkRestricted, checkSymbol, checkTradingState } from './checks-order.js';
export {
  checkBuyingPower,
  checkConcentration,
  checkGrossExposure,
  checkNetExposure,
  checkNotional,
  checkPosition,
  checkShort,
} from './checks-exposure.js';
export { checkDailyLoss, checkOpenOrders, checkPatternDayTrader, checkPortfolioRate, checkPostTradeVar, checkStrategyRate } from './checks-activity.js';

export { EMPTY_RATE_LIMIT_STATE, RateCounter, countInWindow, portfolioKey, recordEvent, strategyKey } from './rate-limit.js';
export type { RateLimitState } from './rate-limit.js';

export { DAY_TRADE_RETENTION_BUSINESS_DAYS, EMPTY_DAY_TRADE_LEDGER, dayTradesInWindow, wouldBeDayTrade } from './day-trades.js';
export { DayTradeBook, recordDayTradeFill } from './day-trade-book.js';
export { businessDaysEndingAt, tradingDay } from './trading-calendar.js';
export type { DayTrade, DayTradeFill, DayTradeLedger } from './day-trades.js';

export { historicalVar, normalCdf, normalQuantile, parametricVar, portfolioVar, postTradeExposures, varReport } from './var.js';
export type { ExposureVector, ReturnHistory, VarEstimate, VarOutcome, VarReport } from './var.js';

export {
  TRADING_STATES,
  TRADING_STATE_TRANSITIONS,
  TRADING_STATE_TRIGGERS,
  automaticTransition,
  canTransitionTradingState,
  drawdownFromPeak,
  transitionTradingState,
} from './trading-state.js';
export type { AutomaticTransition, EquityMetrics, TradingState, TradingStateTransition, TradingStateTrigger } from './trading-state.js';

export { APPROVAL_REJECT_REASONS, APPROVAL_TOKEN_VERSION, approvalTokenId, orderDigest, signApproval, verifyApproval } from './approval.js';
export type { ApprovalRejectReason, ApprovalToken, ApprovalVerification, ApprovedOrder, SignApprovalParams, VerifyApprovalParams } from './approval.js';
export { MemoryUsedTokenSet } from './used-tokens.js';
export type { UsedTokenSet } from './used-tokens.js';
export { MIN_RISK_KEY_BYTES, RISK_KEY_ENV, loadRiskKey } from './risk-key.js';
export type { LoadedRiskKey } from './risk-key.js';

export { RiskEngine } from './engine.js';
export type { RiskDecision, RiskEngineOptions, RiskEngineState, TradingStateChange } from './engine.js';

export {
  OPERATOR_REFUSALS,
  riskCancelOrder,
  riskGetStatus,
  riskOpenOrdersSync,
  riskOrderClosed,
  riskOrderDenied,
  riskPortfolioUpdate,
  riskPortfolioUpdateOwned,
  riskPriceUpdate,
  riskReturnsUpdate,
  riskSetTradingState,
  riskSubmitOrder,
  riskTradingStateChanged,
} from './protocol.js';
export type {
  OperatorRefusal,
  RiskBookedFill,
  RiskCancelOrder,
  RiskEvent,
  RiskGetStatus,
  RiskOpenOrdersSync,
  RiskOperatorCommandRefused,
  RiskOrderClosed,
  RiskOrderDenied,
  RiskPortfolioUpdate,
  RiskPriceUpdate,
  RiskPricesUpdate,
  RiskProtocol,
  RiskReturnsUpdate,
  RiskSetTradingState,
  RiskStatus,
  RiskSubmitOrder,
  RiskTradingStateChanged,
  RiskVarFigures,
  RiskVarUpdated,
} from './protocol.js';

export { DEFAULT_VAR_REFRESH_MS, RiskActor } from './risk-actor.js';
export type { RiskActorProps } from './risk-actor.js';
export { DEFAULT_SEQ_BLOCK, DEFAULT_STATE_HISTORY_KEPT } from './risk-books.js';
export type { RiskJournalEvent, RiskSnapshot, TradingStateRecord } from './risk-books.js';

export {
  InvalidApprovalRequestError,
  InvalidRiskKeyError,
  InvalidRiskLimitsError,
  InvalidTradingStateTransitionError,
  RISK_ERROR_CODES,
} from './errors.js';
export type { RiskErrorCode } from './errors.js';
