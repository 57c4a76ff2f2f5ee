// The failover fixture node (fixtures/node-main.ts) as a real child process; see test/helpers/node-process.ts.
import { fileURLToPath } from 'node:url';
import { NodeProcess as ChildNode } from '../helpers/node-process.js';
import type { NodeMainConfig } from './fixtures/node-main.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/node-main.ts', import.meta.url));

export type NodeLine = Record<string, unknown> & { readonly type: string; readonly node: string; readonly wallClock: number };

export class NodeProcess extends ChildNode<NodeLine> {
  constructor(config: NodeMainConfig) {
    super({ name: config.node, entry: FIXTURE, args: [JSON.stringify(config)] });
  }

  override stop(graceMs = 5_000): Promise<void> {
    return super.stop(graceMs);
  }
}
