import { BifrostError } from '../../runtime/errors.js';

/** A backtest's inputs are invalid; every problem is listed, each naming its field. */
export class BacktestConfigError extends BifrostError {
  constructor(readonly problems: readonly string[]) {
    super('INVALID_BACKTEST', `invalid backtest:\n  - ${problems.join('\n  - ')}`);
  }
}
