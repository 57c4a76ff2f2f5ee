import { BifrostError } from '../../runtime/errors.js';

/** A cluster node process cannot start as asked. */
export class ClusterNodeError extends BifrostError {}

/** The command line is wrong; `problems` lists every one. */
export class ClusterNodeArgsError extends ClusterNodeError {
  constructor(readonly problems: readonly string[]) {
    super('CLUSTER_NODE_ARGS', `bad arguments:\n  - ${problems.join('\n  - ')}`);
  }
}

/** `--node` names a node the configuration does not list. */
export class UnknownClusterNodeError extends ClusterNodeError {
  constructor(readonly node: string, readonly known: readonly string[]) {
    super('UNKNOWN_CLUSTER_NODE', `node ${JSON.stringify(node)} is not in the configuration (nodes: ${known.join(', ')})`);
  }
}

/** A configured strategy cannot be placed: its kind is not registered on this node, or its params are bad. */
export class InvalidStrategyUnitError extends ClusterNodeError {
  constructor(readonly strategyId: string, reason: string, options?: { cause?: unknown }) {
    super('INVALID_STRATEGY_UNIT', `strategy ${strategyId}: ${reason}`, options);
  }
}
