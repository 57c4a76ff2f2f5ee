import type YahooFinance from 'yahoo-finance2';
import { isInterval, validateBar, InvalidBarError } from '../domain/bar.js';
import type { Bar, Interval } from '../domain/bar.js';
import { InvalidMarketOptionsError, MarketDataUnavailableError, UNAVAILABLE_REASONS } from './errors.js';
import { classifyYahooError } from './yahoo-errors.js';

/** Attempts per `fetchBars` call for transient failures (the first try included). */
export const DEFAULT_YAHOO_MAX_ATTEMPTS = 4;
/** Delay before the first retry; doubles per retry, with jitter. */
export const DEFAULT_YAHOO_RETRY_BASE_DELAY_MS = 500;
/** Cap on one retry delay. */
export const DEFAULT_YAHOO_RETRY_MAX_DELAY_MS = 8_000;

/** Our intervals in Yahoo's vocabulary (Yahoo's canonical hourly interval is `60m`). */
export const YAHOO_INTERVALS: Readonly<Record<Interval, '1m' | '5m' | '15m' | '30m' | '60m' | '1d' | '1wk'>> = {
  '1m': '1m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '60m',
  '1d': '1d',
  '1wk': '1wk',
};

const DAY_MS = 86_400_000;

/** yahoo-finance2's logger interface. */
export interface YahooLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  dir(...args: unknown[]): void;
}

/** Options of `YahooHistory`; all optional. */
export interface YahooHistoryOptions {
  /** The fetch yahoo-finance2 uses (tests replay recorded responses through it). Default: global fetch. */
  readonly fetch?: typeof fetch;
  /** Waits between retries. Default: a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of retry jitter in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Attempts for transient failures. Default `DEFAULT_YAHOO_MAX_ATTEMPTS`. */
  readonly maxAttempts?: number;
  /** First retry delay. Default `DEFAULT_YAHOO_RETRY_BASE_DELAY_MS`. */
  readonly retryBaseDelayMs?: number;
  /** Cap on a retry delay. Default `DEFAULT_YAHOO_RETRY_MAX_DELAY_MS`. */
  readonly retryMaxDelayMs?: number;
  /**
   * Receives yahoo-finance2's log lines. Default: warnings and errors to the console, except the
   * library's "requires Node >= 22" notice (it runs on Node 20, which Bifrost supports).
   */
  readonly logger?: YahooLogger;
  /**
   * Called with a description of each row that fails `validateBar`; the row is then skipped.
   * Without it such a row throws `InvalidBarError`.
   */
  readonly onInvalidRow?: (problem: string) => void;
}

/** The part of yahoo-finance2's array-form chart result that `YahooHistory` reads. */
interface ChartQuotes {
  readonly meta: { readonly gmtoffset: number; readonly priceHint?: number };
  readonly quotes: readonly {
    readonly date: Date;
    readonly open: number | null;
    readonly high: number | null;
    readonly low: number | null;
    readonly close: number | null;
    readonly volume: number | null;
  }[];
}

/**
 * Bar history from Yahoo Finance through yahoo-finance2's `chart()`.
 *
 * Rows with a null open, high, low or close are dropped (a null volume reads as 0); prices are rounded
 * to Yahoo's `priceHint` decimals (Yahoo stores float32, so 187.15 arrives as 187.14999389648438);
 * daily and weekly bars are stamped at UTC midnight of the exchange-local date, the same convention
 * as CSV imports, and intraday bars at their exact open time. Transient failures (HTTP 429/5xx,
 * connection resets, timeouts) are retried with exponential backoff; an unreachable network fails at
 * once with `MarketDataUnavailableError` (`reason: 'offline'`).
 *
 * @example
 * ```ts
 * const yahoo = new YahooHistory();
 * try {
 *   const bars = await yahoo.fetchBars('AAPL', '1d', new Date('2024-01-01'), new Date('2024-07-01'));
 * } catch (e) {
 *   if (e instanceof MarketDataUnavailableError && e.reason === 'offline') useSyntheticFeed();
 * }
 * ```
 */
export class YahooHistory {
  /** Provider name used in errors and logs. */
  readonly provider = 'yahoo';
  private readonly clientOptions: ConstructorParameters<typeof YahooFinance>[0];
  private client: Promise<InstanceType<typeof YahooFinance>> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onInvalidRow: ((problem: string) => void) | undefined;

  constructor(options: YahooHistoryOptions = {}) {
    const problems: string[] = [];
    this.maxAttempts = options.maxAttempts ?? DEFAULT_YAHOO_MAX_ATTEMPTS;
    this.baseDelayMs = options.retryBaseDelayMs ?? DEFAULT_YAHOO_RETRY_BASE_DELAY_MS;
    this.maxDelayMs = options.retryMaxDelayMs ?? DEFAULT_YAHOO_RETRY_MAX_DELAY_MS;
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1) problems.push(`maxAttempts must be an integer >= 1, was ${this.maxAttempts}`);
    if (!(this.baseDelayMs >= 0)) problems.push(`retryBaseDelayMs must be >= 0, was ${this.baseDelayMs}`);
    if (!(this.maxDelayMs >= this.baseDelayMs)) problems.push(`retryMaxDelayMs must be >= retryBaseDelayMs, was ${this.maxDelayMs}`);
    if (problems.length > 0) throw new InvalidMarketOptionsError('YahooHistory', problems);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.onInvalidRow = options.onInvalidRow;
    this.clientOptions = {
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      logger: options.logger ?? defaultLogger,
      suppressNotices: ['yahooSurvey', 'ripHistorical'],
      versionCheck: false,
    };
  }

  /**
   * Bars of `symbol` whose open time lies in `[from, to)`, oldest first.
   *
   * @throws MarketDataUnavailableError when offline, when Yahoo has no such symbol, when its answer is
   *   unusable, or when transient failures outlast the retries
   * @throws InvalidBarError for a row that fails validation (unless `onInvalidRow` is set)
   * @throws InvalidMarketOptionsError for an empty symbol, an unknown interval or `from >= to`
   */
  async fetchBars(symbol: string, interval: Interval, from: Date | number, to: Date | number): Promise<Bar[]> {
    const fromMs = from instanceof Date ? from.getTime() : from;
    const toMs = to instanceof Date ? to.getTime() : to;
    const problems: string[] = [];
    if (typeof symbol !== 'string' || symbol.trim().length === 0) problems.push('symbol must be a non-empty string');
    if (!isInterval(interval)) problems.push(`interval ${String(interval)} is not a known interval`);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) problems.push(`from (${String(from)}) must be before to (${String(to)})`);
    if (problems.length > 0) throw new InvalidMarketOptionsError('YahooHistory.fetchBars', problems);
    const chart = await this.chartWithRetries(symbol, interval, fromMs, toMs);
    return this.toBars(symbol, interval, chart, fromMs, toMs);
  }

  /** yahoo-finance2 loads on first use (~100 ms), so importing the market barrel for indicators stays cheap. */
  private yahoo(): Promise<InstanceType<typeof YahooFinance>> {
    this.client ??= import('yahoo-finance2').then(({ default: Client }) => new Client(this.clientOptions));
    return this.client;
  }

  private async chartWithRetries(symbol: string, interval: Interval, from: number, to: number): Promise<ChartQuotes> {
    const client = await this.yahoo();
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.chart(symbol, {
          period1: new Date(from),
          period2: new Date(to),
          interval: YAHOO_INTERVALS[interval],
          includePrePost: false,
        });
      } catch (error) {
        const failure = classifyYahooError(error);
        if (failure !== 'transient') throw new MarketDataUnavailableError(this.provider, symbol, failure, attempt, { cause: error });
        if (attempt >= this.maxAttempts) {
          throw new MarketDataUnavailableError(this.provider, symbol, UNAVAILABLE_REASONS.retriesExhausted, attempt, { cause: error });
        }
        await this.sleep(this.retryDelayMs(attempt));
      }
    }
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
  private retryDelayMs(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + 0.5 * this.random()));
  }

  private toBars(symbol: string, interval: Interval, chart: ChartQuotes, from: number, to: number): Bar[] {
    const hint = chart.meta.priceHint;
    const scale = Number.isInteger(hint) && hint! >= 0 && hint! <= 8 ? 10 ** hint! : undefined;
    const price = (p: number) => (scale === undefined ? p : Math.round(p * scale) / scale);
    const offsetMs = chart.meta.gmtoffset * 1000;
    const bars: Bar[] = [];
    for (const q of chart.quotes) {
      if (q.open === null || q.high === null || q.low === null || q.close === null) continue;
      const raw = q.date.getTime();
      // Daily and weekly bars: UTC midnight of the exchange-local date, as CSV imports have it.
      const time = interval === '1d' || interval === '1wk' ? Math.floor((raw + offsetMs) / DAY_MS) * DAY_MS : raw;
      if (time < from || time >= to) continue;
      const bar: Bar = { symbol, interval, time, open: price(q.open), high: price(q.high), low: price(q.low), close: price(q.close), volume: q.volume ?? 0 };
      let valid: Bar;
      try {
        valid = validateBar(bar, `yahoo ${symbol} ${interval} ${new Date(time).toISOString()}`);
      } catch (error) {
        if (!(error instanceof InvalidBarError) || this.onInvalidRow === undefined) throw error;
        this.onInvalidRow(error.message);
        continue;
      }
      // Yahoo sometimes repeats the latest bar (the live one); keep the last version of a time.
      if (bars.length > 0 && bars[bars.length - 1]!.time >= time) {
        if (bars[bars.length - 1]!.time === time) bars[bars.length - 1] = valid;
        continue;
      }
      bars.push(valid);
    }
    return bars;
  }
}

const defaultLogger: YahooLogger = {
  info: () => {},
  debug: () => {},
  dir: () => {},
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('Unsupported environment')) return;
    console.warn(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};
