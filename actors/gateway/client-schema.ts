import { ORDER_TYPES, SIDES, TIMES_IN_FORCE } from '../domain/order.js';
import type { ClientCommand } from './protocol.js';
import { TOPICS } from './protocol.js';
import { arr, checkUnion, literal, num, obj, opt, record, str } from './validate.js';
import type { Checked, Schema } from './validate.js';

/** Most bytes of one client frame (the ws server refuses larger ones before they are parsed). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** Most shares in one UI order; the risk limits decide what is allowed, this only bounds the number. */
export const MAX_ORDER_QUANTITY = 1_000_000_000;

const id = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9_.:-]+$/ });
const symbol = str({ min: 1, max: 32, pattern: /^[A-Za-z0-9._-]+$/ });
const price = num({ gt: 0, max: 1e9 });
const topics = arr(literal(...TOPICS), { max: TOPICS.length });
const symbols = arr(symbol, { max: 500 });
const strategy = str({ min: 1, max: 64, pattern: /^[a-z0-9-]+$/ });

/** The schema of each client command, by `type`. */
export const CLIENT_COMMAND_SCHEMAS: Readonly<Record<ClientCommand['type'], Schema<unknown>>> = {
  subscribe: obj({ type: literal('subscribe'), id: opt(id), topics: opt(topics), symbols: opt(symbols) }),
  unsubscribe: obj({ type: literal('unsubscribe'), id: opt(id), topics: opt(topics), symbols: opt(symbols) }),
  'market.snapshot': obj({ type: literal('market.snapshot'), id: opt(id), symbol, bars: opt(num({ integer: true, min: 1, max: 2_000 })) }),
  'order.submit': obj({
    type: literal('order.submit'),
    id,
    symbol,
    side: literal(...SIDES),
    orderType: literal(...ORDER_TYPES),
    quantity: num({ integer: true, min: 1, max: MAX_ORDER_QUANTITY }),
    limitPrice: opt(price),
    stopPrice: opt(price),
    tif: opt(literal(...TIMES_IN_FORCE)),
  }),
  'order.cancel': obj({ type: literal('order.cancel'), id: opt(id), clientOrderId: str({ min: 1, max: 128, pattern: /^[A-Za-z0-9_.:-]+$/ }) }),
  'risk.refresh': obj({ type: literal('risk.refresh'), id: opt(id) }),
  'optimizer.run': obj({
    type: literal('optimizer.run'),
    id,
    strategy,
    symbol,
    grid: str({ min: 1, max: 500, pattern: /^[A-Za-z0-9=.,:|\s-]+$/ }),
    objective: opt(literal('sharpe', 'totalReturn', 'calmar')),
  }),
  'optimizer.cancel': obj({ type: literal('optimizer.cancel'), id }),
  'backtest.run': obj({
    type: literal('backtest.run'),
    id,
    strategy,
    symbol,
    params: opt(record(num(), { maxKeys: 20, key: /^[A-Za-z][A-Za-z0-9]*$/ })),
    bars: opt(num({ integer: true, min: 10, max: 10_000 })),
  }),
  ping: obj({ type: literal('ping'), id: opt(id) }),
};

/**
 * Checks a parsed client frame against the command schemas: the command, or every problem with it.
 *
 * @example
 * const r = parseClientCommand(JSON.parse(text));
 * if (!r.ok) outlet.send({ type: 'error', code: 'BAD_MESSAGE', message: r.problems.join('; '), problems: r.problems });
 */
export function parseClientCommand(value: unknown): Checked<ClientCommand> {
  return checkUnion<ClientCommand>(CLIENT_COMMAND_SCHEMAS, value);
}

/** The `id` a client put on a frame, when it is a usable id (so an error can name the command it answers). */
export function commandIdOf(value: unknown): string | undefined {
  const raw = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  const problems: string[] = [];
  id.check(raw, 'id', problems);
  return problems.length === 0 ? (raw as string) : undefined;
}
