import { BifrostError } from '../errors.js';

/** The root of every error the cluster layer throws. */
export class ClusterError extends BifrostError {}

/** Cluster options are invalid; `problems` lists every one, each naming its field. */
export class InvalidClusterOptionsError extends ClusterError {
  constructor(readonly problems: readonly string[]) {
    super('CLUSTER_INVALID_OPTIONS', `invalid cluster options: ${problems.join('; ')}`);
  }
}

/** A KV record (node record, lease, placement entry) could not be decoded; it is skipped. */
export class CorruptClusterRecordError extends ClusterError {
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super('CLUSTER_CORRUPT_RECORD', `record ${key} in ${bucket} is unusable: ${reason}`);
  }
}

/** An actor id is already in the placement table with a different kind or props. */
export class PlacementConflictError extends ClusterError {
  constructor(readonly id: string) {
    super('PLACEMENT_CONFLICT', `actor ${id} is already placed with a different kind or props`);
  }
}

/** The placement table has no entry for this actor id. */
export class NotPlacedError extends ClusterError {
  constructor(readonly id: string) {
    super('NOT_PLACED', `actor ${id} is not in the placement table`);
  }
}

/** Joining the cluster failed at `step` (connecting, opening a bucket, starting the watch or membership); `cause` is the underlying error. */
export class ClusterJoinError extends ClusterError {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super('CLUSTER_JOIN_FAILED', `joining the cluster failed while ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
