import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the errors the domain module throws. */
export const DOMAIN_ERROR_CODES = {
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
  INVALID_INSTRUMENT: 'INVALID_INSTRUMENT',
  INVALID_CLIENT_ORDER_ID: 'INVALID_CLIENT_ORDER_ID',
  NON_CANONICAL_VALUE: 'NON_CANONICAL_VALUE',
} as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[keyof typeof DOMAIN_ERROR_CODES];

/** A symbol that the instrument registry does not know. */
export class UnknownSymbolError extends BifrostError {
  constructor(
    readonly symbol: string,
    options?: { cause?: unknown },
  ) {
    super(DOMAIN_ERROR_CODES.UNKNOWN_SYMBOL, `unknown symbol ${JSON.stringify(symbol)}`, options);
  }
}

/** An instrument definition is invalid; `problems` lists every violation, each naming its field. */
export class InvalidInstrumentError extends BifrostError {
  constructor(
    readonly symbol: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(DOMAIN_ERROR_CODES.INVALID_INSTRUMENT, `invalid instrument ${JSON.stringify(symbol)}: ${problems.join('; ')}`, options);
  }
}

/** A node id or restored generator state cannot produce unique client order ids. */
export class InvalidClientOrderIdError extends BifrostError {
  constructor(
    readonly field: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(DOMAIN_ERROR_CODES.INVALID_CLIENT_ORDER_ID, `client order id ${field}: ${problem}`, options);
  }
}

/** A value cannot be canonically encoded (a non-finite number, a function, a cycle...). */
export class NonCanonicalValueError extends BifrostError {
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(DOMAIN_ERROR_CODES.NON_CANONICAL_VALUE, `cannot canonically encode ${path}: ${problem}`, options);
  }
}
