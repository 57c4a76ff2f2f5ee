// The engine books fills in a DayTradeBook (in place, trading days worked out only when needed) and the
// calendar memoises trading days and business days. Everything here is checked against an independent
// reference: the ledger rules written out with immutable copies, a fresh Intl formatter per conversion and
// business days listed from Date's own weekday.
import test from 'ava';
import { DayTradeBook, recordDayTradeFill } from '../../actors/risk/day-trade-book.js';
import type { DayTrade, DayTradeFill, DayTradeLedger } from '../../actors/risk/day-trades.js';
import { DAY_TRADE_RETENTION_BUSINESS_DAYS, EMPTY_DAY_TRADE_LEDGER, dayTradesInWindow, wouldBeDayTrade } from '../../actors/risk/day-trades.js';
import { RiskEngine } from '../../actors/risk/engine.js';
import { DEFAULT_RISK_LIMITS } from '../../actors/risk/limits.js';
import {
  BUSINESS_DAY_WINDOWS_KEPT,
  CALENDAR_KEYS_KEPT,
  businessDaysEndingAt,
  calendarMemoSizes,
  oldestBusinessDay,
  tradingDay,
} from '../../actors/risk/trading-calendar.js';
import { registry } from './fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function referenceDay(time: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(time);
}

function referenceBusinessDays(day: string, count: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))); out.length < count; t -= DAY) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const sign = (side: 'buy' | 'sell'): 1 | -1 => (side === 'buy' ? 1 : -1);

/** The ledger rules with immutable copies and nothing memoised. */
function referenceRecord(ledger: DayTradeLedger, fill: DayTradeFill, before: number, timeZone: string, maxPerDay: number): DayTradeLedger {
  const today = referenceDay(fill.time, timeZone);
  const s = sign(fill.side);
  const openedOn = { ...ledger.openedOn };
  let dayTrades: readonly DayTrade[] = ledger.dayTrades;
  if (before === 0 || Math.sign(before) === s) {
    openedOn[fill.symbol] = { day: today, direction: s };
  } else {
    const opened = ledger.openedOn[fill.symbol];
    const counted = dayTrades.some((t) => t.clientOrderId === fill.clientOrderId && t.day === today);
    const onDay = dayTrades.filter((t) => t.day === today).length;
    if (opened !== undefined && opened.day === today && opened.direction === Math.sign(before) && !counted && onDay < maxPerDay) {
      dayTrades = [...dayTrades, { day: today, symbol: fill.symbol, clientOrderId: fill.clientOrderId }];
    }
    const after = before + s * fill.quantity;
    if (after === 0) delete openedOn[fill.symbol];
    else if (Math.sign(after) === s) openedOn[fill.symbol] = { day: today, direction: s };
  }
  const retained = new Set(referenceBusinessDays(today, DAY_TRADE_RETENTION_BUSINESS_DAYS));
  const oldest = [...retained].at(-1)!;
  return { openedOn, dayTrades: dayTrades.filter((t) => retained.has(t.day) || t.day > oldest) };
}

/** A seeded generator in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16_807) % 2_147_483_647;
    return s / 2_147_483_647;
  };
}

interface Scenario {
  readonly name: string;
  readonly timeZone: string;
  /** Where the fills start: each run crosses weekends, and these cross a DST change or a skipped day. */
  readonly from: string;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'New York across the spring DST change', timeZone: 'America/New_York', from: '2024-03-04T12:00:00Z' },
  { name: 'New York across the autumn DST change and a month end', timeZone: 'America/New_York', from: '2024-10-28T12:00:00Z' },
  { name: 'Kolkata (a half-hour offset) across a year end', timeZone: 'Asia/Kolkata', from: '2023-12-25T12:00:00Z' },
  { name: 'Lord Howe (a half-hour DST change)', timeZone: 'Australia/Lord_Howe', from: '2024-03-28T12:00:00Z' },
  { name: 'Sao Paulo (DST changes at midnight)', timeZone: 'America/Sao_Paulo', from: '2018-10-29T12:00:00Z' },
  { name: 'Apia across the skipped 30 December 2011', timeZone: 'Pacific/Apia', from: '2011-12-22T12:00:00Z' },
  { name: 'New York in a backtest of the 1980s (fills at UTC midnight)', timeZone: 'America/New_York', from: '1987-04-20T00:00:00Z' },
];

/**
 * Random fills on a few symbols: openings, partial and full closes, flips, repeated order ids, fills near
 * local midnight, steps from seconds to a week, and now and then a step back in time.
 */
function* fills(scenario: Scenario, seed: number, n: number): Generator<{ fill: DayTradeFill; before: number }> {
  const next = random(seed);
  const positions: Record<string, number> = {};
  let time = Date.parse(scenario.from);
  for (let i = 0; i < n; i += 1) {
    const r = next();
    const step = r < 0.4 ? next() * 10 * 60_000 : r < 0.7 ? next() * 6 * HOUR : r < 0.92 ? next() * 3 * DAY : r < 0.97 ? 4 * DAY + next() * 3 * DAY : -next() * 2 * HOUR;
    time = Math.round(time + step);
    const symbol = ['AAPL', 'MSFT', 'NVDA'][Math.floor(next() * 3)]!;
    const before = positions[symbol] ?? 0;
    const side = next() < 0.5 ? 'buy' : 'sell';
    const quantity = before !== 0 && next() < 0.5 ? Math.abs(before) : 1 + Math.floor(next() * 3);
    const clientOrderId = `o${Math.floor(next() * (i + 1))}`;
    positions[symbol] = before + sign(side) * quantity;
    yield { fill: { clientOrderId, symbol, side, quantity, time }, before };
  }
}

for (const scenario of SCENARIOS) {
  test(`a day-trade book holds what the reference ledger holds after every fill: ${scenario.name}`, (t) => {
    for (const maxPerDay of [2, Number.POSITIVE_INFINITY]) {
      let reference: DayTradeLedger = EMPTY_DAY_TRADE_LEDGER;
      let book = new DayTradeBook(scenario.timeZone, maxPerDay);
      let i = 0;
      let dayTrades = 0;
      for (const { fill, before } of fills(scenario, maxPerDay === 2 ? 7 : 8, 600)) {
        reference = referenceRecord(reference, fill, before, scenario.timeZone, maxPerDay);
        book.record(fill, before);
        // Now and then the book is restored from its own state, as a snapshot would restore it.
        if (++i % 97 === 0) book = new DayTradeBook(scenario.timeZone, maxPerDay, book.state());
        const order = { clientOrderId: `o${i}`, symbol: fill.symbol, side: fill.side === 'buy' ? ('sell' as const) : ('buy' as const) };
        const position = before + sign(fill.side) * fill.quantity;
        const later = fill.time + (i % 5) * HOUR;
        t.is(wouldBeDayTrade(book.view(), order, position, later, scenario.timeZone), wouldBeDayTrade(reference, order, position, later, scenario.timeZone));
        t.is(dayTradesInWindow(book.view(), later, scenario.timeZone, 5), dayTradesInWindow(reference, later, scenario.timeZone, 5));
        t.deepEqual(book.state(), reference, `fill ${i} at ${new Date(fill.time).toISOString()}`);
        dayTrades = Math.max(dayTrades, reference.dayTrades.length);
      }
      // The sequence exercises the rule: day trades were counted and pruned.
      t.true(dayTrades > 0);
    }
  });
}

test('recordDayTradeFill gives the reference ledger, from an unfrozen ledger too', (t) => {
  let reference: DayTradeLedger = { openedOn: { AAPL: { day: '2024-03-08', direction: 1 } }, dayTrades: [{ day: '2024-03-01', symbol: 'AAPL', clientOrderId: 'x' }] };
  let ledger = reference;
  for (const { fill, before } of fills(SCENARIOS[0]!, 3, 200)) {
    reference = referenceRecord(reference, fill, before, 'America/New_York', 3);
    ledger = recordDayTradeFill(ledger, fill, before, 'America/New_York', 3);
    t.deepEqual(ledger, reference);
    t.true(Object.isFrozen(ledger) && Object.isFrozen(ledger.openedOn) && Object.isFrozen(ledger.dayTrades));
  }
});

test('fills at times the ledger cannot format, or formats oddly, are booked or refused as the reference does', (t) => {
  const outcome = (record: (ledger: DayTradeLedger, fill: DayTradeFill, before: number) => DayTradeLedger, time: number): string => {
    try {
      const opened = record(EMPTY_DAY_TRADE_LEDGER, { clientOrderId: 'a', symbol: 'X', side: 'buy', quantity: 1, time }, 0);
      const closed = record(opened, { clientOrderId: 'b', symbol: 'X', side: 'sell', quantity: 1, time: time + 1_000 }, 1);
      const old = record({ ...closed, dayTrades: [{ day: '2024-01-01', symbol: 'Y', clientOrderId: 'q' }] }, { clientOrderId: 'c', symbol: 'X', side: 'buy', quantity: 1, time: time + 2_000 }, 0);
      return JSON.stringify([opened, closed, old]);
    } catch (error) {
      return `throws ${(error as Error).name}`;
    }
  };
  const times = [Number.NaN, 0, Date.UTC(999, 5, 1), Date.UTC(1000, 0, 1), Date.UTC(1000, 0, 3), Date.UTC(9999, 11, 31, 12), Date.UTC(10_000, 0, 5), 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER];
  const outcomes = times.map((time) => {
    const book = outcome((ledger, fill, before) => recordDayTradeFill(ledger, fill, before, 'America/New_York', 3), time);
    t.is(book, outcome((ledger, fill, before) => referenceRecord(ledger, fill, before, 'America/New_York', 3), time), new Date(Number.isFinite(time) ? Math.max(-8.64e15, Math.min(8.64e15, time)) : 0).toISOString());
    return book.startsWith('throws');
  });
  t.true(outcomes.includes(true) && outcomes.includes(false));
});

test("the engine's state after fills, and after a restore from it, is the reference ledger", (t) => {
  const limits = { ...DEFAULT_RISK_LIMITS, pdtMaxDayTrades: 2 };
  const engine = new RiskEngine({ riskId: 'risk', key: Buffer.alloc(32, 1), registry, limits });
  let restored: RiskEngine | undefined;
  let reference: DayTradeLedger = EMPTY_DAY_TRADE_LEDGER;
  let i = 0;
  for (const { fill, before } of fills(SCENARIOS[1]!, 11, 300)) {
    reference = referenceRecord(reference, fill, before, limits.tradingTimeZone, limits.pdtMaxDayTrades);
    engine.recordFill({ ...fill, portfolioId: 'p1' }, before);
    restored?.recordFill({ ...fill, portfolioId: 'p1' }, before);
    if (++i === 150) restored = new RiskEngine({ riskId: 'risk', key: Buffer.alloc(32, 1), registry, limits, initial: engine.state() });
  }
  t.deepEqual(engine.state().dayTrades, { p1: reference });
  t.deepEqual(restored?.state().dayTrades, { p1: reference });
});

test('the memoised trading day is the formatted one, within a minute and across DST changes and midnights', (t) => {
  const zones = ['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Europe/London'];
  // Around New York's spring change (07:00Z), midnights (04:00Z, 05:00Z) and Kolkata's (18:30Z).
  const anchors = ['2024-03-10T04:59:00Z', '2024-03-10T06:59:00Z', '2024-03-11T03:59:00Z', '2024-11-03T05:59:00Z', '2024-03-09T18:29:00Z', '2018-11-04T02:59:00Z'];
  for (const timeZone of zones) {
    for (const anchor of anchors) {
      for (let s = 0; s < 180; s += 7) {
        const time = Date.parse(anchor) + s * 1_000;
        t.is(tradingDay(time, timeZone), referenceDay(time, timeZone), `${timeZone} ${new Date(time).toISOString()}`);
      }
    }
  }
});

test('the oldest retained business day is the last of the business days, across weekends, month and year ends', (t) => {
  for (let time = Date.UTC(2023, 11, 20); time < Date.UTC(2024, 2, 15); time += DAY) {
    const day = new Date(time).toISOString().slice(0, 10);
    for (const count of [1, 2, 5, DAY_TRADE_RETENTION_BUSINESS_DAYS, 12]) {
      t.deepEqual(businessDaysEndingAt(day, count), referenceBusinessDays(day, count));
      t.is(oldestBusinessDay(day, count), referenceBusinessDays(day, count).at(-1)!);
      t.is(oldestBusinessDay(day, count), referenceBusinessDays(day, count).at(-1)!, 'asked again, from the memo');
    }
  }
});

test('the calendar memos stay bounded', (t) => {
  for (let time = Date.UTC(2020, 0, 1); time < Date.UTC(2021, 0, 1); time += DAY) {
    const day = new Date(time).toISOString().slice(0, 10);
    businessDaysEndingAt(day, 5);
    oldestBusinessDay(day, 1 + (time / DAY) % 40);
  }
  for (const timeZone of Intl.supportedValuesOf('timeZone').slice(0, 40)) tradingDay(Date.UTC(2024, 0, 1), timeZone);
  const sizes = calendarMemoSizes();
  t.true(sizes.windows > 0 && sizes.windows <= BUSINESS_DAY_WINDOWS_KEPT);
  t.true(sizes.oldest > 0 && sizes.oldest <= CALENDAR_KEYS_KEPT);
  t.true(sizes.zones > 0 && sizes.zones <= CALENDAR_KEYS_KEPT);
});
