import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the errors the risk module throws (business denials are values, see `DENIAL_CODES`). */
export const RISK_ERROR_CODES = {
  INVALID_RISK_LIMITS: 'INVALID_RISK_LIMITS',
  INVALID_TRADING_STATE_TRANSITION: 'INVALID_TRADING_STATE_TRANSITION',
  INVALID_RISK_KEY: 'INVALID_RISK_KEY',
  INVALID_APPROVAL_REQUEST: 'INVALID_APPROVAL_REQUEST',
} as const;
export type RiskErrorCode = (typeof RISK_ERROR_CODES)[keyof typeof RISK_ERROR_CODES];

/** Risk limits failed validation; `problems` lists every violation, each naming its field. */
export class InvalidRiskLimitsError extends BifrostError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(RISK_ERROR_CODES.INVALID_RISK_LIMITS, `invalid risk limits: ${problems.join('; ')}`, options);
  }
}

/** A trading-state change that the transition table does not list. */
export class InvalidTradingStateTransitionError extends BifrostError {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly trigger: string,
    options?: { cause?: unknown },
  ) {
    super(RISK_ERROR_CODES.INVALID_TRADING_STATE_TRANSITION, `trading state cannot go from ${from} to ${to} on ${trigger}`, options);
  }
}

/** The configured risk key is unusable. The message never contains the key. */
export class InvalidRiskKeyError extends BifrostError {
  constructor(
    readonly variable: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(RISK_ERROR_CODES.INVALID_RISK_KEY, `${variable}: ${problem}`, options);
  }
}

/** `signApproval` was called with parameters that cannot produce a verifiable token. */
export class InvalidApprovalRequestError extends BifrostError {
  constructor(
    readonly field: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(RISK_ERROR_CODES.INVALID_APPROVAL_REQUEST, `cannot sign approval: ${field} ${problem}`, options);
  }
}
