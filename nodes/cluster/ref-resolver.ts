import type { ClusterNode } from '../../runtime/cluster/index.js';
import type { PlacementEntry } from '../../runtime/cluster/index.js';
import type { ActorRef } from '../../runtime/ref.js';

/** The top-level segment of a path: `desk` for `/desk/risk`. */
function unitName(path: string): string {
  const end = path.indexOf('/', 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

/**
 * Makes `system.placedRef(path)` refs work on this node: the path's top-level segment names a placed
 * unit (`/desk/risk` -> the entry named `desk`), and the ref resolves to `{ node, path }` where that unit
 * runs now, as long as its node is up in this incarnation. Anything else resolves to nothing, and the send
 * becomes a `no-route` dead letter (a sender that must get through retries: the order path does).
 * Returns a function that uninstalls it.
 *
 * @example
 * const node = await ClusterNode.start({ system, ... });
 * installPlacedRefResolver(node);
 * system.tell(placedRef('/desk/risk'), order);
 */
export function installPlacedRefResolver(node: ClusterNode): () => void {
  const byName = new Map<string, PlacementEntry>();
  const index = (): void => {
    byName.clear();
    for (const { entry } of node.table.entries()) byName.set(entry.name, entry);
  };
  index();
  const off = node.table.onChange(index);
  const system = node.system;
  const resolver = (ref: ActorRef<any>): ActorRef<any> | undefined => {
    const entry = byName.get(unitName(ref.path));
    if (entry === undefined || entry.node === null) return undefined;
    const record = node.membership.record(entry.node);
    if (record === undefined || record.incarnation !== entry.incarnation || !node.membership.isUp(entry.node)) return undefined;
    return { node: entry.node, path: ref.path };
  };
  system.refResolver = resolver;
  return () => {
    off();
    if (system.refResolver === resolver) system.refResolver = undefined;
  };
}
