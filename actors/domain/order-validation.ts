import type { InstrumentRegistry } from './instrument.js';
import { isOnTick } from './money.js';
import type { OrderRequest } from './order.js';
import { ORDER_TYPES, SIDES, TIMES_IN_FORCE, needsLimitPrice, needsStopPrice } from './order.js';
import { frozenRecord } from './freeze.js';

/** One problem with an order request, naming the field at fault. */
export interface OrderProblem {
  readonly field: keyof OrderRequest;
  readonly message: string;
}

/** The outcome of `validateOrderRequest`: the frozen order, or every problem found. */
export type OrderValidation =
  | { readonly ok: true; readonly order: OrderRequest }
  | { readonly ok: false; readonly problems: readonly OrderProblem[] };

const ALLOWED_KEYS: ReadonlySet<string> = new Set<keyof OrderRequest>([
  'clientOrderId', 'portfolioId', 'strategyId', 'symbol', 'side', 'type', 'quantity', 'limitPrice', 'stopPrice', 'tif', 'createdAt',
]);

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function checkPrice(order: OrderRequest, field: 'limitPrice' | 'stopPrice', required: boolean, tickSize: number | undefined, out: OrderProblem[]): void {
  const value = order[field] as unknown;
  if (!required) {
    if (value !== undefined) out.push({ field, message: `${field} must be absent for a ${order.type} order` });
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    out.push({ field, message: `${field} ${String(value)} is required for a ${order.type} order and must be a positive finite number` });
    return;
  }
  if (tickSize !== undefined && !isOnTick(value, tickSize)) {
    out.push({ field, message: `${field} ${value} is not a multiple of the tick size ${tickSize}` });
  }
}

/**
 * Every problem with an order request, as `validateOrderRequest` finds them, without copying the order:
 * the risk check asks this of every order, and a frozen copy it would throw away cost about a microsecond.
 * An empty array when the order is valid. Never throws.
 */
export function orderRequestProblems(request: OrderRequest, registry: InstrumentRegistry): OrderProblem[] {
  const problems: OrderProblem[] = [];
  if (typeof request !== 'object' || request === null) {
    return [{ field: 'clientOrderId', message: 'order request is not an object' }];
  }
  for (const key of Object.keys(request)) {
    if (!ALLOWED_KEYS.has(key)) problems.push({ field: key as keyof OrderRequest, message: `unknown field ${key}` });
  }
  for (const field of ['clientOrderId', 'portfolioId', 'strategyId', 'symbol'] as const) {
    if (!nonEmptyString(request[field])) problems.push({ field, message: `${field} must be a non-empty string` });
  }
  const instrument = nonEmptyString(request.symbol) ? registry.get(request.symbol) : undefined;
  if (nonEmptyString(request.symbol) && instrument === undefined) {
    problems.push({ field: 'symbol', message: `symbol ${request.symbol} is not a known instrument` });
  }
  if (!(SIDES as readonly unknown[]).includes(request.side)) {
    problems.push({ field: 'side', message: `side ${String(request.side)} is not one of ${SIDES.join(', ')}` });
  }
  if (!(TIMES_IN_FORCE as readonly unknown[]).includes(request.tif)) {
    problems.push({ field: 'tif', message: `tif ${String(request.tif)} is not one of ${TIMES_IN_FORCE.join(', ')}` });
  }
  const q = request.quantity as unknown;
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q <= 0) {
    problems.push({ field: 'quantity', message: `quantity ${String(q)} is not a positive integer` });
  } else if (instrument !== undefined && q % instrument.lotSize !== 0) {
    problems.push({ field: 'quantity', message: `quantity ${q} is not a multiple of the lot size ${instrument.lotSize}` });
  }
  if (!(ORDER_TYPES as readonly unknown[]).includes(request.type)) {
    problems.push({ field: 'type', message: `type ${String(request.type)} is not one of ${ORDER_TYPES.join(', ')}` });
  } else {
    checkPrice(request, 'limitPrice', needsLimitPrice(request.type), instrument?.tickSize, problems);
    checkPrice(request, 'stopPrice', needsStopPrice(request.type), instrument?.tickSize, problems);
  }
  if (!Number.isSafeInteger(request.createdAt) || request.createdAt < 0) {
    problems.push({ field: 'createdAt', message: `createdAt ${String(request.createdAt)} is not a non-negative epoch-ms integer` });
  }
  return problems;
}

/**
 * Validates an order at the boundary: known symbol, enumerations, an integer quantity that is a positive
 * multiple of the lot size, the prices its type requires (and no others), positive, finite and on the
 * instrument's tick grid (decided on integers, so 0.1 + 0.2 is on a 0.1 tick), and a valid `createdAt`.
 * Unknown keys are problems too. Returns every problem at once; never throws.
 * @example
 * const result = validateOrderRequest(request, registry);
 * if (!result.ok) console.error(result.problems.map((p) => p.message));
 */
export function validateOrderRequest(request: OrderRequest, registry: InstrumentRegistry): OrderValidation {
  const problems = orderRequestProblems(request, registry);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, order: frozenRecord(request) };
}
