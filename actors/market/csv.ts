import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InvalidBarError, isInterval, validateBar } from '../domain/bar.js';
import type { Bar, Interval } from '../domain/bar.js';
import { CsvFormatError, InvalidMarketOptionsError } from './errors.js';
import type { CsvProblem } from './errors.js';
import { parseCsvDate } from './csv-date.js';

/** Columns an OHLCV CSV must have (any order, any case; extra columns are ignored). */
export const CSV_COLUMNS = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
/** Interval assumed for CSV bars unless the caller says otherwise. */
export const DEFAULT_CSV_INTERVAL: Interval = '1d';
/** Read-stream chunk size when streaming a CSV file, in bytes. */
export const DEFAULT_CSV_CHUNK_BYTES = 256 * 1024;

/** What to do with a bad row: `'throw'` a `CsvFormatError` at the first one, or `'skip'` it and report it. */
export type CsvErrorMode = 'throw' | 'skip';

/** Options of `loadCsv`, `parseCsv` and `loadCsvDir`. */
export interface CsvOptions {
  /** Symbol of the bars. Default: the file name without `.csv` (`AAPL.csv` gives `AAPL`). */
  readonly symbol?: string;
  /** Interval of the bars. Default `DEFAULT_CSV_INTERVAL` (`'1d'`). */
  readonly interval?: Interval;
  /** Bad-row policy. Default `'throw'`. A bad or missing header always throws. */
  readonly onError?: CsvErrorMode;
}

/** The bars read from one CSV, in time order, and the rows skipped (always empty in `'throw'` mode). */
export interface CsvLoadResult {
  readonly file: string;
  readonly symbol: string;
  readonly interval: Interval;
  readonly bars: Bar[];
  readonly problems: CsvProblem[];
}

/**
 * Reads an OHLCV CSV file (`date,open,high,low,close,volume`, header required) line by line.
 * Dates are `YYYY-MM-DD` (UTC midnight) or ISO timestamps (UTC when no zone is given). Every row is
 * checked with `validateBar`, and dates must strictly increase. A bad row throws a `CsvFormatError`
 * such as `AAPL.csv line 17: high 10 < low 12`, or with `onError: 'skip'` is left out and reported
 * in `problems`.
 *
 * @example
 * ```ts
 * const { bars } = await loadCsv('data/ohlcv/AAPL.csv');
 * const { bars: ok, problems } = await loadCsv('dirty.csv', { symbol: 'XYZ', onError: 'skip' });
 * ```
 */
export async function loadCsv(path: string, options: CsvOptions = {}): Promise<CsvLoadResult> {
  const file = basename(path);
  const parser = new CsvBarParser(file, checkOptions('loadCsv', file, options));
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: DEFAULT_CSV_CHUNK_BYTES });
  let rest = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest + chunk;
    let from = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      parser.line(text, from, nl);
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    rest = text.slice(from);
  }
  if (rest.length > 0) parser.line(rest);
  return parser.finish();
}

/**
 * Parses OHLCV CSV text already in memory, with the same rules as `loadCsv`; `file` names it in
 * messages and gives the default symbol.
 *
 * @example
 * ```ts
 * const { bars } = parseCsv('date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,1000\n', { file: 'XYZ.csv' });
 * ```
 */
export function parseCsv(text: string, options: CsvOptions & { readonly file: string }): CsvLoadResult {
  const parser = new CsvBarParser(options.file, checkOptions('parseCsv', options.file, options));
  let from = 0;
  let nl = text.indexOf('\n');
  while (nl !== -1) {
    parser.line(text, from, nl);
    from = nl + 1;
    nl = text.indexOf('\n', from);
  }
  if (from < text.length) parser.line(text, from, text.length);
  return parser.finish();
}

/**
 * Loads every `<SYMBOL>.csv` in `dir` (not recursive; the extension in any case), keyed by symbol in
 * file-name order.
 *
 * @example
 * ```ts
 * const all = await loadCsvDir('data/ohlcv');
 * const aapl = all.get('AAPL')?.bars;
 * ```
 */
export async function loadCsvDir(dir: string, options: Omit<CsvOptions, 'symbol'> = {}): Promise<Map<string, CsvLoadResult>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && extname(e.name).toLowerCase() === '.csv')
    .map((e) => e.name)
    .sort();
  const results = await Promise.all(files.map((name) => loadCsv(join(dir, name), options)));
  return new Map(results.map((r) => [r.symbol, r]));
}

interface ParserConfig {
  readonly symbol: string;
  readonly interval: Interval;
  readonly onError: CsvErrorMode;
}

/** Turns CSV lines into validated bars; one instance per file. */
class CsvBarParser {
  private lineNo = 0;
  private columns: number[] | undefined;
  /** For each field position of a row, which of CSV_COLUMNS it is (-1: ignored). */
  private slots: number[] = [];
  private fieldCount = 0;
  private readonly cellStart = new Int32Array(6);
  private readonly cellEnd = new Int32Array(6);
  private readonly cells = new Float64Array(6);
  private lastTime = -Infinity;
  // Where the previous good row's date lies, kept as indices so messages can quote it without a copy per row.
  private lastText = '';
  private lastStart = 0;
  private readonly bars: Bar[] = [];
  private readonly problems: CsvProblem[] = [];

  constructor(
    private readonly file: string,
    private readonly config: ParserConfig,
  ) {}

  /** Parses `text[start, end)`, one line without its `\n`. Works on indices: no per-line copies on the hot path. */
  line(text: string, start = 0, end = text.length): void {
    this.lineNo += 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end -= 1;
    if (this.columns === undefined) {
      if (this.lineNo === 1 && text.charCodeAt(start) === 0xfeff) start += 1;
      this.header(text.slice(start, end));
      return;
    }
    if (isBlank(text, start, end)) return;
    const cells = this.cells;
    let field = 0;
    let from = start;
    while (from <= end) {
      let comma = text.indexOf(',', from);
      if (comma === -1 || comma > end) comma = end;
      const slot = field < this.slots.length ? this.slots[field]! : -1;
      if (slot >= 0) {
        this.cellStart[slot] = from;
        this.cellEnd[slot] = comma;
      }
      field += 1;
      from = comma + 1;
    }
    if (field !== this.fieldCount) {
      this.reject(`expected ${this.fieldCount} fields, found ${field}`);
      return;
    }
    const time = parseCsvDate(text.slice(this.cellStart[0]!, this.cellEnd[0]!).trim());
    for (let i = 1; i < 6; i++) cells[i] = parseNumber(text, this.cellStart[i]!, this.cellEnd[i]!);
    if (typeof time === 'string' || hasNaN(cells)) {
      this.rejectCells(text, time);
      return;
    }
    if (time <= this.lastTime) {
      this.reject(`date ${this.cell(text, 0)} is not after the previous row's ${this.lastDate}`);
      return;
    }
    const bar: Bar = Object.freeze({
      symbol: this.config.symbol,
      interval: this.config.interval,
      time,
      open: cells[1]!,
      high: cells[2]!,
      low: cells[3]!,
      close: cells[4]!,
      volume: cells[5]!,
    });
    try {
      // `where` is only the file: the line number goes into our own error, built only for a bad row.
      this.bars.push(validateBar(bar, this.file));
    } catch (error) {
      if (!(error instanceof InvalidBarError)) throw error;
      this.reject(error.problems.join('; '), error);
      return;
    }
    this.lastTime = time;
    this.lastStart = this.cellStart[0]!;
    this.lastText = text;
  }

  finish(): CsvLoadResult {
    if (this.columns === undefined) this.fail('the file is empty; expected a header line');
    return { file: this.file, symbol: this.config.symbol, interval: this.config.interval, bars: this.bars, problems: this.problems };
  }

  private header(text: string): void {
    const names = text.split(',').map((n) => n.trim().toLowerCase());
    const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
    const repeated = CSV_COLUMNS.filter((c) => names.indexOf(c) !== names.lastIndexOf(c));
    if (missing.length > 0) this.fail(`header '${text}' lacks ${missing.join(', ')}; expected ${CSV_COLUMNS.join(',')}`);
    if (repeated.length > 0) this.fail(`header '${text}' repeats ${repeated.join(', ')}`);
    this.columns = CSV_COLUMNS.map((c) => names.indexOf(c));
    this.slots = names.map((n) => (CSV_COLUMNS as readonly string[]).indexOf(n));
    this.fieldCount = names.length;
  }

  private get lastDate(): string {
    const comma = this.lastText.indexOf(',', this.lastStart);
    return this.lastText.slice(this.lastStart, comma === -1 ? undefined : comma).trim();
  }

  private cell(text: string, slot: number): string {
    return text.slice(this.cellStart[slot]!, this.cellEnd[slot]!).trim();
  }

  /** Names every unparsable cell of the row at once. */
  private rejectCells(text: string, time: number | string): void {
    const problems: string[] = typeof time === 'string' ? [time] : [];
    for (let i = 1; i < 6; i++) {
      if (Number.isNaN(this.cells[i]!)) problems.push(`${CSV_COLUMNS[i]} '${this.cell(text, i)}' is not a number`);
    }
    this.reject(problems.join('; '));
  }

  private reject(problem: string, cause?: unknown): void {
    const p: CsvProblem = { file: this.file, line: this.lineNo, problem };
    if (this.config.onError === 'throw') throw new CsvFormatError(p, { cause });
    this.problems.push(p);
  }

  private fail(problem: string): never {
    throw new CsvFormatError({ file: this.file, line: Math.max(1, this.lineNo), problem });
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15] as const;

/**
 * Parses `text[start, end)` as a number, NaN when empty or not a number. Plain decimals of up to 15
 * digits take Clinger's fast path (an exact integer divided by an exact power of ten rounds
 * correctly, so the result equals `Number(cell)`); anything else (exponents, signs, spaces, long
 * mantissas) falls back to `Number`.
 */
function parseNumber(text: string, start: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits += 1;
      if (decimals >= 0) decimals += 1;
    } else if (c === 46 && decimals < 0) decimals = 0;
    else return slowNumber(text.slice(start, end));
  }
  if (digits === 0 || digits > 15) return slowNumber(text.slice(start, end));
  return decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
}

function slowNumber(cell: string): number {
  return cell.trim().length === 0 ? Number.NaN : Number(cell);
}

function hasNaN(cells: Float64Array): boolean {
  for (let i = 1; i < cells.length; i++) if (Number.isNaN(cells[i]!)) return true;
  return false;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function checkOptions(component: string, file: string, options: CsvOptions): ParserConfig {
  const problems: string[] = [];
  const symbol = options.symbol ?? file.replace(/\.csv$/i, '');
  if (typeof symbol !== 'string' || symbol.length === 0) problems.push(`symbol must be a non-empty string, was ${JSON.stringify(symbol)}`);
  const interval = options.interval ?? DEFAULT_CSV_INTERVAL;
  if (!isInterval(interval)) problems.push(`interval ${String(interval)} is not a known interval`);
  const onError = options.onError ?? 'throw';
  if (onError !== 'throw' && onError !== 'skip') problems.push(`onError must be 'throw' or 'skip', was ${String(onError)}`);
  if (problems.length > 0) throw new InvalidMarketOptionsError(component, problems);
  return { symbol, interval, onError };
}
