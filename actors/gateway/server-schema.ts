import { ORDER_TYPES, SIDES, TIMES_IN_FORCE } from '../domain/order.js';
import { GATEWAY_ERROR_CODES } from './errors.js';
import type { ServerEvent, ServerEventType } from './protocol.js';
import { TOPICS } from './protocol.js';
import { arr, bool, checkUnion, literal, nullable, num, obj, opt, record, str } from './validate.js';
import type { Checked, Schema } from './validate.js';

const n = num();
const time = num({ integer: true, min: 0 });
const count = num({ integer: true, min: 0 });
const text = str({ max: 100_000 });
const name = str({ min: 1, max: 200 });
const id = opt(str({ max: 64 }));
const numbers = record(n, { maxKeys: 10_000 });

const chartBar = obj({ time, open: n, high: n, low: n, close: n, volume: n });
const overlay = obj({ time, sma20: opt(n), ema50: opt(n), bbUpper: opt(n), bbLower: opt(n) });
const quote = obj({ symbol: name, time, bid: n, ask: n, last: opt(n) });
const indicators = obj({
  sma20: opt(n), ema50: opt(n), rsi14: opt(n), atr14: opt(n),
  bollinger20: opt(obj({ middle: n, upper: n, lower: n })),
  regime: opt(literal('trending', 'ranging', 'choppy')),
});
const paramSpec = obj({ kind: literal('int', 'number'), default: n, min: opt(n), max: opt(n), description: text });
const strategyInfo = obj({ kind: name, description: text, sweepable: bool(), params: record(paramSpec, { maxKeys: 50 }) });
const nodeRow = obj({ node: name, status: literal('up', 'down'), roles: arr(name, { max: 20 }), since: time, reason: opt(text), self: bool() });
const position = obj({ symbol: name, quantity: n, averageCost: n, mark: opt(n), marketValue: n, unrealizedPnl: n, realizedPnl: n });
const portfolio = obj({
  portfolioId: name, initialCash: n, cash: n, equity: n, realizedPnl: n, unrealizedPnl: n, commissions: n, dayPnl: n, totalPnl: n,
  startOfDayEquity: n, peakEquity: n, grossExposure: n, netExposure: n, positions: arr(position, { max: 10_000 }), time,
});
const limitRow = obj({ key: name, label: name, used: n, limit: nullable(n), utilisation: opt(n), unit: literal('money', 'pct', 'count', 'qty') });
const varView = obj({
  historical95: opt(n), historical99: opt(n), parametric95: opt(n), parametric99: opt(n), observations: opt(count),
  insufficient: opt(arr(name, { max: 10_000 })), time,
});
const history = obj({ from: name, to: name, trigger: name, reason: text, by: opt(text), time });
const risk = obj({
  riskId: name, tradingState: name, limits: arr(limitRow, { max: 100 }), var: opt(varView), varMethod: name, varConfidence: n,
  openOrders: count, history: arr(history, { max: 1_000 }), time,
});
const alert = obj({ seq: count, level: literal('info', 'warn', 'error'), source: name, code: name, message: text, time });
const order = obj({
  clientOrderId: name, portfolioId: name, strategyId: name, symbol: name, side: literal(...SIDES), orderType: literal(...ORDER_TYPES), quantity: n,
  limitPrice: opt(n), stopPrice: opt(n), tif: literal(...TIMES_IN_FORCE), status: name, filledQuantity: n, leavesQuantity: n,
  averagePrice: n, ambiguous: bool(), reason: opt(text), createdAt: time, updatedAt: time,
});
const fill = obj({ fillId: name, clientOrderId: name, symbol: name, side: literal(...SIDES), quantity: n, price: n, commission: n, time, venue: name });
const strategyRow = obj({
  id: name, kind: name, symbols: arr(name, { max: 10_000 }), status: literal('running', 'unreachable'), barsSeen: count,
  ordersSubmitted: count, ordersDenied: count, openOrders: count, fills: count, positions: numbers,
});
const sweepRow = obj({ rank: count, params: numbers, totalReturn: n, cagr: n, sharpe: n, maxDrawdown: n, calmar: n, trades: n, finalEquity: n });
const metrics = obj({
  initialEquity: n, finalEquity: n, totalReturn: n, cagr: n, sharpe: n, sortino: n, calmar: n, maxDrawdown: n, trades: count,
  winRate: n, exposure: n, turnover: n, commissions: n, fills: count,
});
const equityPoint = obj({ time, equity: n });
const errorCode = literal(...Object.values(GATEWAY_ERROR_CODES));

/** The schema of each server event, by `type`. */
export const SERVER_EVENT_SCHEMAS: Readonly<Record<ServerEventType, Schema<unknown>>> = {
  welcome: obj({
    type: literal('welcome'), protocol: count, sessionId: name, node: name, portfolioId: name, symbols: arr(name, { max: 10_000 }),
    feed: name, synthetic: bool(), strategies: arr(strategyInfo, { max: 100 }), time,
  }),
  error: obj({ type: literal('error'), code: errorCode, message: text, id, problems: opt(arr(text, { max: 100 })) }),
  pong: obj({ type: literal('pong'), id, time }),
  subscribed: obj({ type: literal('subscribed'), id, topics: arr(literal(...TOPICS), { max: TOPICS.length }), symbols: arr(name, { max: 10_000 }) }),
  cluster: obj({ type: literal('cluster'), nodes: arr(nodeRow, { max: 1_000 }) }),
  'market.snapshot': obj({
    type: literal('market.snapshot'), id, symbol: name, bars: arr(chartBar, { max: 10_000 }), overlays: arr(overlay, { max: 10_000 }),
    indicators, quote: opt(quote), synthetic: bool(),
  }),
  'market.bar': obj({ type: literal('market.bar'), symbol: name, bar: chartBar, overlay, synthetic: bool(), dropped: count }),
  'market.quote': obj({ type: literal('market.quote'), quote, dropped: count }),
  portfolio: obj({ type: literal('portfolio'), portfolio }),
  'portfolio.equity': obj({ type: literal('portfolio.equity'), points: arr(equityPoint, { max: 10_000 }) }),
  risk: obj({ type: literal('risk'), risk }),
  alerts: obj({ type: literal('alerts'), alerts: arr(alert, { max: 1_000 }) }),
  alert: obj({ type: literal('alert'), alert }),
  blotter: obj({ type: literal('blotter'), orders: arr(order, { max: 10_000 }), fills: arr(fill, { max: 10_000 }) }),
  'order.ack': obj({ type: literal('order.ack'), id: str({ min: 1, max: 64 }), clientOrderId: name, order }),
  'order.denied': obj({
    type: literal('order.denied'), id, clientOrderId: str({ max: 200 }), symbol: str({ max: 200 }), code: name, message: text,
    context: record({ check: (v, p, problems) => (['string', 'number', 'boolean'].includes(typeof v) ? undefined : void problems.push(`${p}: must be a string, number or boolean`)) }, { maxKeys: 100 }),
  }),
  'order.update': obj({ type: literal('order.update'), order, mine: bool() }),
  fill: obj({ type: literal('fill'), fill, mine: bool() }),
  strategies: obj({ type: literal('strategies'), strategies: arr(strategyRow, { max: 1_000 }) }),
  'optimizer.progress': obj({ type: literal('optimizer.progress'), id: name, done: count, total: count, chunk: count, chunks: count, etaMs: n, backend: name }),
  'optimizer.result': obj({
    type: literal('optimizer.result'), id: name, strategy: name, symbol: name, backend: name, objective: name, bars: count, combos: count,
    skipped: count, elapsedMs: n, paramNames: arr(name, { max: 50 }), rows: arr(sweepRow, { max: 1_000 }), confirmation: text,
  }),
  'optimizer.failed': obj({ type: literal('optimizer.failed'), id: name, code: name, message: text }),
  'optimizer.cancelled': obj({ type: literal('optimizer.cancelled'), id: name, done: count, total: count }),
  'backtest.result': obj({
    type: literal('backtest.result'), id: name, strategy: name, symbol: name, params: numbers, bars: count, from: time, to: time,
    metrics, equity: arr(equityPoint, { max: 10_000 }), denials: count,
  }),
  'backtest.failed': obj({ type: literal('backtest.failed'), id: name, code: name, message: text }),
};

/** Checks an event before it goes to a client: the event, or every problem with it (a bug in the gateway). */
export function checkServerEvent(value: unknown): Checked<ServerEvent> {
  return checkUnion<ServerEvent>(SERVER_EVENT_SCHEMAS, value);
}
