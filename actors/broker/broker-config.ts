import type { ActorRef } from '../../runtime/ref.js';
// The defaults are imported for the {@link} references below.
import type { DEFAULT_RETAIN_FILLS, DEFAULT_RETAIN_TERMINAL_ORDERS } from './broker-books.js';

/**
 * Props of a `BrokerActor` (kind `broker`): plain data, so a node can spawn it from config. The key and
 * the venue itself come from the node's order-path services (`attachOrderPath`).
 */
export interface BrokerActorProps {
  /** Identity of this broker; its journal is `broker-<brokerId>`, its fills carry it. */
  readonly brokerId: string;
  /** Name of the venue in the node's services (`paper`, `ib`). */
  readonly venue: string;
  /** Risk identities whose approvals this broker accepts. */
  readonly riskIds: readonly string[];
  /** Where fills go (as `portfolio.fill`), unless `portfolioRefs` names the portfolio's own actor. */
  readonly portfolioRef?: ActorRef;
  /** Portfolio actor per portfolio id. */
  readonly portfolioRefs?: Readonly<Record<string, ActorRef>>;
  /** Default {@link DEFAULT_RETAIN_TERMINAL_ORDERS}. */
  readonly retainTerminalOrders?: number;
  /** Default {@link DEFAULT_RETAIN_FILLS}. */
  readonly retainFills?: number;
  /** Events between snapshots; default 1,000. */
  readonly snapshotEveryEvents?: number;
  /** Events a snapshot waits for per unit of the book's size; default 8 (`SNAPSHOT_EVENTS_PER_WEIGHT`). */
  readonly snapshotEventsPerWeight?: number;
  /** Ownership epoch, set by the cluster's placement (journal fencing); default 1. */
  readonly epoch?: number;
}
