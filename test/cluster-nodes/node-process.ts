// A cluster node (nodes/cluster/node-main.ts, or the test fixture that runs the same node with a scripted
// strategy) as a real child process, waiting on its pino lines' `event` field; see test/helpers/node-process.ts.
import { NodeProcess as ChildNode } from '../helpers/node-process.js';

export type { NodeCommand } from '../helpers/node-process.js';

/** One pino line of a node. */
export type NodeLine = Record<string, unknown> & { readonly event?: string; readonly msg?: string; readonly time: number };

export class NodeProcess extends ChildNode<NodeLine> {
  /** Resolves once the node logged `node.ready`. */
  ready(timeoutMs = 60_000): Promise<NodeLine> {
    return this.waitFor('node.ready', (l) => l.event === 'node.ready', timeoutMs);
  }
}
