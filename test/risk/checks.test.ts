import test from 'ava';
import type { OrderRequest } from '../../actors/domain/order.js';
import { RISK_CHECKS, runRiskChecks } from '../../actors/risk/checks.js';
import type { RiskCheck, RiskContext } from '../../actors/risk/context.js';
import { exposures } from '../../actors/risk/context.js';
import { checkDailyLoss, checkOpenOrders, checkPatternDayTrader, checkPortfolioRate, checkPostTradeVar, checkStrategyRate } from '../../actors/risk/checks-activity.js';
import {
  checkBuyingPower,
  checkConcentration,
  checkGrossExposure,
  checkNetExposure,
  checkNotional,
  checkPosition,
  checkShort,
} from '../../actors/risk/checks-exposure.js';
import { checkOrderValidity, checkPriceBand, checkReferencePrice, checkRestricted, checkSymbol, checkTradingState } from '../../actors/risk/checks-order.js';
import type { DayTradeLedger } from '../../actors/risk/day-trades.js';
import type { DenialCode } from '../../actors/risk/denial.js';
import type { RiskLimits } from '../../actors/risk/limits.js';
import { EMPTY_RATE_LIMIT_STATE, portfolioKey, recordEvent, strategyKey } from '../../actors/risk/rate-limit.js';
import { NOW, baseContext, baseOrder, orderWith, portfolio } from './fixtures.js';

interface Row {
  readonly name: string;
  readonly check: RiskCheck;
  readonly order?: OrderRequest;
  readonly ctx?: Partial<RiskContext>;
  readonly limits?: Partial<RiskLimits>;
  /** The code the check must deny with, or `undefined` when it must pass. */
  readonly expect: DenialCode | undefined;
  /** The exact message, where the row pins it. */
  readonly message?: string;
}

const rate = (key: string, times: number[]) => times.reduce((s, t) => recordEvent(s, [key], t, 1_000), EMPTY_RATE_LIMIT_STATE);
const threeDayTrades: DayTradeLedger = {
  openedOn: { AAPL: { day: '2024-03-13', direction: 1 } },
  dayTrades: [
    { day: '2024-03-07', symbol: 'MSFT', clientOrderId: 'a' }, // Thursday: 5th business day back, inside the window
    { day: '2024-03-11', symbol: 'MSFT', clientOrderId: 'b' },
    { day: '2024-03-12', symbol: 'AAPL', clientOrderId: 'c' },
  ],
};
const oldDayTrade: DayTradeLedger = { ...threeDayTrades, dayTrades: [{ day: '2024-03-06', symbol: 'MSFT', clientOrderId: 'z' }, ...threeDayTrades.dayTrades.slice(1)] };

const rows: Row[] = [
  { name: 'HALTED denies every new order', check: checkTradingState, ctx: { tradingState: 'HALTED' }, expect: 'TRADING_HALTED', message: 'TRADING_HALTED: state=HALTED' },
  { name: 'REDUCING denies an order that adds to the position', check: checkTradingState, ctx: { tradingState: 'REDUCING' }, expect: 'REDUCING_ONLY' },
  { name: 'REDUCING denies an order that flips the position through zero', check: checkTradingState, ctx: { tradingState: 'REDUCING' }, order: orderWith({ side: 'sell', quantity: 101 }), expect: 'REDUCING_ONLY' },
  { name: 'REDUCING passes an order that only reduces the position', check: checkTradingState, ctx: { tradingState: 'REDUCING' }, order: orderWith({ side: 'sell', quantity: 100 }), expect: undefined },
  { name: 'ACTIVE passes any order', check: checkTradingState, expect: undefined },

  { name: 'an unknown symbol is denied', check: checkSymbol, order: orderWith({ symbol: 'ZZZZ' }), expect: 'UNKNOWN_SYMBOL', message: 'UNKNOWN_SYMBOL: symbol=ZZZZ' },
  { name: 'a known but suspended symbol is denied', check: checkSymbol, order: orderWith({ symbol: 'SUSP' }), expect: 'SYMBOL_NOT_TRADABLE' },
  { name: 'a known tradable symbol passes', check: checkSymbol, expect: undefined },

  { name: 'a restricted symbol is denied', check: checkRestricted, limits: { restrictedSymbols: ['AAPL'] }, expect: 'SYMBOL_RESTRICTED' },
  { name: 'an unrestricted symbol passes', check: checkRestricted, limits: { restrictedSymbols: ['MSFT'] }, expect: undefined },

  { name: 'a fractional quantity is invalid', check: checkOrderValidity, order: orderWith({ quantity: 2.5 }), expect: 'INVALID_ORDER' },
  { name: 'a quantity off the lot size is invalid', check: checkOrderValidity, order: orderWith({ symbol: 'LOT', quantity: 150 }), expect: 'INVALID_ORDER' },
  { name: 'a limit price off the tick is invalid', check: checkOrderValidity, order: orderWith({ type: 'limit', limitPrice: 100.005 }), expect: 'INVALID_ORDER' },
  { name: 'a limit order without a limit price is invalid', check: checkOrderValidity, order: orderWith({ type: 'limit' }), expect: 'INVALID_ORDER' },
  { name: 'a market order with a limit price is invalid', check: checkOrderValidity, order: orderWith({ limitPrice: 100 }), expect: 'INVALID_ORDER' },
  { name: 'a stop-limit order without a stop price is invalid', check: checkOrderValidity, order: orderWith({ type: 'stop_limit', limitPrice: 100 }), expect: 'INVALID_ORDER' },
  { name: 'a price of 0.1 + 0.2 is on a 0.1 tick', check: checkOrderValidity, order: orderWith({ symbol: 'TENTH', type: 'limit', limitPrice: 0.1 + 0.2 }), expect: undefined },
  { name: 'a whole number of lots on the tick passes', check: checkOrderValidity, order: orderWith({ symbol: 'LOT', quantity: 300, type: 'stop_limit', stopPrice: 10.05, limitPrice: 10.1 }), expect: undefined },

  { name: 'a symbol without last price or mark is denied', check: checkReferencePrice, order: orderWith({ symbol: 'MSFT' }), ctx: { lastPrices: {} }, expect: 'NO_REFERENCE_PRICE' },
  { name: "the portfolio's mark serves when there is no last price", check: checkReferencePrice, ctx: { lastPrices: {} }, expect: undefined },

  { name: 'a limit price 11% above the last price is outside the band', check: checkPriceBand, order: orderWith({ type: 'limit', limitPrice: 111 }), expect: 'PRICE_OUTSIDE_BAND' },
  { name: 'a stop price just under 10% below the last price is outside the band', check: checkPriceBand, order: orderWith({ type: 'stop', stopPrice: 89.99 }), expect: 'PRICE_OUTSIDE_BAND' },
  { name: 'a limit price exactly 10% above the last price is inside the band', check: checkPriceBand, order: orderWith({ type: 'limit', limitPrice: 110 }), expect: undefined },
  { name: 'a stop price exactly 10% below the last price is inside the band', check: checkPriceBand, order: orderWith({ type: 'stop', stopPrice: 90 }), expect: undefined },

  {
    name: 'an order of 61,200 notional is over the 50,000 per-order max',
    check: checkNotional,
    order: orderWith({ type: 'limit', limitPrice: 102, quantity: 600 }),
    expect: 'NOTIONAL_EXCEEDS_MAX_PER_ORDER',
    message: 'NOTIONAL_EXCEEDS_MAX_PER_ORDER: max=50000, was=61200',
  },
  { name: 'an order of exactly the per-order max passes', check: checkNotional, order: orderWith({ quantity: 500 }), expect: undefined },

  { name: 'a post-trade position over the max is denied', check: checkPosition, limits: { maxPositionQuantity: 150 }, order: orderWith({ quantity: 60 }), expect: 'POSITION_EXCEEDS_MAX', message: 'POSITION_EXCEEDS_MAX: symbol=AAPL, max=150, was=160' },
  { name: 'a per-symbol override tightens the position max', check: checkPosition, limits: { maxPositionQuantityBySymbol: { AAPL: 105 } }, expect: 'POSITION_EXCEEDS_MAX' },
  { name: 'a post-trade position at the max passes', check: checkPosition, limits: { maxPositionQuantity: 150 }, order: orderWith({ quantity: 50 }), expect: undefined },
  { name: 'reducing a position already over the max passes', check: checkPosition, limits: { maxPositionQuantity: 50 }, order: orderWith({ side: 'sell' }), expect: undefined },

  { name: 'gross exposure over the max is denied', check: checkGrossExposure, limits: { maxGrossExposure: 20_000 }, order: orderWith({ symbol: 'MSFT', quantity: 51 }), expect: 'GROSS_EXPOSURE_EXCEEDS_MAX', message: 'GROSS_EXPOSURE_EXCEEDS_MAX: max=20000, was=20200' },
  { name: 'gross exposure at the max passes', check: checkGrossExposure, limits: { maxGrossExposure: 20_000 }, order: orderWith({ symbol: 'MSFT', quantity: 50 }), expect: undefined },

  { name: 'net exposure over the max is denied', check: checkNetExposure, limits: { maxNetExposure: 15_000 }, order: orderWith({ symbol: 'MSFT', quantity: 26 }), expect: 'NET_EXPOSURE_EXCEEDS_MAX' },
  { name: 'net exposure at the max passes', check: checkNetExposure, limits: { maxNetExposure: 15_000 }, order: orderWith({ symbol: 'MSFT', quantity: 25 }), expect: undefined },

  { name: 'a position over 25% of equity is denied', check: checkConcentration, order: orderWith({ quantity: 151 }), expect: 'CONCENTRATION_EXCEEDS_MAX', message: 'CONCENTRATION_EXCEEDS_MAX: symbol=AAPL, maxPct=0.25, was=0.251' },
  { name: 'adding to a position with no equity is denied', check: checkConcentration, ctx: { portfolio: { ...portfolio, equity: 0 } }, expect: 'CONCENTRATION_EXCEEDS_MAX' },
  { name: 'a position of exactly 25% of equity passes', check: checkConcentration, order: orderWith({ quantity: 150 }), expect: undefined },

  { name: 'opening a short is denied when shorting is not allowed', check: checkShort, order: orderWith({ side: 'sell', quantity: 150 }), expect: 'SHORT_NOT_ALLOWED' },
  { name: 'opening a short in a non-shortable instrument is denied', check: checkShort, limits: { allowShort: true }, order: orderWith({ symbol: 'MSFT', side: 'sell' }), expect: 'SHORT_NOT_ALLOWED' },
  { name: 'opening a short is allowed with allowShort and a shortable instrument', check: checkShort, limits: { allowShort: true }, order: orderWith({ side: 'sell', quantity: 150 }), expect: undefined },
  { name: 'selling down to flat is not a short', check: checkShort, order: orderWith({ side: 'sell', quantity: 100 }), expect: undefined },

  { name: 'a buy beyond the cash of a cash account is denied', check: checkBuyingPower, order: orderWith({ symbol: 'MSFT', quantity: 451 }), expect: 'INSUFFICIENT_BUYING_POWER', message: 'INSUFFICIENT_BUYING_POWER: required=90200, available=90000' },
  { name: 'a buy of exactly the cash passes', check: checkBuyingPower, order: orderWith({ symbol: 'MSFT', quantity: 450 }), expect: undefined },
  { name: 'leverage 2 doubles the buying power', check: checkBuyingPower, limits: { maxLeverage: 2 }, order: orderWith({ symbol: 'MSFT', quantity: 900 }), expect: undefined },

  { name: 'the 11th order of a strategy within the window is denied', check: checkStrategyRate, ctx: { rate: rate(strategyKey('s1'), Array.from({ length: 10 }, (_, i) => NOW - 900 + i)) }, expect: 'ORDER_RATE_EXCEEDED_STRATEGY' },
  { name: 'orders older than the window do not count against the strategy', check: checkStrategyRate, ctx: { rate: rate(strategyKey('s1'), Array.from({ length: 10 }, (_, i) => NOW - 1_000 - i)) }, expect: undefined },
  { name: "another strategy's orders do not count against this one", check: checkStrategyRate, ctx: { rate: rate(strategyKey('s2'), Array.from({ length: 10 }, () => NOW)) }, expect: undefined },
  { name: 'the 31st order of a portfolio within the window is denied', check: checkPortfolioRate, ctx: { rate: rate(portfolioKey('p1'), Array.from({ length: 30 }, (_, i) => NOW - 30 + i)) }, expect: 'ORDER_RATE_EXCEEDED_PORTFOLIO' },
  { name: 'the 30th order of a portfolio within the window passes', check: checkPortfolioRate, ctx: { rate: rate(portfolioKey('p1'), Array.from({ length: 29 }, () => NOW)) }, expect: undefined },

  { name: 'an order beyond the max open orders is denied', check: checkOpenOrders, ctx: { openOrders: 50 }, expect: 'MAX_OPEN_ORDERS_EXCEEDED', message: 'MAX_OPEN_ORDERS_EXCEEDED: max=50, open=50' },
  { name: 'the order that reaches the max open orders passes', check: checkOpenOrders, ctx: { openOrders: 49 }, expect: undefined },

  { name: 'after the daily loss limit an order adding exposure is denied', check: checkDailyLoss, ctx: { portfolio: { ...portfolio, equity: 95_000 } }, expect: 'DAILY_LOSS_LIMIT_REACHED', message: 'DAILY_LOSS_LIMIT_REACHED: max=5000, loss=5000' },
  { name: 'after the daily loss limit a reducing order passes', check: checkDailyLoss, ctx: { portfolio: { ...portfolio, equity: 95_000 } }, order: orderWith({ side: 'sell' }), expect: undefined },
  { name: 'a loss below the daily limit passes', check: checkDailyLoss, ctx: { portfolio: { ...portfolio, equity: 95_001 } }, expect: undefined },

  { name: 'a 4th day trade in 5 business days under 25,000 equity is denied', check: checkPatternDayTrader, ctx: { portfolio: { ...portfolio, equity: 20_000 }, dayTrades: threeDayTrades }, order: orderWith({ side: 'sell' }), expect: 'PATTERN_DAY_TRADER_LIMIT' },
  { name: 'a day trade is allowed at 25,000 equity', check: checkPatternDayTrader, ctx: { portfolio: { ...portfolio, equity: 25_000 }, dayTrades: threeDayTrades }, order: orderWith({ side: 'sell' }), expect: undefined },
  { name: 'a day trade older than 5 business days does not count', check: checkPatternDayTrader, ctx: { portfolio: { ...portfolio, equity: 20_000 }, dayTrades: oldDayTrade }, order: orderWith({ side: 'sell' }), expect: undefined },
  { name: 'an order that adds to the position is not a day trade', check: checkPatternDayTrader, ctx: { portfolio: { ...portfolio, equity: 20_000 }, dayTrades: threeDayTrades }, expect: undefined },
  { name: 'selling a position opened on an earlier day is not a day trade', check: checkPatternDayTrader, ctx: { portfolio: { ...portfolio, equity: 20_000 }, dayTrades: { ...threeDayTrades, openedOn: { AAPL: { day: '2024-03-12', direction: 1 } } } }, order: orderWith({ side: 'sell' }), expect: undefined },

  { name: 'a post-trade VaR over the max is denied', check: checkPostTradeVar, limits: { maxPostTradeVar: 100 }, expect: 'POST_TRADE_VAR_EXCEEDS_MAX', message: 'POST_TRADE_VAR_EXCEEDS_MAX: max=100, was=110, method=historical, confidence=0.99' },
  { name: 'adding a symbol without return history is denied', check: checkPostTradeVar, ctx: { returns: { AAPL: baseContext.returns.AAPL! } }, order: orderWith({ symbol: 'MSFT' }), expect: 'VAR_HISTORY_INSUFFICIENT' },
  { name: 'an order that lowers VaR passes even above the max', check: checkPostTradeVar, limits: { maxPostTradeVar: 50 }, order: orderWith({ side: 'sell' }), expect: undefined },
  { name: 'a hedge that lowers VaR passes', check: checkPostTradeVar, limits: { maxPostTradeVar: 100 }, order: orderWith({ symbol: 'MSFT', quantity: 25 }), expect: undefined },
  { name: 'a post-trade VaR within the max passes', check: checkPostTradeVar, expect: undefined },
];

for (const row of rows) {
  test(`${row.name}`, (t) => {
    const ctx: RiskContext = { ...baseContext, ...row.ctx, limits: { ...baseContext.limits, ...row.limits } };
    const denial = row.check(row.order ?? baseOrder, ctx);
    t.is(denial?.code, row.expect, denial?.message);
    if (row.message !== undefined) t.is(denial?.message, row.message);
    if (denial !== undefined) t.true(denial.message.startsWith(`${denial.code}`));
  });
}

test('a flat symbol the view lists as 0 decides every row, message and figure included, as it does absent', (t) => {
  // The portfolio lists every symbol it has traded, flat ones as 0 (a key set that only grows keeps one hidden class).
  const flat = ['MSFT', 'LOT', 'TENTH', 'ZZZZ'];
  for (const row of rows) {
    const ctx: RiskContext = { ...baseContext, ...row.ctx, limits: { ...baseContext.limits, ...row.limits } };
    const positions = { ...ctx.portfolio.positions };
    for (const symbol of flat) if (!Object.hasOwn(positions, symbol)) positions[symbol] = 0;
    const listed: RiskContext = { ...ctx, portfolio: { ...ctx.portfolio, positions } };
    t.deepEqual(row.check(row.order ?? baseOrder, listed), row.check(row.order ?? baseOrder, ctx), row.name);
  }
  const listed: RiskContext = { ...baseContext, portfolio: { ...portfolio, positions: { MSFT: 0, AAPL: 100, LOT: 0 } } };
  t.deepEqual(exposures(orderWith({ symbol: 'LOT', quantity: 10 }), listed), exposures(orderWith({ symbol: 'LOT', quantity: 10 }), baseContext));
});

test('every check in RISK_CHECKS has a denying row and a passing row in this table', (t) => {
  for (const { name, check } of RISK_CHECKS) {
    t.true(rows.some((r) => r.check === check && r.expect !== undefined), `${name} lacks a denying row`);
    t.true(rows.some((r) => r.check === check && r.expect === undefined), `${name} lacks a passing row`);
  }
});

test('every denial code a check declares is exercised by a row', (t) => {
  const exercised = new Set(rows.map((r) => r.expect));
  for (const { name, codes } of RISK_CHECKS) for (const code of codes) t.true(exercised.has(code), `${name}: ${code}`);
});

test('the base order passes all checks together', (t) => {
  t.is(runRiskChecks(baseOrder, baseContext), undefined);
});

test('the first failing check in the fixed order decides the denial', (t) => {
  const ctx: RiskContext = { ...baseContext, tradingState: 'HALTED' };
  t.is(runRiskChecks(orderWith({ symbol: 'ZZZZ' }), ctx)?.code, 'TRADING_HALTED');
  t.is(runRiskChecks(orderWith({ symbol: 'ZZZZ' }), baseContext)?.code, 'UNKNOWN_SYMBOL');
});

test('the exposure figures the three exposure checks share follow the order and the context asked about', (t) => {
  const buy = orderWith({ symbol: 'MSFT', quantity: 10 });
  const sell = orderWith({ symbol: 'MSFT', side: 'sell', quantity: 10 });
  t.deepEqual(exposures(buy, baseContext), { grossBefore: 10_000, netBefore: 10_000, grossAfter: 12_000, netAfter: 12_000 });
  t.deepEqual(exposures(sell, baseContext), { grossBefore: 10_000, netBefore: 10_000, grossAfter: 12_000, netAfter: 8_000 });
  const repriced: RiskContext = { ...baseContext, lastPrices: { ...baseContext.lastPrices, AAPL: 50 } };
  t.deepEqual(exposures(sell, repriced), { grossBefore: 5_000, netBefore: 5_000, grossAfter: 7_000, netAfter: 3_000 });
  t.is(exposures(sell, repriced), exposures(sell, repriced));
});
