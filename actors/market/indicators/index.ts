export type { HighLowClose, Indicator } from './types.js';
export { SMA } from './sma.js';
export { EMA } from './ema.js';
export { RSI, DEFAULT_RSI_PERIOD_BARS } from './rsi.js';
export type { BollingerValue } from './bollinger.js';
export { BollingerBands, DEFAULT_BOLLINGER_PERIOD_BARS, DEFAULT_BOLLINGER_STD_DEVS } from './bollinger.js';
export { ATR, DEFAULT_ATR_PERIOD_BARS } from './atr.js';
export type { MacdParams, MacdValue } from './macd.js';
export {
  MACD,
  DEFAULT_MACD_FAST_PERIOD_BARS,
  DEFAULT_MACD_SLOW_PERIOD_BARS,
  DEFAULT_MACD_SIGNAL_PERIOD_BARS,
} from './macd.js';
export type { AdxValue } from './adx.js';
export { ADX, DEFAULT_ADX_PERIOD_BARS } from './adx.js';
export { ChoppinessIndex, DEFAULT_CHOP_PERIOD_BARS } from './choppiness.js';
export type { RollingVolatilityOptions } from './volatility.js';
export { RollingVolatility, DEFAULT_VOLATILITY_WINDOW_BARS, TRADING_DAYS_PER_YEAR } from './volatility.js';
export type { Regime, RegimeClassifierOptions, RegimeInputs, RegimeThresholds } from './regime.js';
export {
  REGIMES,
  classifyRegime,
  RegimeClassifier,
  DEFAULT_TRENDING_ADX,
  DEFAULT_CHOPPY_CHOP,
} from './regime.js';
export { InvalidIndicatorInputError, InvalidIndicatorParamError } from '../errors.js';
