import { InvalidIndicatorInputError, InvalidIndicatorParamError } from '../errors.js';
import type { HighLowClose } from './types.js';

/** Returns `value` if it is an integer >= `min`; throws `InvalidIndicatorParamError` otherwise. */
export function requireInteger(indicator: string, param: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidIndicatorParamError(indicator, param, value, `an integer >= ${min}`);
  }
  return value;
}

/** Returns `value` if it is a finite number > 0; throws `InvalidIndicatorParamError` otherwise. */
export function requirePositive(indicator: string, param: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidIndicatorParamError(indicator, param, value, 'a finite number > 0');
  }
  return value;
}

/** Returns `value` if it is finite; throws `InvalidIndicatorInputError` otherwise. */
export function requireFiniteInput(indicator: string, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidIndicatorInputError(indicator, field, value, 'a finite number');
  }
  return value;
}

/** Checks a bar-like input: finite high, low, close and high >= low. */
export function requireHighLowClose(indicator: string, bar: HighLowClose): HighLowClose {
  requireFiniteInput(indicator, 'high', bar.high);
  requireFiniteInput(indicator, 'low', bar.low);
  requireFiniteInput(indicator, 'close', bar.close);
  if (bar.high < bar.low) {
    throw new InvalidIndicatorInputError(indicator, 'high', bar.high, `>= low ${bar.low}`);
  }
  return bar;
}
