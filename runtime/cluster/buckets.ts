import type { JetStreamClient, KV, KvEntry, KvWatchOptions, NatsConnection, QueuedIterator } from 'nats';
import type { Clock } from '../clock.js';

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

/** How long a request to create a watch's consumer may go unanswered before it is made again. */
export const DEFAULT_WATCH_CREATE_TIMEOUT_MS = 2_000;
/** How long {@link startWatch} keeps asking while a node joins. */
export const DEFAULT_WATCH_START_TIMEOUT_MS = 30_000;
const WATCH_RETRY_WAIT_MS = 100;

/**
 * A view of `bucket` for watching only: its JetStream requests time out after `timeoutMs` instead of the
 * client's default five seconds, so that a consumer create that is never answered (see {@link startWatch})
 * is made again soon.
 */
export function watchView(connection: NatsConnection, bucket: string, timeoutMs = DEFAULT_WATCH_CREATE_TIMEOUT_MS): Promise<KV> {
  return connection.jetstream({ timeout: timeoutMs }).views.kv(bucket, { bindOnly: true });
}

/**
 * Starts a watch on `kv`, asking again until one starts; after `timeoutMs` the last error is thrown.
 *
 * A watch is an ephemeral consumer, and nats-server (seen with 2.9.10) may place it on any replica of the
 * bucket's stream, one whose server is down included, for as long as that server stays down. Such a create
 * is never answered; the next one usually lands on a live replica. Measured on a three-server cluster with
 * one server killed: about half the creates went unanswered, still 30 s after the kill.
 */
export function startWatch(kv: KV, opts: KvWatchOptions, timeoutMs = DEFAULT_WATCH_START_TIMEOUT_MS): Promise<QueuedIterator<KvEntry>> {
  return retrying(() => kv.watch(opts), timeoutMs, WATCH_RETRY_WAIT_MS);
}

/**
 * After a watch ended without a stop (its consumer was lost): calls `restart` after `waitMs`, and again
 * `waitMs` after each failure (reported to `onError`), until one succeeds or `stopped()` says to give up.
 * A running node must never be left without its watch: one failed restart would freeze its mirror for good.
 */
export function rewatch(clock: Clock, waitMs: number, restart: () => Promise<void>, onError: (error: unknown) => void, stopped: () => boolean): void {
  clock.setTimer(waitMs, () => void restart().catch((error: unknown) => {
    onError(error);
    if (!stopped()) rewatch(clock, waitMs, restart, onError, stopped);
  }));
}

/** Runs `attempt` until it succeeds, `waitMs` apart; once `timeoutMs` has passed, its last error is thrown. */
export async function retrying<T>(attempt: () => Promise<T>, timeoutMs: number, waitMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
