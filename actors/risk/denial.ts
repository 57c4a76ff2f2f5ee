/**
 * Stable codes of pre-trade denials. A denial is a value, never an exception; its message is
 * `CODE: key=value, key=value`, e.g. `NOTIONAL_EXCEEDS_MAX_PER_ORDER: max=50000, was=61200`.
 * docs/risk.md documents each code, its config key and its default.
 */
export const DENIAL_CODES = {
  TRADING_HALTED: 'TRADING_HALTED',
  REDUCING_ONLY: 'REDUCING_ONLY',
  UNKNOWN_PORTFOLIO: 'UNKNOWN_PORTFOLIO',
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
  SYMBOL_NOT_TRADABLE: 'SYMBOL_NOT_TRADABLE',
  SYMBOL_RESTRICTED: 'SYMBOL_RESTRICTED',
  INVALID_ORDER: 'INVALID_ORDER',
  NO_REFERENCE_PRICE: 'NO_REFERENCE_PRICE',
  PRICE_OUTSIDE_BAND: 'PRICE_OUTSIDE_BAND',
  NOTIONAL_EXCEEDS_MAX_PER_ORDER: 'NOTIONAL_EXCEEDS_MAX_PER_ORDER',
  POSITION_EXCEEDS_MAX: 'POSITION_EXCEEDS_MAX',
  GROSS_EXPOSURE_EXCEEDS_MAX: 'GROSS_EXPOSURE_EXCEEDS_MAX',
  NET_EXPOSURE_EXCEEDS_MAX: 'NET_EXPOSURE_EXCEEDS_MAX',
  CONCENTRATION_EXCEEDS_MAX: 'CONCENTRATION_EXCEEDS_MAX',
  SHORT_NOT_ALLOWED: 'SHORT_NOT_ALLOWED',
  INSUFFICIENT_BUYING_POWER: 'INSUFFICIENT_BUYING_POWER',
  ORDER_RATE_EXCEEDED_STRATEGY: 'ORDER_RATE_EXCEEDED_STRATEGY',
  ORDER_RATE_EXCEEDED_PORTFOLIO: 'ORDER_RATE_EXCEEDED_PORTFOLIO',
  MAX_OPEN_ORDERS_EXCEEDED: 'MAX_OPEN_ORDERS_EXCEEDED',
  DAILY_LOSS_LIMIT_REACHED: 'DAILY_LOSS_LIMIT_REACHED',
  PATTERN_DAY_TRADER_LIMIT: 'PATTERN_DAY_TRADER_LIMIT',
  VAR_HISTORY_INSUFFICIENT: 'VAR_HISTORY_INSUFFICIENT',
  POST_TRADE_VAR_EXCEEDS_MAX: 'POST_TRADE_VAR_EXCEEDS_MAX',
} as const;
export type DenialCode = (typeof DENIAL_CODES)[keyof typeof DENIAL_CODES];

/** Context values carried by a denial; rendered in key order of insertion. */
export type DenialContext = Readonly<Record<string, string | number | boolean>>;

/** A pre-trade denial: a stable code, a rendered message and the context it was rendered from. */
export interface Denial {
  readonly code: DenialCode;
  readonly message: string;
  readonly context: DenialContext;
}

function render(value: string | number | boolean): string {
  if (typeof value !== 'number') return String(value);
  // Money and ratios: at most 6 decimals, no trailing zeros, no float noise (0.1 + 0.2 -> 0.3).
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

/**
 * Builds a frozen denial.
 * @example deny('NOTIONAL_EXCEEDS_MAX_PER_ORDER', { max: 50000, was: 61200 }).message
 * // 'NOTIONAL_EXCEEDS_MAX_PER_ORDER: max=50000, was=61200'
 */
export function deny(code: DenialCode, context: DenialContext = {}): Denial {
  const parts = Object.entries(context).map(([k, v]) => `${k}=${render(v)}`);
  const message = parts.length > 0 ? `${code}: ${parts.join(', ')}` : code;
  return Object.freeze({ code, message, context: Object.freeze({ ...context }) });
}
