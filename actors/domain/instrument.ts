import { InvalidInstrumentError, UnknownSymbolError } from './errors.js';
import { decimalPlaces } from './money.js';

/** A tradable instrument and the grid its orders must respect. */
export interface Instrument {
  /** Ticker, e.g. `AAPL`. */
  readonly symbol: string;
  /** Minimum price increment, e.g. `0.01`. Prices are valid only on multiples of it. */
  readonly tickSize: number;
  /** Minimum quantity increment in units (shares); order quantities are integer multiples of it. */
  readonly lotSize: number;
  /** ISO 4217 currency of prices, e.g. `USD`. */
  readonly currency: string;
  /** False while the instrument is known but suspended or otherwise not open for new orders. */
  readonly tradable: boolean;
  /** Whether a short position may be opened; absent means not shortable. */
  readonly shortable?: boolean;
}

/** The outcome of `InstrumentRegistry.lookup`: the instrument, or the typed reason it is missing. */
export type InstrumentLookup =
  | { readonly ok: true; readonly instrument: Instrument }
  | { readonly ok: false; readonly code: 'UNKNOWN_SYMBOL'; readonly symbol: string };

/** Every problem with an instrument definition, each naming its field; empty when it is valid. */
export function instrumentProblems(instrument: Instrument): string[] {
  const problems: string[] = [];
  if (typeof instrument.symbol !== 'string' || instrument.symbol.length === 0) problems.push('symbol is empty');
  if (typeof instrument.tickSize !== 'number' || !Number.isFinite(instrument.tickSize) || instrument.tickSize <= 0) {
    problems.push(`tickSize ${instrument.tickSize} is not a positive finite number`);
  } else if (decimalPlaces(instrument.tickSize) > 10) {
    problems.push(`tickSize ${instrument.tickSize} has more than 10 decimal places`);
  }
  if (!Number.isSafeInteger(instrument.lotSize) || instrument.lotSize <= 0) {
    problems.push(`lotSize ${instrument.lotSize} is not a positive integer`);
  }
  if (typeof instrument.currency !== 'string' || !/^[A-Z]{3}$/.test(instrument.currency)) {
    problems.push(`currency ${String(instrument.currency)} is not a 3-letter ISO code`);
  }
  if (typeof instrument.tradable !== 'boolean') problems.push('tradable is not a boolean');
  if (instrument.shortable !== undefined && typeof instrument.shortable !== 'boolean') problems.push('shortable is not a boolean');
  return problems;
}

/**
 * The set of instruments Bifrost knows. Immutable: build a new registry to add or change instruments.
 * @example
 * const registry = new InstrumentRegistry([{ symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true }]);
 * registry.require('AAPL').tickSize; // 0.01
 */
export class InstrumentRegistry {
  readonly #bySymbol: ReadonlyMap<string, Instrument>;

  /** Throws `InvalidInstrumentError` for the first invalid or duplicated instrument. */
  constructor(instruments: Iterable<Instrument>) {
    const map = new Map<string, Instrument>();
    for (const instrument of instruments) {
      const problems = instrumentProblems(instrument);
      if (map.has(instrument.symbol)) problems.push('symbol is listed twice');
      if (problems.length > 0) throw new InvalidInstrumentError(String(instrument.symbol), problems);
      map.set(instrument.symbol, Object.freeze({ ...instrument }));
    }
    this.#bySymbol = map;
  }

  /** Whether the symbol is known. */
  has(symbol: string): boolean {
    return this.#bySymbol.has(symbol);
  }

  /** The instrument, or `undefined` when the symbol is unknown. */
  get(symbol: string): Instrument | undefined {
    return this.#bySymbol.get(symbol);
  }

  /** The instrument; throws `UnknownSymbolError` when the symbol is unknown. */
  require(symbol: string): Instrument {
    const instrument = this.#bySymbol.get(symbol);
    if (instrument === undefined) throw new UnknownSymbolError(symbol);
    return instrument;
  }

  /** The instrument, or a typed `UNKNOWN_SYMBOL` value (no exception) for boundary code. */
  lookup(symbol: string): InstrumentLookup {
    const instrument = this.#bySymbol.get(symbol);
    return instrument === undefined ? { ok: false, code: 'UNKNOWN_SYMBOL', symbol } : { ok: true, instrument };
  }

  /** Known symbols in insertion order. */
  symbols(): readonly string[] {
    return [...this.#bySymbol.keys()];
  }
}
