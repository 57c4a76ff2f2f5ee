export { BollingerAtr, RsiReversion, sharesFor, SmaCross } from './builtins/index.js';
export { InvalidStrategyParamsError, UnknownStrategyError } from './errors.js';
export { defineParams, int, num, ParamsDefinition } from './params.js';
export type { NumberParam, ParamsOf, ParamSpec } from './params.js';
export type { MarketBar, MarketBars, MarketQuote, StrategyGetStatus, StrategyProtocol, StrategyStatus } from './protocol.js';
export { BUILTIN_STRATEGIES, registerStrategyKinds, strategyClass } from './registry.js';
export { DEFAULT_ORDER_ACK_TIMEOUT_MS, DEFAULT_ORDER_RETRY_MS, ORDER_UNACKNOWLEDGED, Strategy } from './strategy.js';
export type { OrderOptions, OrderUnacknowledged, StrategyClass, StrategyProps } from './strategy.js';
