import type { NodeRecord } from '../../runtime/cluster/node-record.js';
import type { PlacementEntry } from '../../runtime/cluster/placement-table.js';
import type { ActorRef } from '../../runtime/ref.js';
import { serviceKey } from '../../runtime/services.js';
import type { NodeStatus } from './views.js';

/** A node as this node's membership sees it. */
export interface ClusterNodeState {
  readonly record: NodeRecord;
  readonly status: NodeStatus;
  /** Why it is down, when it is. */
  readonly downReason?: string;
}

/**
 * What the inspector reads of the cluster: membership, the lease and the placement table. The node
 * provides it (see `clusterViewOf` in nodes/inspector/cluster-view.ts); an embedded node has none.
 */
export interface InspectorClusterView {
  readonly cluster: string;
  /** Every node seen since this node joined, up or down, sorted by name. */
  nodes(): readonly ClusterNodeState[];
  leader(): { readonly node: string | undefined; readonly term: number };
  /** The placement table as last seen. */
  placement(): readonly PlacementEntry[];
  /** Where placed actor `kind`/`name` runs now. */
  refOf(kind: string, name: string): ActorRef | undefined;
}

/** The node's cluster view, when it is part of a cluster. */
export const INSPECTOR_CLUSTER_VIEW = serviceKey<InspectorClusterView>('inspector.clusterView');

/** How an ask ended, for the ask-latency histogram. */
export type AskOutcome = 'ok' | 'timeout' | 'error';

/** Receives the duration of every ask the inspector (and its HTTP server) makes. */
export type AskObserver = (messageType: string, seconds: number, outcome: AskOutcome) => void;

/** Where the inspector reports its asks' latency (the node's metrics provide it). */
export const INSPECTOR_ASK_OBSERVER = serviceKey<AskObserver>('inspector.askObserver');
