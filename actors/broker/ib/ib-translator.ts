import type { CommissionReport, Contract, Execution, Order, OrderState } from '@stoqey/ib';
import type { VenueFill, VenueReport } from '../venue.js';
import type { VenueClock } from '../venue-clock.js';
import { classifyIbCode } from './ib-errors.js';
import type { IbVenueEvent } from './ib-events.js';
import { parseIbTime, sideOfAction, sideOfExecution } from './ib-mapping.js';
import type { IbOrderRegistry, TrackedOrder } from './ib-order-registry.js';
import type { IbOutbox } from './ib-outbox.js';

/** What the translator needs from its venue. */
export interface IbTranslatorContext {
  readonly name: string;
  readonly clock: VenueClock;
  readonly timeZone: string;
  readonly registry: IbOrderRegistry;
  readonly outbox: IbOutbox;
  /** The portfolio an order's fills belong to, when it can be told. */
  portfolioOf(tracked: TrackedOrder): string | undefined;
  event(event: IbVenueEvent): void;
  /** Removes account ids from a TWS message. */
  scrub(message: string): string;
}

const WORKING = new Set(['PreSubmitted', 'Submitted', 'PendingCancel']);
const CANCELED = new Set(['Cancelled', 'ApiCancelled']);

/**
 * Turns what TWS sends (openOrder, orderStatus, execDetails, commissionReport, errors) into venue reports
 * for the orders the registry tracks. Acceptance is reported once, terminal reports once, executions once
 * per `execId`; a rejection after acceptance is reported as `canceled` (the OMS allows no accepted ->
 * rejected), carrying the IB code in its reason.
 */
export class IbTranslator {
  readonly #ctx: IbTranslatorContext;
  /** While true (the first reconciliation of a process), orders learned from TWS are not re-announced. */
  baseline = false;

  constructor(context: IbTranslatorContext) {
    this.#ctx = context;
  }

  /** Tracks an order TWS knows under our reference but this process did not submit (or lost track of). */
  learn(orderRef: string, orderId: number, contract: Contract, order: Order | undefined, permId: number | undefined, side?: string): TrackedOrder {
    const { registry } = this.#ctx;
    const tracked = registry.get(orderRef) ?? registry.track({
      clientOrderId: orderRef, symbol: contract.symbol ?? '', side: order === undefined ? sideOfExecution(side) : sideOfAction(order.action),
      // Known only through an execution: TWS did not list it as open, so it is no longer working.
      quantity: order?.totalQuantity ?? 0, acceptedReported: this.baseline, state: order === undefined ? 'done' : 'working',
    });
    if (tracked.orderId !== orderId && orderId > 0) registry.bindOrderId(tracked, orderId);
    tracked.permId ??= permId;
    if (order !== undefined) {
      tracked.contract = contract;
      tracked.ibOrder = order;
      if (tracked.order === undefined) tracked.quantity = order.totalQuantity ?? tracked.quantity;
    }
    return tracked;
  }

  onOpenOrder(orderId: number, contract: Contract, order: Order, state: OrderState): void {
    const ref = order.orderRef;
    if (ref === undefined || ref === '') return;
    const tracked = this.learn(ref, orderId, contract, order, order.permId);
    if (order.permId !== undefined) tracked.permId = order.permId;
    this.#onStatus(tracked, state.status);
  }

  onOrderStatus(orderId: number, status: string, permId: number | undefined): void {
    const tracked = this.#ctx.registry.byOrderId(orderId);
    if (tracked === undefined) return;
    if (permId !== undefined && permId > 0) tracked.permId = permId;
    this.#onStatus(tracked, status);
  }

  /** A live execution, or a missed one found by reconciliation; ignored when its `execId` was seen. */
  onExecution(contract: Contract, exec: Execution): void {
    const { registry } = this.#ctx;
    const execId = exec.execId;
    if (execId === undefined || registry.hasSeenExecution(execId)) return;
    const ref = exec.orderRef;
    const tracked = (ref === undefined || ref === '' ? undefined : registry.get(ref)) ?? (exec.orderId === undefined ? undefined : registry.byOrderId(exec.orderId))
      ?? (ref === undefined || ref === '' ? undefined : this.learn(ref, exec.orderId ?? 0, contract, undefined, exec.permId, exec.side));
    if (tracked === undefined) return;
    registry.seeExecution(execId);
    if (this.#ctx.portfolioOf(tracked) === undefined) {
      this.#ctx.event({ kind: 'unattributed_execution', clientOrderId: tracked.clientOrderId, fillId: execId, time: this.#ctx.clock.now() });
      return;
    }
    tracked.permId ??= exec.permId;
    this.#announce(tracked);
    tracked.filledQuantity = Math.max(tracked.filledQuantity + (exec.shares ?? 0), exec.cumQty ?? 0);
    if (tracked.quantity > 0 && tracked.filledQuantity >= tracked.quantity) tracked.state = 'done';
    else if (tracked.state !== 'done') tracked.state = 'working';
    const cumulative = tracked.filledQuantity;
    this.#ctx.outbox.fill(execId, (commission) => this.toFill(tracked, exec, commission, cumulative)!, registry.commissionOf(execId));
  }

  onCommission(report: CommissionReport): void {
    if (report.execId === undefined || report.commission === undefined) return;
    this.#ctx.registry.rememberCommission(report.execId, report.commission);
    this.#ctx.outbox.commission(report.execId, report.commission);
  }

  /** An error on an order id: rejections, cancel confirmations and refusals become reports. */
  onOrderError(orderId: number, code: number, message: string): void {
    const { category } = classifyIbCode(code);
    const tracked = this.#ctx.registry.byOrderId(orderId);
    const time = this.#ctx.clock.now();
    const clean = this.#ctx.scrub(message);
    this.#ctx.event({ kind: 'ib_error', code, category, ibId: orderId, message: clean, time, ...(tracked === undefined ? {} : { clientOrderId: tracked.clientOrderId }) });
    if (tracked === undefined) return;
    tracked.lastError = { code, message: clean };
    const reason = `IB_${code}: ${clean}`;
    const cancelRefused = category === 'cancel_rejected' || (category === 'order_not_found' && tracked.cancelRequested);
    if (category === 'rejection') this.#finishRejected(tracked, reason);
    else if (category === 'cancel_confirmed') this.#finish(tracked, { kind: 'canceled', clientOrderId: tracked.clientOrderId, reason, time });
    else if (cancelRefused && tracked.cancelRequested) {
      tracked.cancelRequested = false;
      this.#ctx.outbox.report({ kind: 'cancel_rejected', clientOrderId: tracked.clientOrderId, reason, time });
    }
  }

  /** The fill of an execution; `undefined` when its portfolio cannot be told. */
  toFill(tracked: TrackedOrder, exec: Execution, commission: number, cumulative: number): VenueFill | undefined {
    const portfolioId = this.#ctx.portfolioOf(tracked);
    if (portfolioId === undefined) return undefined;
    const cumQty = exec.cumQty !== undefined && exec.cumQty > 0 ? exec.cumQty : cumulative;
    return Object.freeze({
      fillId: exec.execId!, clientOrderId: tracked.clientOrderId, portfolioId, symbol: tracked.order?.symbol ?? tracked.symbol,
      side: sideOfExecution(exec.side), quantity: exec.shares ?? 0, price: exec.price ?? 0, commission,
      time: parseIbTime(exec.time, this.#ctx.timeZone) ?? this.#ctx.clock.now(), venue: this.#ctx.name,
      venueOrderId: String(exec.permId ?? tracked.permId ?? ''), leavesQuantity: Math.max(0, tracked.quantity - cumQty),
    });
  }

  /**
   * Repeats what is known of an order submitted again (a broker that restarted and missed its reports):
   * its terminal report, or its acceptance. Consumers ignore what they already applied.
   */
  reannounce(tracked: TrackedOrder): void {
    if (tracked.terminalReport !== undefined) return this.#ctx.outbox.report(tracked.terminalReport);
    if (tracked.acceptedReported && tracked.state === 'working') {
      this.#ctx.outbox.report({ kind: 'accepted', clientOrderId: tracked.clientOrderId, venueOrderId: String(tracked.permId ?? ''), time: this.#ctx.clock.now() });
    }
  }

  /** Reports the end of an order that TWS no longer has open (reconciliation after a reconnect). */
  closeVanished(tracked: TrackedOrder): void {
    this.#finish(tracked, { kind: 'canceled', clientOrderId: tracked.clientOrderId, reason: 'IB_NOT_OPEN_AFTER_RECONNECT', time: this.#ctx.clock.now() });
  }

  /**
   * Settles an order TWS lists as completed (reqCompletedOrders): canceled or rejected with TWS's
   * completed status as the reason; a filled one is left to its executions. Returns the order.
   */
  onCompleted(contract: Contract, order: Order, state: OrderState): TrackedOrder | undefined {
    const ref = order.orderRef;
    if (ref === undefined || ref === '') return undefined;
    const tracked = this.learn(ref, this.#ctx.registry.get(ref)?.orderId ?? 0, contract, order, order.permId);
    if (order.permId !== undefined) tracked.permId = order.permId;
    tracked.filledQuantity = Math.max(tracked.filledQuantity, order.filledQuantity ?? 0);
    const detail = state.completedStatus === undefined || state.completedStatus === '' ? '' : `: ${this.#ctx.scrub(state.completedStatus)}`;
    if (CANCELED.has(state.status)) this.#finish(tracked, { kind: 'canceled', clientOrderId: ref, reason: `IB_CANCELLED${detail}`, time: this.#ctx.clock.now() });
    else if (state.status === 'Inactive') this.#finishRejected(tracked, `IB_INACTIVE${detail}`);
    else tracked.state = 'done';
    return tracked;
  }

  #onStatus(tracked: TrackedOrder, status: string): void {
    const time = this.#ctx.clock.now();
    if (tracked.state === 'sending' || tracked.state === 'sent') tracked.state = 'working';
    if (WORKING.has(status)) this.#announce(tracked);
    else if (CANCELED.has(status)) this.#finish(tracked, { kind: 'canceled', clientOrderId: tracked.clientOrderId, reason: tracked.lastError === undefined ? 'IB_CANCELLED' : `IB_${tracked.lastError.code}: ${tracked.lastError.message}`, time });
    else if (status === 'Inactive') this.#finishRejected(tracked, tracked.lastError === undefined ? 'IB_INACTIVE' : `IB_${tracked.lastError.code}: ${tracked.lastError.message}`);
  }

  /** Reports acceptance once, unless the order is done or was learned as a baseline. */
  #announce(tracked: TrackedOrder): void {
    if (tracked.acceptedReported || tracked.state === 'done') return;
    tracked.acceptedReported = true;
    this.#ctx.outbox.report({ kind: 'accepted', clientOrderId: tracked.clientOrderId, venueOrderId: String(tracked.permId ?? ''), time: this.#ctx.clock.now() });
  }

  #finishRejected(tracked: TrackedOrder, reason: string): void {
    const time = this.#ctx.clock.now();
    if (tracked.acceptedReported && !tracked.cancelRequested) this.#finish(tracked, { kind: 'canceled', clientOrderId: tracked.clientOrderId, reason, time });
    else this.#finish(tracked, { kind: 'rejected', clientOrderId: tracked.clientOrderId, reason, time });
  }

  #finish(tracked: TrackedOrder, report: VenueReport): void {
    if (tracked.state === 'done') return;
    tracked.state = 'done';
    tracked.terminalReport = report;
    if (!this.baseline) this.#ctx.outbox.report(report); // history at a process's first connect is kept for a resubmit, not emitted
  }
}
