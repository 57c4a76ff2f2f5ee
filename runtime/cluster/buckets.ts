import type { JetStreamClient, KV } from 'nats';

/** Replicas of the cluster's KV buckets: one per server of a three-server cluster. */
export const DEFAULT_KV_REPLICAS = 3;
/** Max age of membership records: a dead node's record is garbage-collected after this (liveness does not wait for it). */
export const DEFAULT_NODE_RECORD_TTL_MS = 30_000;
/** History kept per placement key, for operators reading how an actor moved. */
export const DEFAULT_PLACEMENT_HISTORY = 5;

/** KV key of a node's record in the membership bucket. */
export function nodeKey(node: string): string {
  return `nodes.${node}`;
}

/** The key of the leader lease in the lease bucket. */
export const LEADER_KEY = 'leader';

// Both buckets turn direct gets off: a direct get may be answered by a replica that lags the stream
// leader, and a compare-and-set decided on a stale revision would fail (a lease renewal) or be wasted.

/** Names of a cluster's buckets: `bifrost-<cluster>-nodes`, `-lease` and `-placement`. */
export function bucketNames(cluster: string): { nodes: string; lease: string; placement: string } {
  return { nodes: `bifrost-${cluster}-nodes`, lease: `bifrost-${cluster}-lease`, placement: `bifrost-${cluster}-placement` };
}

/** Opens (creating when missing) the membership bucket: one record per node, with a TTL. */
export function openNodesBucket(js: JetStreamClient, cluster: string, replicas: number, ttlMs: number): Promise<KV> {
  return js.views.kv(bucketNames(cluster).nodes, { history: 1, ttl: ttlMs, replicas, allow_direct: false, description: 'Bifrost node records' });
}

/**
 * Opens (creating when missing) the lease bucket. It holds only the `leader` key and has no TTL, so the
 * last message in its stream is always the lease's current value (what the compare-and-set relies on).
 */
export function openLeaseBucket(js: JetStreamClient, cluster: string, replicas: number): Promise<KV> {
  return js.views.kv(bucketNames(cluster).lease, { history: 1, replicas, allow_direct: false, description: 'Bifrost leader lease' });
}

/** Opens (creating when missing) the placement table bucket. */
export function openPlacementBucket(js: JetStreamClient, cluster: string, replicas: number): Promise<KV> {
  return js.views.kv(bucketNames(cluster).placement, { history: DEFAULT_PLACEMENT_HISTORY, replicas, allow_direct: false, description: 'Bifrost placement table' });
}
