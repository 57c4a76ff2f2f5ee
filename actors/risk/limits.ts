import { InvalidRiskLimitsError } from './errors.js';

/** VaR methods the post-trade VaR check can use. */
export const VAR_METHODS = ['parametric', 'historical'] as const;
export type VarMethod = (typeof VAR_METHODS)[number];

/**
 * Pre-trade limits of one risk engine. Money is in the account currency, `*Pct` fields are fractions
 * (0.1 = 10%), `*Ms` fields milliseconds. docs/risk.md lists every field with the check that uses it.
 */
export interface RiskLimits {
  /** Symbols no order may trade. Default `[]`. */
  readonly restrictedSymbols: readonly string[];
  /** Limit and stop prices must lie within ±this fraction of the last price. Default `0.10`. */
  readonly priceBandPct: number;
  /** Max notional (quantity x order price) of one order. Default `50_000`. */
  readonly maxNotionalPerOrder: number;
  /** Max absolute post-trade position in units, per symbol. Default `10_000`. */
  readonly maxPositionQuantity: number;
  /** Per-symbol overrides of `maxPositionQuantity`. Default `{}`. */
  readonly maxPositionQuantityBySymbol: Readonly<Record<string, number>>;
  /** Max post-trade gross exposure, sum of |quantity x price|. Default `250_000`. */
  readonly maxGrossExposure: number;
  /** Max post-trade |net exposure|, |sum of quantity x price|. Default `150_000`. */
  readonly maxNetExposure: number;
  /** Max post-trade |position value| in one symbol as a fraction of equity. Default `0.25`. */
  readonly maxConcentrationPct: number;
  /** Buying power is `equity x maxLeverage - gross exposure`. Default `1` (a cash account). */
  readonly maxLeverage: number;
  /** Whether any short position may be opened (the instrument must also be shortable). Default `false`. */
  readonly allowShort: boolean;
  /** Max approved orders per strategy within `rateWindowMs`. Default `10`. */
  readonly maxOrdersPerStrategyPerWindow: number;
  /** Max approved orders per portfolio within `rateWindowMs`. Default `30`. */
  readonly maxOrdersPerPortfolioPerWindow: number;
  /** The sliding window of the order rate limits. Default `1_000` ms. */
  readonly rateWindowMs: number;
  /** Max open (approved, not yet terminal) orders per portfolio. Default `50`. */
  readonly maxOpenOrders: number;
  /** Loss from the start-of-day equity at which only reducing orders pass; `null` disables. Default `5_000`. */
  readonly maxDailyLoss: number | null;
  /** Drawdown from peak equity, as a fraction, that halts trading; `null` disables. Default `0.20`. */
  readonly maxDrawdownPct: number | null;
  /** Below this equity the pattern-day-trader rule applies. Default `25_000`. */
  readonly pdtEquityThreshold: number;
  /** Day trades allowed within the window below the threshold. Default `3`. */
  readonly pdtMaxDayTrades: number;
  /** Length of the pattern-day-trader window in business days, today included. Default `5`. */
  readonly pdtWindowBusinessDays: number;
  /** IANA time zone whose calendar date is the trading day. Default `America/New_York`. */
  readonly tradingTimeZone: string;
  /** Max post-trade 1-day VaR; `null` disables the VaR check. Default `10_000`. */
  readonly maxPostTradeVar: number | null;
  /** Confidence of the post-trade VaR. Default `0.99`. */
  readonly varConfidence: number;
  /** Method of the post-trade VaR. Default `historical`. */
  readonly varMethod: VarMethod;
  /** Minimum aligned daily returns per held symbol for the VaR check. Default `20`. */
  readonly varMinObservations: number;
  /** Lifetime of an approval token. Default `5_000` ms. */
  readonly approvalTtlMs: number;
}

/** The limits used when none are configured. */
export const DEFAULT_RISK_LIMITS: RiskLimits = Object.freeze({
  restrictedSymbols: Object.freeze([]) as readonly string[],
  priceBandPct: 0.1,
  maxNotionalPerOrder: 50_000,
  maxPositionQuantity: 10_000,
  maxPositionQuantityBySymbol: Object.freeze({}),
  maxGrossExposure: 250_000,
  maxNetExposure: 150_000,
  maxConcentrationPct: 0.25,
  maxLeverage: 1,
  allowShort: false,
  maxOrdersPerStrategyPerWindow: 10,
  maxOrdersPerPortfolioPerWindow: 30,
  rateWindowMs: 1_000,
  maxOpenOrders: 50,
  maxDailyLoss: 5_000,
  maxDrawdownPct: 0.2,
  pdtEquityThreshold: 25_000,
  pdtMaxDayTrades: 3,
  pdtWindowBusinessDays: 5,
  tradingTimeZone: 'America/New_York',
  maxPostTradeVar: 10_000,
  varConfidence: 0.99,
  varMethod: 'historical',
  varMinObservations: 20,
  approvalTtlMs: 5_000,
});

type Rule = (value: unknown) => string | undefined;

const positive: Rule = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'must be a positive finite number');
const nonNegative: Rule = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'must be a non-negative finite number');
const positiveInteger: Rule = (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : 'must be a positive integer');
const nonNegativeInteger: Rule = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'must be a non-negative integer');
const fraction: Rule = (v) => (typeof v === 'number' && v > 0 && v <= 1 ? undefined : 'must be a number in (0, 1]');
const boolean: Rule = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
const nullable = (rule: Rule): Rule => (v) => (v === null ? undefined : rule(v) === undefined ? undefined : `${rule(v)!} or null`);
const symbols: Rule = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0) ? undefined : 'must be an array of non-empty strings';
const symbolQuantities: Rule = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((q) => positiveInteger(q) === undefined)
    ? undefined
    : 'must map symbols to positive integers';
const timeZone: Rule = (v) => {
  if (typeof v !== 'string') return 'must be an IANA time zone name';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: v });
    return undefined;
  } catch {
    return `${JSON.stringify(v)} is not a known IANA time zone`;
  }
};
const confidence: Rule = (v) => (typeof v === 'number' && v > 0.5 && v < 1 ? undefined : 'must be a number in (0.5, 1)');
const varMethod: Rule = (v) => ((VAR_METHODS as readonly unknown[]).includes(v) ? undefined : `must be one of ${VAR_METHODS.join(', ')}`);

const RULES: { readonly [K in keyof RiskLimits]: Rule } = {
  restrictedSymbols: symbols,
  priceBandPct: fraction,
  maxNotionalPerOrder: positive,
  maxPositionQuantity: positiveInteger,
  maxPositionQuantityBySymbol: symbolQuantities,
  maxGrossExposure: positive,
  maxNetExposure: positive,
  maxConcentrationPct: fraction,
  maxLeverage: positive,
  allowShort: boolean,
  maxOrdersPerStrategyPerWindow: positiveInteger,
  maxOrdersPerPortfolioPerWindow: positiveInteger,
  rateWindowMs: positiveInteger,
  maxOpenOrders: positiveInteger,
  maxDailyLoss: nullable(positive),
  maxDrawdownPct: nullable(fraction),
  pdtEquityThreshold: nonNegative,
  pdtMaxDayTrades: nonNegativeInteger,
  pdtWindowBusinessDays: positiveInteger,
  tradingTimeZone: timeZone,
  maxPostTradeVar: nullable(positive),
  varConfidence: confidence,
  varMethod: varMethod,
  varMinObservations: positiveInteger,
  approvalTtlMs: positiveInteger,
};

/**
 * Every problem with a (partial) limits object, each naming its field: unknown keys, wrong types,
 * out-of-range values, and `maxNetExposure` above `maxGrossExposure`. Missing keys take their default.
 */
export function riskLimitsProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['risk limits must be an object'];
  const problems: string[] = [];
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(RULES, key)) problems.push(`${key}: unknown key`);
  }
  for (const [key, rule] of Object.entries(RULES) as [keyof RiskLimits, Rule][]) {
    if (!Object.hasOwn(record, key)) continue;
    const problem = rule(record[key]);
    if (problem !== undefined) problems.push(`${key}: ${problem}, was ${JSON.stringify(record[key]) ?? String(record[key])}`);
  }
  if (problems.length === 0) {
    const merged = { ...DEFAULT_RISK_LIMITS, ...record } as RiskLimits;
    if (merged.maxNetExposure > merged.maxGrossExposure) {
      problems.push(`maxNetExposure: ${merged.maxNetExposure} exceeds maxGrossExposure ${merged.maxGrossExposure}`);
    }
  }
  return problems;
}

/**
 * Parses limits from untrusted input (a config file, an operator command): missing keys take
 * `DEFAULT_RISK_LIMITS`, unknown keys and invalid values throw one `InvalidRiskLimitsError` listing
 * every problem. Returns a deeply frozen object.
 * @example parseRiskLimits({ maxNotionalPerOrder: 25_000, restrictedSymbols: ['GME'] })
 */
export function parseRiskLimits(input: unknown): RiskLimits {
  const problems = riskLimitsProblems(input);
  if (problems.length > 0) throw new InvalidRiskLimitsError(problems);
  const record = input as Partial<RiskLimits>;
  return Object.freeze({
    ...DEFAULT_RISK_LIMITS,
    ...record,
    restrictedSymbols: Object.freeze([...(record.restrictedSymbols ?? DEFAULT_RISK_LIMITS.restrictedSymbols)]),
    maxPositionQuantityBySymbol: Object.freeze({ ...(record.maxPositionQuantityBySymbol ?? DEFAULT_RISK_LIMITS.maxPositionQuantityBySymbol) }),
  });
}
