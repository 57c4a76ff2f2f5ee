export type {
  AdxValue,
  BollingerValue,
  HighLowClose,
  Indicator,
  MacdParams,
  MacdValue,
  Regime,
  RegimeClassifierOptions,
  RegimeInputs,
  RegimeThresholds,
  RollingVolatilityOptions,
} from './indicators/index.js';
export {
  ADX,
  ATR,
  BollingerBands,
  ChoppinessIndex,
  EMA,
  MACD,
  RSI,
  RegimeClassifier,
  RollingVolatility,
  SMA,
  REGIMES,
  classifyRegime,
  DEFAULT_ADX_PERIOD_BARS,
  DEFAULT_ATR_PERIOD_BARS,
  DEFAULT_BOLLINGER_PERIOD_BARS,
  DEFAULT_BOLLINGER_STD_DEVS,
  DEFAULT_CHOP_PERIOD_BARS,
  DEFAULT_CHOPPY_CHOP,
  DEFAULT_MACD_FAST_PERIOD_BARS,
  DEFAULT_MACD_SIGNAL_PERIOD_BARS,
  DEFAULT_MACD_SLOW_PERIOD_BARS,
  DEFAULT_RSI_PERIOD_BARS,
  DEFAULT_TRENDING_ADX,
  DEFAULT_VOLATILITY_WINDOW_BARS,
  TRADING_DAYS_PER_YEAR,
} from './indicators/index.js';
export type { CsvErrorMode, CsvLoadResult, CsvOptions } from './csv.js';
export { CSV_COLUMNS, DEFAULT_CSV_CHUNK_BYTES, DEFAULT_CSV_INTERVAL, loadCsv, loadCsvDir, parseCsv } from './csv.js';
export type { SyntheticBar, SyntheticFeedOptions } from './synthetic-feed.js';
export { SyntheticFeed, isSyntheticBar } from './synthetic-feed.js';
export type { MarketRegime, RegimeParams, RegimeSwitchWeights } from './synthetic-model.js';
export {
  DEFAULT_DAILY_VOLUME_SHARES,
  DEFAULT_INITIAL_PRICE,
  DEFAULT_REGIME_PARAMS,
  DEFAULT_REGIME_SWITCH_WEIGHTS,
  DEFAULT_SUB_STEPS_PER_BAR,
  DEFAULT_TICK_SIZE,
  DEFAULT_VOLUME_LOG_SIGMA,
  MARKET_REGIMES,
  SYNTHETIC_SOURCE,
} from './synthetic-model.js';
export { Random, deriveSeed } from './random.js';
export type { YahooHistoryOptions, YahooLogger } from './yahoo.js';
export {
  DEFAULT_YAHOO_MAX_ATTEMPTS,
  DEFAULT_YAHOO_RETRY_BASE_DELAY_MS,
  DEFAULT_YAHOO_RETRY_MAX_DELAY_MS,
  YAHOO_INTERVALS,
  YahooHistory,
} from './yahoo.js';
export type { CsvProblem, MarketErrorCode, UnavailableReason } from './errors.js';
export {
  CsvFormatError,
  InvalidIndicatorInputError,
  InvalidIndicatorParamError,
  InvalidMarketOptionsError,
  MARKET_ERROR_CODES,
  MarketDataUnavailableError,
  UNAVAILABLE_REASONS,
  formatCsvProblem,
} from './errors.js';
export { DEFAULT_BARS_KEPT, SymbolActor } from './symbol-actor.js';
export type { SymbolActorProps } from './symbol-actor.js';
export { MarketDataActor } from './market-data-actor.js';
export type { MarketDataProps } from './market-data-actor.js';
export { BAR_STORE, HISTORY_SOURCE } from './services.js';
export type { HistorySource } from './services.js';
export type { MarketDataProtocol, MarketDataReply, MarketFeed, MarketInputRejected, ReplaySpeed, SymbolIndicators, SymbolProtocol, SymbolSnapshot } from './protocol.js';
export { DEFAULT_FEEDER_VAR_WINDOW_RETURNS, OrderPathFeeder } from './order-path-feeder.js';
export type { OrderPathFeederProps } from './order-path-feeder.js';
export { DEFAULT_VAR_WINDOW_RETURNS, ReturnWindows } from './return-windows.js';
