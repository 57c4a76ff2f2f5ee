import type { ErrorInfo } from '../events.js';
import type { NodeRecord } from './node-record.js';

/** Why membership considers a node gone. */
export type NodeDownReason =
  /** The node deleted its record on a clean stop. */
  | 'left'
  /** Its record did not change for `nodeTimeoutMs`. */
  | 'heartbeat-timeout'
  /** Its heartbeat was late and two probes in a row met NATS's no-responders: its connection is gone. */
  | 'unreachable'
  /** It came back with a new incarnation (a restart faster than the timeout). */
  | 'restarted';

/** What the cluster layer publishes on a system's event stream. */
export type ClusterEvent =
  | { readonly type: 'cluster.nodeUp'; readonly at: number; readonly node: string; readonly record: NodeRecord }
  | { readonly type: 'cluster.nodeDown'; readonly at: number; readonly node: string; readonly reason: NodeDownReason }
  | { readonly type: 'cluster.leaderChanged'; readonly at: number; readonly leader: string | undefined; readonly term: number; readonly previous: string | undefined }
  | { readonly type: 'cluster.actorPlaced'; readonly at: number; readonly id: string; readonly node: string; readonly epoch: number; readonly previousNode: string | null }
  | { readonly type: 'cluster.placementPending'; readonly at: number; readonly id: string; readonly reason: string }
  | { readonly type: 'cluster.actorActivated'; readonly at: number; readonly id: string; readonly path: string; readonly epoch: number }
  | { readonly type: 'cluster.actorDeactivated'; readonly at: number; readonly id: string; readonly path: string; readonly reason: 'moved' | 'removed' | 'superseded' | 'stopping' }
  | { readonly type: 'cluster.activationFailed'; readonly at: number; readonly id: string; readonly epoch: number; readonly error: ErrorInfo }
  | { readonly type: 'cluster.error'; readonly at: number; readonly operation: string; readonly error: ErrorInfo };
