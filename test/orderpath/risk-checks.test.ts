import test from 'ava';
import { DENIAL_CODES } from '../../actors/risk/denial.js';
import type { DenialCode } from '../../actors/risk/denial.js';
import { RISK_CHECKS } from '../../actors/risk/checks.js';
import { portfolioMarkPrices } from '../../actors/portfolio/protocol.js';
import { riskSetTradingState } from '../../actors/risk/protocol.js';
import type { RiskOrderDenied, RiskPricesUpdate } from '../../actors/risk/protocol.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import type { TradingState } from '../../actors/risk/trading-state.js';
import { collect } from '../helpers/system.js';
import type { Harness, HarnessOptions } from './harness.js';
import { cleanupBackends, FaultyVenue, MINUTE, OPERATOR_TOKEN, orderPath, START } from './harness.js';

test.after.always(cleanupBackends);

async function operator(h: Harness, to: TradingState): Promise<void> {
  h.system.tell(h.strategy, { type: 'standin.send', to: h.risk, message: riskSetTradingState(to, 'ops', 'test', OPERATOR_TOKEN) });
  await h.settle();
}

/** Buys and fills `quantity` AAPL at 100 (minute 1). */
async function holdAapl(h: Harness, quantity: number): Promise<void> {
  h.submit({ quantity });
  await h.settle();
  await h.bar(1, 100);
}

interface Row {
  readonly name: string;
  /** The expected denial code; undefined: the order is approved. */
  readonly code: DenialCode | undefined;
  readonly options?: HarnessOptions;
  readonly setup?: (h: Harness) => Promise<void>;
  readonly order?: Partial<OrderRequest>;
}

// One row per check, in the order the engine runs them, then an order that passes them all.
const ROWS: readonly Row[] = [
  { name: 'a halted book denies every new order', code: 'TRADING_HALTED', setup: (h) => operator(h, 'HALTED') },
  { name: 'a reducing book denies an order that adds exposure', code: 'REDUCING_ONLY', setup: (h) => operator(h, 'REDUCING') },
  { name: 'an order for a portfolio the risk actor has no view of is denied', code: 'UNKNOWN_PORTFOLIO', order: { portfolioId: 'p9' } },
  { name: 'an unknown symbol is denied', code: 'UNKNOWN_SYMBOL', order: { symbol: 'ZZZZ' } },
  { name: 'a suspended instrument is denied', code: 'SYMBOL_NOT_TRADABLE', order: { symbol: 'SUSP' } },
  { name: 'a restricted symbol is denied', code: 'SYMBOL_RESTRICTED', options: { limits: { restrictedSymbols: ['MSFT'] } }, order: { symbol: 'MSFT' } },
  { name: 'a quantity off the lot grid is denied', code: 'INVALID_ORDER', order: { symbol: 'LOT', quantity: 150 } },
  { name: 'an order with no last price and no mark is denied', code: 'NO_REFERENCE_PRICE', options: { noMarketData: true } },
  { name: 'a limit price 50% through the market is denied', code: 'PRICE_OUTSIDE_BAND', order: { type: 'limit', limitPrice: 150 } },
  { name: 'an order over the per-order notional is denied', code: 'NOTIONAL_EXCEEDS_MAX_PER_ORDER', order: { quantity: 600 } },
  { name: 'an order that takes the position over its maximum is denied', code: 'POSITION_EXCEEDS_MAX', options: { limits: { maxPositionQuantity: 5 } } },
  { name: 'an order that takes gross exposure over its maximum is denied', code: 'GROSS_EXPOSURE_EXCEEDS_MAX', options: { limits: { maxGrossExposure: 500, maxNetExposure: 500 } } },
  { name: 'an order that takes net exposure over its maximum is denied', code: 'NET_EXPOSURE_EXCEEDS_MAX', options: { limits: { maxNetExposure: 500 } } },
  { name: 'an order that concentrates too much equity in one symbol is denied', code: 'CONCENTRATION_EXCEEDS_MAX', options: { limits: { maxConcentrationPct: 0.005 } } },
  { name: 'a short sale without allowShort is denied', code: 'SHORT_NOT_ALLOWED', order: { side: 'sell' } },
  { name: 'an order beyond the buying power is denied', code: 'INSUFFICIENT_BUYING_POWER', options: { limits: { maxLeverage: 0.005 } } },
  {
    name: "a strategy's order beyond its rate is denied",
    code: 'ORDER_RATE_EXCEEDED_STRATEGY',
    options: { limits: { maxOrdersPerStrategyPerWindow: 1 } },
    setup: async (h) => {
      h.submit();
      await h.settle();
    },
  },
  {
    name: "a portfolio's order beyond its rate is denied",
    code: 'ORDER_RATE_EXCEEDED_PORTFOLIO',
    options: { limits: { maxOrdersPerPortfolioPerWindow: 1 } },
    setup: async (h) => {
      h.submit({ strategyId: 's0' });
      await h.settle();
    },
  },
  {
    name: 'an order beyond the open-order maximum is denied',
    code: 'MAX_OPEN_ORDERS_EXCEEDED',
    options: { limits: { maxOpenOrders: 1 } },
    setup: async (h) => {
      h.submit({ type: 'limit', limitPrice: 95 }); // rests at the venue
      await h.settle();
    },
  },
  {
    name: 'past the daily loss limit an operator-reactivated book still denies adding exposure',
    code: 'DAILY_LOSS_LIMIT_REACHED',
    options: { limits: { maxDailyLoss: 100 } },
    setup: async (h) => {
      await holdAapl(h, 100);
      h.system.tell(h.portfolio, portfolioMarkPrices({ AAPL: 98 }, START + 2 * MINUTE)); // -200 today: REDUCING
      await h.settle();
      await operator(h, 'ACTIVE');
    },
  },
  {
    name: 'a small account that made its day trades is denied another',
    code: 'PATTERN_DAY_TRADER_LIMIT',
    options: { limits: { pdtMaxDayTrades: 1 }, portfolioProps: { initialCash: 20_000 } },
    setup: async (h) => {
      await holdAapl(h, 10);
      h.submit({ side: 'sell', quantity: 5 }); // closes part of today's position: one day trade
      await h.settle();
      await h.bar(2, 100);
    },
    order: { side: 'sell', quantity: 5 },
  },
  { name: 'an order held without enough return history for VaR is denied', code: 'VAR_HISTORY_INSUFFICIENT', options: { limits: { varMinObservations: 100 } } },
  { name: 'an order that takes VaR over its maximum is denied', code: 'POST_TRADE_VAR_EXCEEDS_MAX', options: { limits: { maxPostTradeVar: 1 } } },
  { name: 'an order within every limit is approved', code: undefined },
];

test('the table has a row for every denial code a check can give', (t) => {
  const covered = new Set(ROWS.flatMap((r) => (r.code === undefined ? [] : [r.code])));
  t.deepEqual([...covered].sort(), Object.values(DENIAL_CODES).sort());
  t.is(RISK_CHECKS.flatMap((c) => c.codes).length + 1, covered.size, 'every check code plus UNKNOWN_PORTFOLIO');
});

for (const row of ROWS) {
  test(`risk actor: ${row.name}`, async (t) => {
    let venue!: FaultyVenue;
    const h = await orderPath(t, { ...row.options, wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
    await row.setup?.(h);
    const published = collect<RiskOrderDenied>(h.system, 'risk.orderDenied');
    const sentBefore = venue.submits.length;
    const id = h.submit(row.order ?? {});
    await h.settle();
    const denied = h.received<RiskOrderDenied>('risk.orderDenied').filter((d) => d.order.clientOrderId === id);
    if (row.code === undefined) {
      t.deepEqual(denied, []);
      t.is(venue.venueOrders(id), 1);
      return;
    }
    t.is(denied.length, 1, 'the strategy got one denial');
    t.is(denied[0]!.denial.code, row.code);
    t.true(denied[0]!.denial.message.startsWith(row.code));
    t.deepEqual(published.map((d) => d.order.clientOrderId), [id], 'the denial is on the event stream');
    t.is(venue.submits.length, sentBefore, 'the venue never saw it');
    t.false((await h.orders()).some((o) => o.clientOrderId === id), 'the broker never saw it');
  });
}

test('risk.pricesUpdate sets several last prices in one message and ignores entries that are not prices', async (t) => {
  // No returns either: the VaR check is off, so that a priced order can pass.
  const h = await orderPath(t, { noMarketData: true, limits: { maxPostTradeVar: null } });
  const prices = { AAPL: 100, MSFT: Number.NaN, LOT: -10, SUSP: 0 };
  const update = (value: unknown): RiskPricesUpdate => ({ type: 'risk.pricesUpdate', prices: value as RiskPricesUpdate['prices'], time: START });
  h.system.tell(h.strategy, { type: 'standin.send', to: h.risk, message: update(prices) });
  h.system.tell(h.strategy, { type: 'standin.send', to: h.risk, message: update(null) });
  await h.settle();
  const codeOf = async (fields: Partial<OrderRequest>): Promise<string | undefined> => {
    const id = h.submit(fields);
    await h.settle();
    return h.received<RiskOrderDenied>('risk.orderDenied').find((d) => d.order.clientOrderId === id)?.denial.code;
  };
  t.is(await codeOf({ type: 'limit', limitPrice: 150 }), 'PRICE_OUTSIDE_BAND', 'AAPL is priced at 100');
  t.is(await codeOf({}), undefined, 'a market order for AAPL passes against that price');
  t.is(await codeOf({ symbol: 'MSFT' }), 'NO_REFERENCE_PRICE', 'a NaN price is ignored');
  t.is(await codeOf({ symbol: 'LOT', quantity: 100 }), 'NO_REFERENCE_PRICE', 'a negative price is ignored');
});
