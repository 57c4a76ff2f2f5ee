import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barProblems } from '../../actors/domain/bar.js';
import { loadCsv, loadCsvDir, parseCsv } from '../../actors/market/csv.js';
import { CsvFormatError, InvalidMarketOptionsError, formatCsvProblem } from '../../actors/market/errors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const good = join(fixtures, 'ohlcv');
const bad = join(fixtures, 'ohlcv-bad', 'BAD.csv');
const header = 'date,open,high,low,close,volume';

test('loads a CSV with the symbol taken from the file name and UTC-midnight daily bars', async (t) => {
  const { symbol, interval, bars, problems } = await loadCsv(join(good, 'ALFA.csv'));
  t.is(symbol, 'ALFA');
  t.is(interval, '1d');
  t.is(bars.length, 60);
  t.deepEqual(problems, []);
  t.deepEqual(bars[0], {
    symbol: 'ALFA', interval: '1d', time: Date.UTC(2024, 0, 2), open: 187.15, high: 187.15, low: 185.17, close: 185.17, volume: 2895925,
  });
  for (const bar of bars) t.deepEqual(barProblems(bar), []);
  t.true(bars.every((b, i) => i === 0 || b.time > bars[i - 1]!.time));
});

test('reads a capitalised header and CRLF line endings', async (t) => {
  const { bars } = await loadCsv(join(good, 'BETA.csv'));
  t.is(bars.length, 60);
  t.is(bars[0]!.open, 42.3);
  t.is(bars.at(-1)!.time, Date.UTC(2024, 2, 25));
});

test('loadCsvDir loads every CSV in a folder keyed by symbol', async (t) => {
  const all = await loadCsvDir(good, { interval: '1d' });
  t.deepEqual([...all.keys()], ['ALFA', 'BETA']);
  t.is(all.get('BETA')!.bars[0]!.symbol, 'BETA');
});

test('options override the symbol and the interval', async (t) => {
  const { bars } = await loadCsv(join(good, 'ALFA.csv'), { symbol: 'XYZ', interval: '1wk' });
  t.is(bars[0]!.symbol, 'XYZ');
  t.is(bars[0]!.interval, '1wk');
});

test('the first bad row throws a CsvFormatError naming the file, the line and the problem', async (t) => {
  const err = await t.throwsAsync(loadCsv(bad), { instanceOf: CsvFormatError });
  t.is(err!.file, 'BAD.csv');
  t.is(err!.line, 3);
  t.regex(err!.message, /^BAD\.csv line 3: high 10 < low 12/);
});

test('skip mode returns the good bars and one problem per bad row', async (t) => {
  const { bars, problems } = await loadCsv(bad, { onError: 'skip' });
  t.deepEqual(bars.map((b) => b.time), [
    Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 10), Date.UTC(2024, 0, 11, 14, 30),
  ]);
  const byLine = Object.fromEntries(problems.map((p) => [p.line, p.problem]));
  t.deepEqual(Object.keys(byLine).map(Number), [3, 4, 5, 6, 7, 8, 9]);
  t.regex(byLine[3]!, /high 10 < low 12/);
  t.is(byLine[4], "open 'null' is not a number");
  t.is(byLine[5], 'expected 6 fields, found 5');
  t.is(byLine[6], "date '2024-02-30' is not a calendar date");
  t.is(byLine[7], "date 2024-01-02 is not after the previous row's 2024-01-02");
  t.regex(byLine[8]!, /volume -5/);
  t.regex(byLine[9]!, /close 11\.2 outside/);
  t.is(formatCsvProblem(problems[0]!).slice(0, 16), 'BAD.csv line 3: ');
});

const timestamps: [string, string, number][] = [
  ['a Z timestamp', '2024-03-01T14:30:00Z', Date.UTC(2024, 2, 1, 14, 30)],
  ['an offset timestamp', '2024-03-01T09:30:00-05:00', Date.UTC(2024, 2, 1, 14, 30)],
  ['a compact offset', '2024-03-01T09:30:00-0500', Date.UTC(2024, 2, 1, 14, 30)],
  ['milliseconds', '2024-03-01T14:30:00.250Z', Date.UTC(2024, 2, 1, 14, 30, 0, 250)],
  ['a space separator without a zone (read as UTC)', '2024-03-01 14:30', Date.UTC(2024, 2, 1, 14, 30)],
  ['a leap day', '2024-02-29', Date.UTC(2024, 1, 29)],
];

for (const [name, cell, want] of timestamps) {
  test(`parses ${name}`, (t) => {
    const { bars } = parseCsv(`${header}\n${cell},1,2,0.5,1.5,10\n`, { file: 'X.csv', interval: '1m' });
    t.is(bars[0]!.time, want);
  });
}

test('columns may come in any order and extra columns are ignored', (t) => {
  const { bars } = parseCsv('Volume,Close,Adj Close,Low,High,Open,Date\n100,10.5,10.4,9,11,10,2024-01-02', { file: 'X.csv' });
  t.deepEqual(bars[0], { symbol: 'X', interval: '1d', time: Date.UTC(2024, 0, 2), open: 10, high: 11, low: 9, close: 10.5, volume: 100 });
});

test('numbers parse exactly as Number() does, including exponents and long mantissas', (t) => {
  const cells = ['0.128', '187.15', '1e2', '123456789012345678', '0.1000000000000000055511151231257827', '2.5E-1'];
  for (const c of cells) {
    const { bars } = parseCsv(`${header}\n2024-01-02,${c},${c},${c},${c},${c}`, { file: 'X.csv' });
    t.is(bars[0]!.close, Number(c), c);
  }
});

const headerErrors: [string, string, RegExp][] = [
  ['an empty file', '', /X\.csv line 1: the file is empty/],
  ['a header without volume', 'date,open,high,low,close\n', /X\.csv line 1: header .* lacks volume/],
  ['a file whose first line is data', '2024-01-02,1,2,0.5,1.5,10\n', /lacks date, open, high, low, close, volume/],
  ['a repeated column', 'date,open,high,low,close,volume,close\n', /repeats close/],
];

for (const [name, text, message] of headerErrors) {
  test(`${name} throws even in skip mode`, (t) => {
    t.throws(() => parseCsv(text, { file: 'X.csv', onError: 'skip' }), { instanceOf: CsvFormatError, message });
  });
}

test('invalid options are rejected with every problem named', (t) => {
  const err = t.throws(() => parseCsv(header, { file: 'X.csv', symbol: '', interval: '2h' as never, onError: 'ignore' as never }), {
    instanceOf: InvalidMarketOptionsError,
  });
  t.is(err!.problems.length, 3);
});

test('streams a file larger than one read chunk without losing or splitting rows', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bifrost-csv-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rows = [header];
  const day0 = Date.UTC(2000, 0, 1);
  for (let i = 0; i < 20_000; i++) {
    const p = 100 + (i % 50) / 10;
    rows.push(`${new Date(day0 + i * 86_400_000).toISOString().slice(0, 10)},${p},${p + 1},${p - 1},${p},${1000 + i}`);
  }
  await writeFile(join(dir, 'BIG.csv'), rows.join('\n'));
  const { bars } = await loadCsv(join(dir, 'BIG.csv'));
  t.is(bars.length, 20_000);
  t.is(bars[12_345]!.volume, 1000 + 12_345);
  t.is(bars.at(-1)!.time, day0 + 19_999 * 86_400_000);
});
