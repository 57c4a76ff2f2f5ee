import test from 'ava';
import { InvalidBarError } from '../../actors/domain/bar.js';
import { InvalidMarketOptionsError, MarketDataUnavailableError } from '../../actors/market/errors.js';
import { YahooHistory } from '../../actors/market/yahoo.js';
import type { YahooHistoryOptions, YahooLogger } from '../../actors/market/yahoo.js';
import { NOT_FOUND_BODY, chartFixture, fakeYahoo, offlineError } from './fake-yahoo.js';
import type { ChartReply } from './fake-yahoo.js';

const from = new Date('2024-01-01T00:00:00Z');
const to = new Date('2024-01-18T00:00:00Z');
const ok: ChartReply = { status: 200, body: chartFixture('aapl-1d-2024-01.json') };

function collectingLogger(): YahooLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, info: log, warn: log, error: log, debug: () => {}, dir: log };
}

function history(replies: ChartReply[], options: YahooHistoryOptions = {}) {
  const fake = fakeYahoo(replies);
  const sleeps: number[] = [];
  const logger = collectingLogger();
  const yahoo = new YahooHistory({
    fetch: fake.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
    logger,
    ...options,
  });
  return { yahoo, fake, sleeps, logger };
}

test('fetches daily bars from a recorded chart response, dropping the null row', async (t) => {
  const { yahoo, fake, logger } = history([ok]);
  const bars = await yahoo.fetchBars('AAPL', '1d', from, to);
  t.is(bars.length, 10);
  t.deepEqual(bars[0], {
    symbol: 'AAPL', interval: '1d', time: Date.UTC(2024, 0, 2), open: 187.15, high: 188.44, low: 183.89, close: 185.64, volume: 82488700,
  });
  t.false(bars.some((b) => b.time === Date.UTC(2024, 0, 16)));
  t.is(bars.at(-1)!.time, Date.UTC(2024, 0, 17));
  t.true(bars.every((b) => Object.isFrozen(b)));
  const url = new URL(fake.urls.at(-1)!);
  t.is(url.pathname, '/v8/finance/chart/AAPL');
  t.is(url.searchParams.get('interval'), '1d');
  t.is(url.searchParams.get('period1'), String(from.getTime() / 1000));
  t.is(url.searchParams.get('period2'), String(to.getTime() / 1000));
  t.deepEqual(logger.lines.filter((l) => !l.includes('Unsupported environment')), []);
});

test('keeps only bars whose open time lies in [from, to)', async (t) => {
  const { yahoo } = history([ok]);
  const bars = await yahoo.fetchBars('AAPL', '1d', Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 5));
  t.deepEqual(bars.map((b) => b.time), [Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)]);
});

test('asks Yahoo for 60m bars for the 1h interval and keeps intraday open times exact', async (t) => {
  const body = structuredClone(chartFixture('aapl-1d-2024-01.json')) as {
    chart: { result: [{ meta: { dataGranularity: string }; timestamp: number[] }] };
  };
  const result = body.chart.result[0];
  result.meta.dataGranularity = '60m';
  result.timestamp = result.timestamp.map((_, i) => 1704205800 + i * 3600);
  const { yahoo, fake } = history([{ status: 200, body }]);
  const bars = await yahoo.fetchBars('AAPL', '1h', from, to);
  t.is(new URL(fake.urls.at(-1)!).searchParams.get('interval'), '60m');
  t.deepEqual(bars.slice(0, 2).map((b) => b.time), [Date.UTC(2024, 0, 2, 14, 30), Date.UTC(2024, 0, 2, 15, 30)]);
  t.is(bars[0]!.interval, '1h');
});

test('an offline fetch gives MarketDataUnavailableError naming the symbol, without retrying', async (t) => {
  const { yahoo, sleeps } = history([{ throws: offlineError() }]);
  const err = await t.throwsAsync(yahoo.fetchBars('MSFT', '1d', from, to), { instanceOf: MarketDataUnavailableError });
  t.is(err!.symbol, 'MSFT');
  t.is(err!.reason, 'offline');
  t.is(err!.attempts, 1);
  t.regex(err!.message, /MSFT.*offline.*ENOTFOUND/);
  t.deepEqual(sleeps, []);
});

test('a bare TypeError("fetch failed") also counts as offline', async (t) => {
  const { yahoo } = history([{ throws: new TypeError('fetch failed') }]);
  const err = await t.throwsAsync(yahoo.fetchBars('AAPL', '1d', from, to), { instanceOf: MarketDataUnavailableError });
  t.is(err!.reason, 'offline');
});

test('a connection reset is retried with backoff and then succeeds', async (t) => {
  const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
  const { yahoo, sleeps, fake } = history([{ throws: reset }, ok]);
  const bars = await yahoo.fetchBars('AAPL', '1d', from, to);
  t.is(bars.length, 10);
  t.deepEqual(sleeps, [500]);
  t.is(fake.urls.filter((u) => u.includes('/v8/finance/chart/')).length, 2);
});

test('HTTP 503 and 429 are retried with growing delays', async (t) => {
  const { yahoo, sleeps } = history([{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests' }, ok]);
  t.is((await yahoo.fetchBars('AAPL', '1d', from, to)).length, 10);
  t.deepEqual(sleeps, [500, 1000]);
});

test('transient failures that outlast the retries give reason retries-exhausted', async (t) => {
  const { yahoo, sleeps } = history([{ status: 502, body: 'Bad Gateway' }], { maxAttempts: 3, retryMaxDelayMs: 800 });
  const err = await t.throwsAsync(yahoo.fetchBars('AAPL', '1d', from, to), { instanceOf: MarketDataUnavailableError });
  t.is(err!.reason, 'retries-exhausted');
  t.is(err!.attempts, 3);
  t.deepEqual(sleeps, [500, 800]);
});

test('an unknown symbol gives reason not-found at once', async (t) => {
  const { yahoo, sleeps } = history([{ status: 404, body: NOT_FOUND_BODY }]);
  const err = await t.throwsAsync(yahoo.fetchBars('NOPE', '1d', from, to), { instanceOf: MarketDataUnavailableError });
  t.is(err!.reason, 'not-found');
  t.is(err!.symbol, 'NOPE');
  t.deepEqual(sleeps, []);
});

test('a response that fails the library\'s schema validation gives reason bad-response', async (t) => {
  const { yahoo } = history([{ status: 200, body: { chart: { result: [{ meta: { symbol: 'AAPL' }, indicators: { quote: [{}] } }], error: null } } }]);
  const err = await t.throwsAsync(yahoo.fetchBars('AAPL', '1d', from, to), { instanceOf: MarketDataUnavailableError });
  t.is(err!.reason, 'bad-response');
});

function withBadRow(): ChartReply {
  const body = structuredClone(chartFixture('aapl-1d-2024-01.json')) as { chart: { result: [{ indicators: { quote: [{ high: number[] }] } }] } };
  body.chart.result[0].indicators.quote[0].high[1] = 100; // below that day's low
  return { status: 200, body };
}

test('a row that fails validateBar throws InvalidBarError naming the symbol and date', async (t) => {
  const { yahoo } = history([withBadRow()]);
  const err = await t.throwsAsync(yahoo.fetchBars('AAPL', '1d', from, to), { instanceOf: InvalidBarError });
  t.regex(err!.message, /yahoo AAPL 1d 2024-01-03.*high 100 < low 183\.43/);
});

test('with onInvalidRow a bad row is reported and skipped', async (t) => {
  const reported: string[] = [];
  const { yahoo } = history([withBadRow()], { onInvalidRow: (p) => void reported.push(p) });
  const bars = await yahoo.fetchBars('AAPL', '1d', from, to);
  t.is(bars.length, 9);
  t.is(reported.length, 1);
});

test('rejects an empty symbol and a reversed date range, naming both', async (t) => {
  const { yahoo } = history([ok]);
  const err = await t.throwsAsync(yahoo.fetchBars('', '1d', to, from), { instanceOf: InvalidMarketOptionsError });
  t.is(err!.problems.length, 2);
});
