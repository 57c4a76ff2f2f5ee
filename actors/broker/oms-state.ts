import { InvalidOrderTransitionError } from './errors.js';

/** OMS order states. */
export const ORDER_STATUSES = [
  'initialized',
  'denied',
  'submitted',
  'accepted',
  'rejected',
  'partially_filled',
  'filled',
  'pending_cancel',
  'canceled',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * OMS events. `cancel_reject` and `cancel_reject_partial` are the same venue report (a cancel was
 * refused); the order book picks the one that returns the order to `accepted` or `partially_filled`
 * from its filled quantity, so that the table alone decides every target state.
 */
export const OMS_EVENTS = [
  'deny',
  'submit',
  'accept',
  'reject',
  'partial_fill',
  'fill',
  'request_cancel',
  'cancel',
  'cancel_reject',
  'cancel_reject_partial',
  'expire',
] as const;
export type OmsEvent = (typeof OMS_EVENTS)[number];

/** States no event leaves. */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['denied', 'rejected', 'filled', 'canceled', 'expired']);

/** One allowed transition. */
export interface OmsTransition {
  readonly from: OrderStatus;
  readonly event: OmsEvent;
  readonly to: OrderStatus;
}

const row = (from: OrderStatus, event: OmsEvent, to: OrderStatus): OmsTransition => Object.freeze({ from, event, to });

/**
 * The one OMS transition table. Anything not listed is an error. A venue may fill or cancel an order
 * before it acknowledges it (`submitted` -> `filled`), and a fill may arrive while a cancel is pending.
 */
export const OMS_TRANSITIONS: readonly OmsTransition[] = Object.freeze([
  row('initialized', 'deny', 'denied'),
  row('initialized', 'submit', 'submitted'),

  row('submitted', 'accept', 'accepted'),
  row('submitted', 'reject', 'rejected'),
  row('submitted', 'partial_fill', 'partially_filled'),
  row('submitted', 'fill', 'filled'),
  row('submitted', 'request_cancel', 'pending_cancel'),
  row('submitted', 'cancel', 'canceled'),
  row('submitted', 'expire', 'expired'),

  row('accepted', 'partial_fill', 'partially_filled'),
  row('accepted', 'fill', 'filled'),
  row('accepted', 'request_cancel', 'pending_cancel'),
  row('accepted', 'cancel', 'canceled'),
  row('accepted', 'expire', 'expired'),

  row('partially_filled', 'partial_fill', 'partially_filled'),
  row('partially_filled', 'fill', 'filled'),
  row('partially_filled', 'request_cancel', 'pending_cancel'),
  row('partially_filled', 'cancel', 'canceled'),
  row('partially_filled', 'expire', 'expired'),

  row('pending_cancel', 'accept', 'pending_cancel'),
  row('pending_cancel', 'reject', 'rejected'),
  row('pending_cancel', 'partial_fill', 'pending_cancel'),
  row('pending_cancel', 'fill', 'filled'),
  row('pending_cancel', 'cancel', 'canceled'),
  row('pending_cancel', 'cancel_reject', 'accepted'),
  row('pending_cancel', 'cancel_reject_partial', 'partially_filled'),
  row('pending_cancel', 'expire', 'expired'),
]);

// From status, then event: two lookups, no key string built per transition.
const INDEX = new Map<OrderStatus, Map<OmsEvent, OrderStatus>>();
for (const t of OMS_TRANSITIONS) {
  let byEvent = INDEX.get(t.from);
  if (byEvent === undefined) INDEX.set(t.from, (byEvent = new Map()));
  byEvent.set(t.event, t.to);
}

/** The state after `event`, or `undefined` when the table does not list it. */
export function nextStatus(from: OrderStatus, event: OmsEvent): OrderStatus | undefined {
  return INDEX.get(from)?.get(event);
}

/**
 * The state after `event`; throws `InvalidOrderTransitionError(from, event)` when the table does not list it.
 * @example transition('submitted', 'accept') // 'accepted'
 */
export function transition(from: OrderStatus, event: OmsEvent, clientOrderId?: string): OrderStatus {
  const to = nextStatus(from, event);
  if (to === undefined) throw new InvalidOrderTransitionError(from, event, clientOrderId);
  return to;
}

/** Whether no event leaves `status`. */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
