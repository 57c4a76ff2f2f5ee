import test from 'ava';
import { recordDayTradeFill } from '../../actors/risk/day-trade-book.js';
import { EMPTY_DAY_TRADE_LEDGER, dayTradesInWindow, wouldBeDayTrade } from '../../actors/risk/day-trades.js';
import { businessDaysEndingAt, tradingDay } from '../../actors/risk/trading-calendar.js';
import type { DayTradeFill, DayTradeLedger } from '../../actors/risk/day-trades.js';

const TZ = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

test('the trading day is the calendar date in the trading time zone', (t) => {
  t.is(tradingDay(at('2024-03-13T03:00:00Z'), TZ), '2024-03-12');
  t.is(tradingDay(at('2024-03-13T15:00:00Z'), TZ), '2024-03-13');
});

test('business days skip weekends and end at the given day', (t) => {
  t.deepEqual(businessDaysEndingAt('2024-03-13', 5), ['2024-03-13', '2024-03-12', '2024-03-11', '2024-03-08', '2024-03-07']);
  t.deepEqual(businessDaysEndingAt('2024-03-16', 2), ['2024-03-15', '2024-03-14']);
});

function apply(fills: (DayTradeFill & { before: number })[]): DayTradeLedger {
  return fills.reduce((ledger, f) => recordDayTradeFill(ledger, f, f.before, TZ), EMPTY_DAY_TRADE_LEDGER);
}

test('buying and selling the same symbol on the same day is one day trade per closing order', (t) => {
  const ledger = apply([
    { clientOrderId: 'o1', symbol: 'AAPL', side: 'buy', quantity: 100, time: at('2024-03-13T14:00:00Z'), before: 0 },
    { clientOrderId: 'o2', symbol: 'AAPL', side: 'sell', quantity: 40, time: at('2024-03-13T15:00:00Z'), before: 100 },
    { clientOrderId: 'o2', symbol: 'AAPL', side: 'sell', quantity: 60, time: at('2024-03-13T15:01:00Z'), before: 60 },
  ]);
  t.deepEqual(ledger.dayTrades.map((d) => d.clientOrderId), ['o2']);
  t.false('AAPL' in ledger.openedOn);
});

test('selling on the next day a position opened the day before is not a day trade', (t) => {
  const ledger = apply([
    { clientOrderId: 'o1', symbol: 'AAPL', side: 'buy', quantity: 100, time: at('2024-03-12T14:00:00Z'), before: 0 },
    { clientOrderId: 'o2', symbol: 'AAPL', side: 'sell', quantity: 100, time: at('2024-03-13T14:00:00Z'), before: 100 },
  ]);
  t.is(ledger.dayTrades.length, 0);
});

test('adding to an old position today and selling today is a day trade', (t) => {
  const ledger = apply([
    { clientOrderId: 'o1', symbol: 'AAPL', side: 'buy', quantity: 100, time: at('2024-03-12T14:00:00Z'), before: 0 },
    { clientOrderId: 'o2', symbol: 'AAPL', side: 'buy', quantity: 10, time: at('2024-03-13T14:00:00Z'), before: 100 },
    { clientOrderId: 'o3', symbol: 'AAPL', side: 'sell', quantity: 10, time: at('2024-03-13T15:00:00Z'), before: 110 },
  ]);
  t.is(ledger.dayTrades.length, 1);
});

test('a short opened and covered the same day is a day trade, and a flip opens a new position today', (t) => {
  const ledger = apply([
    { clientOrderId: 'o1', symbol: 'TSLA', side: 'sell', quantity: 10, time: at('2024-03-13T14:00:00Z'), before: 0 },
    { clientOrderId: 'o2', symbol: 'TSLA', side: 'buy', quantity: 30, time: at('2024-03-13T15:00:00Z'), before: -10 },
  ]);
  t.is(ledger.dayTrades.length, 1);
  t.deepEqual(ledger.openedOn.TSLA, { day: '2024-03-13', direction: 1 });
  t.true(wouldBeDayTrade(ledger, { clientOrderId: 'o3', symbol: 'TSLA', side: 'sell' }, 20, at('2024-03-13T16:00:00Z'), TZ));
  t.false(wouldBeDayTrade(ledger, { clientOrderId: 'o3', symbol: 'TSLA', side: 'buy' }, 20, at('2024-03-13T16:00:00Z'), TZ));
});

test('the window counts day trades of the last five business days only', (t) => {
  const ledger: DayTradeLedger = {
    openedOn: {},
    dayTrades: [
      { day: '2024-03-06', symbol: 'A', clientOrderId: '1' },
      { day: '2024-03-07', symbol: 'A', clientOrderId: '2' },
      { day: '2024-03-13', symbol: 'A', clientOrderId: '3' },
    ],
  };
  t.is(dayTradesInWindow(ledger, at('2024-03-13T15:00:00Z'), TZ, 5), 2);
});
