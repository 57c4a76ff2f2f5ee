import type { ClusterNodeState, InspectorClusterView } from '../../actors/inspector/services.js';
import { INSPECTOR_CLUSTER_VIEW } from '../../actors/inspector/services.js';
import type { ClusterEvent } from '../../runtime/cluster/events.js';
import type { ClusterNode } from '../../runtime/cluster/cluster-node.js';

/**
 * The inspector's view of a cluster node: membership (every node seen since this view was made, with the
 * reason it went down), the leader lease and the placement table. Down nodes are remembered from the
 * `cluster.nodeDown` events, since membership lists only the live ones.
 */
export function clusterViewOf(node: ClusterNode): InspectorClusterView & { close(): void } {
  const seen = new Set(node.membership.members().map((r) => r.name));
  const downReasons = new Map<string, string>();
  const off = node.system.events.subscribe<ClusterEvent>(['cluster.nodeUp', 'cluster.nodeDown'], (event) => {
    if (event.type === 'cluster.nodeUp') {
      seen.add(event.node);
      downReasons.delete(event.node);
    } else if (event.type === 'cluster.nodeDown') {
      seen.add(event.node);
      downReasons.set(event.node, event.reason);
    }
  });
  return {
    cluster: node.transport.cluster,
    nodes(): ClusterNodeState[] {
      const out: ClusterNodeState[] = [];
      for (const name of [...seen].sort()) {
        const record = node.membership.record(name);
        if (record === undefined) continue;
        const up = node.membership.isUp(name);
        const reason = downReasons.get(name);
        out.push(up ? { record, status: 'up' } : { record, status: 'down', ...(reason === undefined ? {} : { downReason: reason }) });
      }
      return out;
    },
    leader: () => ({ node: node.membership.leader, term: node.membership.lease.term }),
    placement: () => node.table.entries().map((v) => v.entry),
    refOf: (kind, name) => node.refOf(kind, name),
    close: off,
  };
}

/**
 * Makes `node`'s cluster view available to the inspector of its system (call it after `ClusterNode.start`,
 * before spawning the inspector). Returns a function that stops following membership events.
 */
export function provideClusterView(node: ClusterNode): () => void {
  const view = clusterViewOf(node);
  node.system.services.provide(INSPECTOR_CLUSTER_VIEW, view);
  return view.close;
}
