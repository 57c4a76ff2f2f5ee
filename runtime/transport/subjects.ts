/**
 * The subject scheme of the NATS transport. Every node owns three subjects under its cluster's prefix:
 *
 * ```text
 * bifrost.<cluster>.<node>.actor         envelopes for any actor on the node (the path is in the envelope)
 * bifrost.<cluster>.<node>.reply.<id>    replies to the node's pending remote ask <id>
 * bifrost.<cluster>.<node>.ping          liveness probe, answered with an empty message
 * ```
 *
 * `<node>` is the node name with `.` written as `~` (node names never contain `~`), so a dotted node
 * name stays one subject token and no node's subjects can match another node's wildcard.
 */
export const SUBJECT_PREFIX = 'bifrost';

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The reason a cluster name is unusable in subjects and KV bucket names, or undefined when it is fine. */
export function clusterNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !CLUSTER_NAME.test(name)) return 'cluster names are 1-64 characters of [A-Za-z0-9_-]';
  return undefined;
}

/** A node name as one subject token. */
export function nodeToken(node: string): string {
  return node.replaceAll('.', '~');
}

/** Where envelopes for actors on `node` are published. */
export function actorSubject(cluster: string, node: string): string {
  return `${SUBJECT_PREFIX}.${cluster}.${nodeToken(node)}.actor`;
}

/** Where the reply to `node`'s pending ask `id` is published. */
export function replySubject(cluster: string, node: string, id: string): string {
  return `${SUBJECT_PREFIX}.${cluster}.${nodeToken(node)}.reply.${id}`;
}

/** The wildcard a node subscribes to for the replies to its asks. */
export function replyWildcard(cluster: string, node: string): string {
  return `${SUBJECT_PREFIX}.${cluster}.${nodeToken(node)}.reply.*`;
}

/** The liveness probe subject of `node`. */
export function pingSubject(cluster: string, node: string): string {
  return `${SUBJECT_PREFIX}.${cluster}.${nodeToken(node)}.ping`;
}
