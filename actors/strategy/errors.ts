import { BifrostError } from '../../runtime/errors.js';

/** Strategy params failed validation; `problems` names every field at fault. */
export class InvalidStrategyParamsError extends BifrostError {
  constructor(
    readonly strategy: string,
    readonly problems: readonly string[],
  ) {
    super('INVALID_STRATEGY_PARAMS', `invalid params for strategy ${strategy}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** No strategy class is registered under this kind. */
export class UnknownStrategyError extends BifrostError {
  constructor(
    readonly kind: string,
    readonly known: readonly string[],
  ) {
    super('UNKNOWN_STRATEGY', `no strategy ${JSON.stringify(kind)} (known: ${known.join(', ')})`);
  }
}
