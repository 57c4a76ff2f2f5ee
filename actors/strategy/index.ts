export { BollingerAtr, RsiReversion, sharesFor, SmaCross } from './builtins/index.js';
export { InvalidStrategyParamsError, UnknownStrategyError } from './errors.js';
export { defineParams, int, num, ParamsDefinition } from './params.js';
export type { NumberParam, ParamsOf, ParamSpec } from './params.js';
export type { MarketBar, MarketBars, MarketQuote, StrategyGetStatus, StrategyProtocol, StrategyStatus } from './protocol.js';
export { BUILTIN_STRATEGIES, registerStrategyKinds, strategyClass } from './registry.js';
export { Strategy } from './strategy.js';
export type { OrderOptions, StrategyClass, StrategyProps } from './strategy.js';
