import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Actor } from '../../runtime/index.js';
import type { ActorRef } from '../../runtime/index.js';
import { openPersistence } from '../../persistence/index.js';
import type { Bar } from '../../actors/domain/index.js';
import { BAR_STORE, HISTORY_SOURCE, MarketDataActor, SymbolActor, SyntheticFeed } from '../../actors/market/index.js';
import type { MarketDataProtocol, MarketDataReply, MarketFeed, SymbolProtocol, SymbolSnapshot } from '../../actors/market/index.js';
import { collect, testSystem } from '../helpers/system.js';

const fixtures = fileURLToPath(new URL('../fixtures/ohlcv/', import.meta.url));
const DAY = 86_400_000;

function bar(symbol: string, i: number, close = 100 + i): Bar {
  return { symbol, interval: '1d', time: Date.UTC(2024, 0, 1) + i * DAY, open: close, high: close + 1, low: close - 1, close, volume: 1_000 };
}

class Collector extends Actor<MarketFeed, { got: Bar[] }> {
  receive(msg: MarketFeed): void {
    if (msg.type === 'market.bar') this.props.got.push(msg.bar);
  }
}

test('a SymbolActor fans bars out to every subscriber in order and keeps indicators for its snapshot', async (t) => {
  const { system } = testSystem();
  const sym = system.spawn(SymbolActor, 'AAPL', { symbol: 'AAPL' });
  const a: Bar[] = [];
  const b: Bar[] = [];
  for (const [name, got] of [['a', a], ['b', b]] as const) system.tell(sym, { type: 'symbol.subscribe', subscriber: system.spawn(Collector, name, { got }) });
  for (let i = 0; i < 30; i++) system.tell(sym, { type: 'symbol.bar', bar: bar('AAPL', i) });
  await system.settled();
  t.deepEqual(a.map((x) => x.close), Array.from({ length: 30 }, (_, i) => 100 + i));
  t.deepEqual(b, a);
  const snap = await system.ask<SymbolSnapshot>(sym, { type: 'symbol.getSnapshot', bars: 5 }, 1_000);
  t.is(snap.bars.length, 5);
  t.is(snap.indicators.sma20, (110 + 129) / 2);
  t.is(snap.subscribers, 2);
  t.false(snap.synthetic);
  await system.shutdown();
});

test('a SymbolActor refuses invalid, foreign and out-of-order bars with an event and keeps running', async (t) => {
  const { system } = testSystem();
  const rejected = collect(system, 'market.inputRejected');
  const sym = system.spawn(SymbolActor, 'AAPL', { symbol: 'AAPL' });
  system.tell(sym, { type: 'symbol.bar', bar: bar('AAPL', 5) });
  system.tell(sym, { type: 'symbol.bar', bar: { ...bar('AAPL', 6), close: Number.NaN } });
  system.tell(sym, { type: 'symbol.bar', bar: { ...bar('AAPL', 7), low: -1 } });
  system.tell(sym, { type: 'symbol.bar', bar: bar('MSFT', 8) });
  system.tell(sym, { type: 'symbol.bar', bar: bar('AAPL', 4) });
  system.tell(sym, { type: 'symbol.bar', bar: bar('AAPL', 9) });
  const snap = await system.ask<SymbolSnapshot>(sym, { type: 'symbol.getSnapshot' }, 1_000);
  t.deepEqual(snap.bars.map((x) => x.close), [105, 109]);
  t.is(rejected.length, 4);
  t.regex(rejected[0]!.problems.join(), /close is NaN/);
  t.regex(rejected[1]!.problems.join(), /low -1 is not positive/);
  t.regex(rejected[2]!.problems.join(), /bar for MSFT sent to AAPL/);
  t.regex(rejected[3]!.problems.join(), /not after the last bar/);
  t.is(system.statsOf('/AAPL')?.restarts, 0);
  await system.shutdown();
});

async function withStore(t: import('ava').ExecutionContext) {
  const dir = mkdtempSync(join(tmpdir(), 'bifrost-market-'));
  const store = await openPersistence({ kind: 'sqlite', path: join(dir, 'market.db') });
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

test('the MarketDataActor imports CSV into the bar store and replays it at full speed to subscribers', async (t) => {
  const store = await withStore(t);
  const { system } = testSystem();
  system.services.provide(BAR_STORE, store.bars);
  const md = system.spawn(MarketDataActor, 'market', { symbols: ['ALFA', 'BETA'] });
  for (const f of ['ALFA', 'BETA']) {
    const r = await system.ask<MarketDataReply>(md, { type: 'marketData.importCsv', path: join(fixtures, `${f}.csv`) }, 5_000);
    t.like(r, { type: 'marketData.loaded', symbol: f, bars: 60 });
  }
  const got: Bar[] = [];
  const sink = system.spawn(Collector, 'sink', { got });
  for (const symbol of ['ALFA', 'BETA']) system.tell(md, { type: 'marketData.subscribe', symbol, subscriber: sink });
  const replay = await system.ask<MarketDataReply>(md, { type: 'marketData.replay', interval: '1d', from: 0, to: Date.UTC(2100, 0, 1), speed: 'max' }, 5_000);
  t.like(replay, { type: 'marketData.replayed', bars: 120 });
  await system.settled();
  t.is(got.length, 120);
  // Order is kept per symbol (one sender each); across symbols the actor model promises no order.
  for (const symbol of ['ALFA', 'BETA']) {
    const times = got.filter((b) => b.symbol === symbol).map((b) => b.time);
    t.deepEqual(times, [...times].sort((x, y) => x - y), `${symbol} in time order`);
  }
  await system.shutdown();
});

test('a paced replay sends bars on the clock', async (t) => {
  const store = await withStore(t);
  const { system, clock } = testSystem();
  system.services.provide(BAR_STORE, store.bars);
  await store.bars.upsert(Array.from({ length: 10 }, (_, i) => bar('ALFA', i)));
  const md = system.spawn(MarketDataActor, 'market', { symbols: ['ALFA'] });
  const got: Bar[] = [];
  system.tell(md, { type: 'marketData.subscribe', symbol: 'ALFA', subscriber: system.spawn(Collector, 'sink', { got }) });
  await system.ask(md, { type: 'marketData.replay', interval: '1d', from: 0, to: Date.UTC(2100, 0, 1), speed: 2 }, 5_000);
  await system.settled();
  t.is(got.length, 0);
  clock.advance(500);
  await system.settled();
  t.is(got.length, 1);
  clock.advance(2_000);
  await system.settled();
  t.is(got.length, 5);
  await system.shutdown();
});

test('the synthetic feed is labelled synthetic in the bars, the snapshot and the log', async (t) => {
  const { system, clock } = testSystem();
  const md = system.spawn(MarketDataActor, 'market', { symbols: ['SYN1', 'SYN2'] });
  const r = await system.ask<MarketDataReply>(md, { type: 'marketData.startSynthetic', seed: 7, start: Date.UTC(2024, 0, 1), everyMs: 1_000 }, 1_000);
  t.like(r, { type: 'marketData.started', source: 'synthetic' });
  clock.advance(3_000);
  await system.settled();
  const snap = await system.ask<SymbolSnapshot>({ path: '/market/SYN1' } as ActorRef<SymbolProtocol>, { type: 'symbol.getSnapshot' }, 1_000);
  t.is(snap.bars.length, 3);
  t.true(snap.synthetic);
  const expected = new SyntheticFeed({ symbols: ['SYN1', 'SYN2'], seed: 7, start: Date.UTC(2024, 0, 1) }).take(3).filter((b) => b.symbol === 'SYN1');
  t.deepEqual(snap.bars.map((b) => b.close), expected.map((b) => b.close));
  await system.shutdown();
});

test('loading history goes through the history source into the store, and an offline source gives a typed failure', async (t) => {
  const store = await withStore(t);
  const { system } = testSystem();
  system.services.provide(BAR_STORE, store.bars);
  let online = true;
  system.services.provide(HISTORY_SOURCE, {
    async fetchBars(symbol) {
      if (!online) throw Object.assign(new Error(`market data for ${symbol} is unavailable: offline`), { code: 'MARKET_DATA_UNAVAILABLE' });
      return Array.from({ length: 12 }, (_, i) => bar(symbol, i));
    },
  });
  const md = system.spawn(MarketDataActor, 'market', { symbols: ['ALFA'] }) as ActorRef<MarketDataProtocol>;
  const ok = await system.ask<MarketDataReply>(md, { type: 'marketData.load', symbol: 'ALFA', interval: '1d', from: 0, to: 1 }, 1_000);
  t.like(ok, { type: 'marketData.loaded', bars: 12 });
  t.is(await store.bars.count('ALFA', '1d'), 12);
  online = false;
  const failed = await system.ask<MarketDataReply>(md, { type: 'marketData.load', symbol: 'ALFA', interval: '1d', from: 0, to: 1 }, 1_000);
  t.like(failed, { type: 'marketData.failed', code: 'MARKET_DATA_UNAVAILABLE' });
  await system.shutdown();
});

test('a strategy-like subscriber of a symbol receives its bars through the SymbolActor, never through the parent', async (t) => {
  const { system } = testSystem();
  const md = system.spawn(MarketDataActor, 'market', { symbols: ['A', 'B'] });
  const got: Bar[] = [];
  system.tell(md, { type: 'marketData.subscribe', symbol: 'A', subscriber: system.spawn(Collector, 'sink', { got }) });
  await system.settled();
  const a = system.lookup<SymbolProtocol>('/market/A')!;
  for (let i = 0; i < 100; i++) system.tell(a, { type: 'symbol.bar', bar: bar('A', i) });
  await system.settled();
  t.is(got.length, 100);
  t.is(system.statsOf('/market')?.processed, 1);
  await system.shutdown();
});

test('the order-path feeder starts a new trading day at the portfolio when the bars move to a new date', async (t) => {
  const { OrderPathFeeder } = await import('../../actors/market/index.js');
  const { system } = testSystem();
  const seen: string[] = [];
  class Portfolio extends (await import('../../runtime/index.js')).Actor<{ type: string; time?: number }> {
    receive(msg: { type: string; time?: number }): void {
      seen.push(`${msg.type}@${msg.time}`);
    }
  }
  const portfolio = system.spawn(Portfolio, 'portfolio');
  const feeder = system.spawn(OrderPathFeeder, 'feeder', { portfolios: [portfolio] });
  for (const b of [bar('A', 0), bar('B', 0), bar('A', 1), bar('B', 1), bar('A', 3)]) system.tell(feeder, { type: 'market.bar', bar: b });
  await system.settled();
  t.deepEqual(seen.filter((s) => s.startsWith('portfolio.startDay')), [`portfolio.startDay@${bar('A', 1).time}`, `portfolio.startDay@${bar('A', 3).time}`]);
  await system.shutdown();
});
