export { bucketNames, DEFAULT_KV_REPLICAS, DEFAULT_NODE_RECORD_TTL_MS, DEFAULT_PLACEMENT_HISTORY, LEADER_KEY, nodeKey, openLeaseBucket, openNodesBucket, openPlacementBucket } from './buckets.js';
export { ClusterNode, DEFAULT_KV_OPEN_TIMEOUT_MS } from './cluster-node.js';
export type { ClusterNodeOptions } from './cluster-node.js';
export { ClusterError, ClusterJoinError, CorruptClusterRecordError, InvalidClusterOptionsError, NotPlacedError, PlacementConflictError } from './errors.js';
export type { ClusterEvent, NodeDownReason } from './events.js';
export { LeaderLease } from './leader-lease.js';
export type { LeaseBucket, LeaseIdentity } from './leader-lease.js';
export { casDelete, casPut } from './cas.js';
export type { LeaseValue } from './lease-value.js';
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_LIVENESS_CHECK_INTERVAL_MS,
  DEFAULT_MEMBERSHIP_SYNC_TIMEOUT_MS,
  DEFAULT_NODE_TIMEOUT_MS,
  DEFAULT_SUSPECT_AFTER_MS,
  Membership,
} from './membership.js';
export type { MembershipOptions } from './membership.js';
export { BIFROST_VERSION } from './node-record.js';
export type { NodeRecord } from './node-record.js';
export { chooseNode, defaultPersistenceIdOf, fenceJournalHook, Placement, propsWithEpoch } from './placement.js';
export type { BeforeActivate, FenceableJournal, PlacementOptions, PlacementRules } from './placement.js';
export { actorId, PlacementTable, placementKey } from './placement-table.js';
export type { PlacementEntry, PlaceRequest, VersionedEntry } from './placement-table.js';
