import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the errors the portfolio module throws. */
export const PORTFOLIO_ERROR_CODES = {
  INVALID_FILL: 'INVALID_FILL',
  INVALID_PORTFOLIO: 'INVALID_PORTFOLIO',
} as const;
export type PortfolioErrorCode = (typeof PORTFOLIO_ERROR_CODES)[keyof typeof PORTFOLIO_ERROR_CODES];

/** A fill that cannot be booked: malformed, or for another portfolio. */
export class InvalidFillError extends BifrostError {
  constructor(
    readonly fillId: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(PORTFOLIO_ERROR_CODES.INVALID_FILL, `cannot book fill ${fillId}: ${problems.join('; ')}`, options);
  }
}

/** A portfolio definition or snapshot is invalid. */
export class InvalidPortfolioError extends BifrostError {
  constructor(
    readonly portfolioId: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(PORTFOLIO_ERROR_CODES.INVALID_PORTFOLIO, `invalid portfolio ${portfolioId}: ${problems.join('; ')}`, options);
  }
}
