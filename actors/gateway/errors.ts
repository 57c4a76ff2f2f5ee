import { BifrostError } from '../../runtime/errors.js';

/**
 * Codes of the `error` events a session sends its client. A bad message gets one of these; the
 * connection stays open.
 */
export const GATEWAY_ERROR_CODES = {
  /** The frame was not JSON. */
  badJson: 'BAD_JSON',
  /** The frame was binary; the protocol is JSON text. */
  binaryFrame: 'BINARY_FRAME',
  /** The JSON did not match any command; `problems` names each field at fault. */
  badMessage: 'BAD_MESSAGE',
  /** Too many commands in a short time; this one was not acted on. */
  rateLimited: 'RATE_LIMITED',
  /** The symbol is not in this node's universe. */
  unknownSymbol: 'UNKNOWN_SYMBOL',
  /** A second backtest or sweep under an id still running, or more than a session may run at once. */
  busy: 'BUSY',
  /** No running sweep has that id. */
  unknownRequest: 'UNKNOWN_REQUEST',
  /** An actor behind the gateway did not answer in time. */
  upstreamTimeout: 'UPSTREAM_TIMEOUT',
  /** Not enough stored bars to run a backtest or a sweep. */
  noBars: 'NO_BARS',
  /** The strategy or its params were refused. */
  invalidStrategy: 'INVALID_STRATEGY',
  /** Something failed inside the gateway; the message says what. */
  internal: 'INTERNAL',
} as const;
/** One of {@link GATEWAY_ERROR_CODES}. */
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[keyof typeof GATEWAY_ERROR_CODES];

/** The gateway's configuration is wrong; `problems` names every field at fault. */
export class GatewayConfigError extends BifrostError {
  constructor(readonly problems: readonly string[]) {
    super('GATEWAY_CONFIG', `invalid gateway configuration: ${problems.join('; ')}`);
  }
}

/** A session was asked for work its client is not allowed or able to start. */
export class GatewayRequestError extends BifrostError {
  constructor(
    readonly errorCode: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(errorCode, message, options);
  }
}
