import type { IbErrorCategory } from './ib-errors.js';

/**
 * What an `IbVenue` reports besides order reports and status: IB error codes, connectivity notices,
 * reconnects, reconciliation outcomes and held orders. Messages are scrubbed of account ids.
 */
export type IbVenueEvent =
  /** The connection dropped (or an attempt failed); the next attempt is due in `delayMs`. */
  | { readonly kind: 'reconnect_scheduled'; readonly attempt: number; readonly delayMs: number; readonly time: number }
  /** A connectivity notice: 1100 / 2110 lost, 1101 restored with data lost, 1102 restored with data kept, 1300 port reset. */
  | { readonly kind: 'connectivity'; readonly code: number; readonly category: IbErrorCategory; readonly message: string; readonly time: number }
  /** Any other IB error or notice the adapter saw, with its code and category; `clientOrderId` when it concerned one of ours. */
  | {
    readonly kind: 'ib_error'; readonly code: number; readonly category: IbErrorCategory; readonly ibId: number;
    readonly clientOrderId?: string; readonly message: string; readonly time: number;
  }
  /**
   * Reconciliation after a (re)connect finished. `missedFills`: executions emitted now that were not seen
   * live; `closed`: orders no longer open at TWS and reported canceled; `forgotten`: orders sent but never
   * acknowledged that TWS does not have (a resubmit will place them).
   */
  | {
    readonly kind: 'reconciled'; readonly first: boolean; readonly openOrders: number; readonly executions: number;
    readonly missedFills: number; readonly closed: readonly string[]; readonly forgotten: readonly string[]; readonly time: number;
  }
  | { readonly kind: 'order_held'; readonly clientOrderId: string; readonly time: number }
  | { readonly kind: 'held_order_released'; readonly clientOrderId: string; readonly time: number }
  | { readonly kind: 'held_order_refused'; readonly clientOrderId: string; readonly reason: 'timeout' | 'closed' | 'capacity'; readonly time: number }
  /** A fill was emitted with commission 0 because its commission report did not arrive in time. */
  | { readonly kind: 'commission_missing'; readonly clientOrderId: string; readonly fillId: string; readonly time: number }
  /** An execution of one of our orders whose portfolio is unknown (not submitted here, no resolver, no default): not emitted. */
  | { readonly kind: 'unattributed_execution'; readonly clientOrderId: string; readonly fillId: string; readonly time: number };

/** The kinds of `IbVenueEvent`. */
export type IbVenueEventKind = IbVenueEvent['kind'];
