import type { VenueOpenOrder } from '../venue.js';
import { parseIbTime, sideOfAction } from './ib-mapping.js';
import type { IbOrderRegistry } from './ib-order-registry.js';
import type { IbExecutionSnapshot, IbOpenOrderSnapshot, IbSession } from './ib-session.js';
import type { IbTranslator } from './ib-translator.js';

/** What a reconciliation found and did. */
export interface ReconcileOutcome {
  readonly openOrders: number;
  readonly executions: number;
  readonly missedFills: number;
  readonly closed: readonly string[];
  readonly forgotten: readonly string[];
}

const DONE_STATUSES = new Set(['Filled', 'Cancelled', 'ApiCancelled', 'Inactive']);

/** The working orders of a reqOpenOrders answer that carry a reference, as the venue contract lists them. */
export function venueOpenOrders(snapshot: readonly IbOpenOrderSnapshot[], registry: IbOrderRegistry): VenueOpenOrder[] {
  return snapshot
    .filter((o) => o.order.orderRef !== undefined && o.order.orderRef !== '' && !DONE_STATUSES.has(o.status))
    .map((o) => Object.freeze({
      clientOrderId: o.order.orderRef!, venueOrderId: String(o.order.permId ?? ''), symbol: o.contract.symbol ?? '',
      side: sideOfAction(o.order.action), quantity: o.order.totalQuantity ?? 0,
      filledQuantity: o.filled ?? registry.get(o.order.orderRef!)?.filledQuantity ?? 0,
    }));
}

/** Executions oldest first (ties by execId), so missed fills are emitted in the order they happened. */
export function byExecutionTime(timeZone: string): (a: IbExecutionSnapshot, b: IbExecutionSnapshot) => number {
  return (a, b) => (parseIbTime(a.execution.time, timeZone) ?? 0) - (parseIbTime(b.execution.time, timeZone) ?? 0)
    || String(a.execution.execId).localeCompare(String(b.execution.execId));
}

/**
 * Brings the registry in line with TWS after a connect, before any new order is placed:
 * - reqOpenOrders: orders TWS holds under our references are (re)learned with their IB ids (openOrder
 *   events go through the translator as they arrive);
 * - reqExecutions (today's): on the first connect of a process every execution is recorded as seen (a
 *   baseline: the broker asks for history with `executionsSince`); on a reconnect each execution not seen
 *   live is emitted now, exactly once (`execId` de-duplication);
 * - reqCompletedOrders: orders that ended in this TWS session; on the first connect they are learned
 *   (a resubmit of one is a duplicate that repeats its end), on a reconnect ours are settled as canceled
 *   or rejected with TWS's completed status;
 * - on a reconnect, an order we knew as working that TWS no longer has open and that is not fully filled
 *   is reported canceled; one sent but never acknowledged that TWS does not have is forgotten, so a
 *   resubmit under the same client order id places it.
 */
export async function reconcile(session: IbSession, registry: IbOrderRegistry, translator: IbTranslator, first: boolean, timeZone: string): Promise<ReconcileOutcome> {
  translator.baseline = first;
  try {
    const open = (await session.requestOpenOrders()).filter((o) => o.order.orderRef !== undefined && o.order.orderRef !== '' && !DONE_STATUSES.has(o.status));
    for (const o of open) {
      const tracked = translator.learn(o.order.orderRef!, o.orderId, o.contract, o.order, o.order.permId);
      if (o.filled !== undefined) tracked.filledQuantity = Math.max(tracked.filledQuantity, o.filled);
      session.reserveAbove(o.orderId);
    }
    const openRefs = new Set(open.map((o) => o.order.orderRef!));
    const executions = (await session.requestExecutions({})).sort(byExecutionTime(timeZone));
    let missedFills = 0;
    for (const { contract, execution } of executions) {
      const execId = execution.execId;
      const ref = execution.orderRef;
      if (execId === undefined || ref === undefined || ref === '') continue;
      if (first) {
        registry.seeExecution(execId);
        const tracked = translator.learn(ref, execution.orderId ?? 0, contract, undefined, execution.permId, execution.side);
        tracked.filledQuantity = Math.max(tracked.filledQuantity, execution.cumQty ?? 0);
      } else if (!registry.hasSeenExecution(execId)) {
        translator.onExecution(contract, execution);
        if (registry.hasSeenExecution(execId)) missedFills += 1;
      }
    }
    // Orders that ended while we were away (canceled, rejected): TWS lists them only here.
    const completed = session.supportsCompletedOrders ? await session.requestCompletedOrders() : [];
    for (const { contract, order, state } of completed) {
      const ref = order.orderRef;
      if (ref === undefined || ref === '' || openRefs.has(ref)) continue;
      if (first || registry.get(ref) !== undefined) translator.onCompleted(contract, order, state);
    }
    const closed: string[] = [];
    const forgotten: string[] = [];
    for (const tracked of registry.all()) {
      if (tracked.state === 'done' || openRefs.has(tracked.clientOrderId)) continue;
      if (first) {
        tracked.state = 'done'; // known to TWS only through its executions: it is no longer working
      } else if (tracked.state === 'sending' || tracked.state === 'sent') {
        registry.forget(tracked);
        forgotten.push(tracked.clientOrderId);
      } else if (tracked.quantity === 0 || tracked.filledQuantity < tracked.quantity) {
        translator.closeVanished(tracked);
        closed.push(tracked.clientOrderId);
      } else {
        tracked.state = 'done';
      }
    }
    return { openOrders: open.length, executions: executions.length, missedFills, closed, forgotten };
  } finally {
    translator.baseline = false;
  }
}
