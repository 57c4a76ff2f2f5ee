import { BifrostError } from '../../runtime/errors.js';

/** Stable codes of the market-data errors, for callers that branch on `code`. */
export const MARKET_ERROR_CODES = {
  invalidIndicatorParam: 'INVALID_INDICATOR_PARAM',
  invalidIndicatorInput: 'INVALID_INDICATOR_INPUT',
  invalidMarketOptions: 'INVALID_MARKET_OPTIONS',
  csvFormat: 'CSV_FORMAT',
  marketDataUnavailable: 'MARKET_DATA_UNAVAILABLE',
} as const;
export type MarketErrorCode = (typeof MARKET_ERROR_CODES)[keyof typeof MARKET_ERROR_CODES];

/**
 * An indicator was constructed with an invalid parameter, e.g. `new SMA(0)`.
 * `requirement` says what the parameter must be (`"an integer >= 1"`).
 */
export class InvalidIndicatorParamError extends BifrostError {
  constructor(
    readonly indicator: string,
    readonly param: string,
    readonly value: unknown,
    readonly requirement: string,
  ) {
    super(
      MARKET_ERROR_CODES.invalidIndicatorParam,
      `${indicator}: ${param} must be ${requirement}, was ${String(value)}`,
    );
  }
}

/**
 * An indicator was fed a value it cannot use (NaN, Infinity, a non-positive price where a log is taken).
 * The indicator's state is left unchanged, so one bad tick does not poison every later value.
 */
export class InvalidIndicatorInputError extends BifrostError {
  constructor(
    readonly indicator: string,
    readonly field: string,
    readonly value: unknown,
    readonly requirement: string,
  ) {
    super(
      MARKET_ERROR_CODES.invalidIndicatorInput,
      `${indicator}: input ${field} must be ${requirement}, was ${String(value)}`,
    );
  }
}

/**
 * Options given to a market-data building block (CSV loader, synthetic feed, Yahoo history) were invalid.
 * Every problem is collected before failing; each names its field.
 */
export class InvalidMarketOptionsError extends BifrostError {
  constructor(
    readonly component: string,
    readonly problems: readonly string[],
  ) {
    super(MARKET_ERROR_CODES.invalidMarketOptions, `${component}: invalid options: ${problems.join('; ')}`);
  }
}

/** One bad row of an OHLCV CSV file: the file's name, the 1-based line number and what is wrong. */
export interface CsvProblem {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

/** Formats a CSV problem as `AAPL.csv line 17: high 10 < low 12`. */
export function formatCsvProblem(p: CsvProblem): string {
  return `${p.file} line ${p.line}: ${p.problem}`;
}

/**
 * An OHLCV CSV file is malformed: a missing or wrong header, an unparsable field, a bar that fails
 * `validateBar`, or a date that does not advance. The message reads `AAPL.csv line 17: high 10 < low 12`.
 */
export class CsvFormatError extends BifrostError {
  /** The file's base name (what the message shows). */
  readonly file: string;
  /** 1-based line number (the header is line 1). */
  readonly line: number;
  /** What is wrong with the line, without the file and line prefix. */
  readonly problem: string;

  constructor(problem: CsvProblem, options?: { cause?: unknown }) {
    super(MARKET_ERROR_CODES.csvFormat, formatCsvProblem(problem), options);
    this.file = problem.file;
    this.line = problem.line;
    this.problem = problem.problem;
  }
}

/** Why market data could not be had. */
export const UNAVAILABLE_REASONS = {
  /** The network or the provider's host cannot be reached (DNS failure, connection refused). */
  offline: 'offline',
  /** Transient failures (HTTP 429/5xx, connection resets, timeouts) persisted through every retry. */
  retriesExhausted: 'retries-exhausted',
  /** The provider answered that it has no data for the symbol (unknown or delisted). */
  notFound: 'not-found',
  /** The provider answered with something unusable (schema drift, a 4xx other than 404/429). */
  badResponse: 'bad-response',
} as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[keyof typeof UNAVAILABLE_REASONS];

/**
 * Market data for `symbol` could not be fetched from `provider`. Callers in the embedded node treat
 * `reason === 'offline'` as the cue to fall back to the labelled synthetic feed.
 */
export class MarketDataUnavailableError extends BifrostError {
  constructor(
    readonly provider: string,
    readonly symbol: string,
    readonly reason: UnavailableReason,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    const detail = options?.cause instanceof Error ? `: ${describeCause(options.cause)}` : '';
    super(
      MARKET_ERROR_CODES.marketDataUnavailable,
      `market data for ${symbol} from ${provider} is unavailable (${reason}, ${attempts} attempt${attempts === 1 ? '' : 's'})${detail}`,
      options,
    );
  }
}

function describeCause(error: Error): string {
  const inner = (error as { cause?: unknown }).cause;
  const code = typeof inner === 'object' && inner !== null ? (inner as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
