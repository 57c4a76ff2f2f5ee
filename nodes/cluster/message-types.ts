/**
 * The message types that cross nodes in a Bifrost cluster, for the transport's strict registry: a node
 * accepts and sends only these (plus what the transport registers itself). Messages an actor sends only
 * to itself or to its own children (a broker's venue reports, a market-data actor's ticks) are not
 * listed, so no other node can send them.
 */
import { MessageRegistry } from '../../runtime/codec/index.js';
import { registerInspectorTypes } from '../../actors/inspector/protocol.js';

/** Version 1 of every type below; a protocol that changes a body bumps its version here. */
const CLUSTER_MESSAGE_TYPES: readonly string[] = [
  // market data: subscriptions, bars and quotes to strategies and the desk's feeder, snapshots
  'marketData.subscribe', 'marketData.stop', 'marketData.failed', 'marketData.started', 'marketData.loaded', 'marketData.replayed',
  'symbol.subscribe', 'symbol.unsubscribe', 'symbol.getSnapshot', 'symbol.snapshot',
  'market.bar', 'market.bars', 'market.quote',
  // strategies
  'strategy.getStatus', 'strategy.status',
  // the order path: strategy -> risk, answers back, operator commands, status
  'risk.submitOrder', 'risk.cancelOrder', 'risk.setTradingState', 'risk.getStatus', 'risk.status',
  'risk.orderDenied', 'risk.tradingStateChanged', 'risk.operatorCommandRefused',
  'broker.orderUpdate', 'broker.fill', 'broker.securityEvent', 'broker.getOrders', 'broker.orders',
  'portfolio.getSnapshot', 'portfolio.snapshot',
  // the optimizer
  'optimizer.run', 'optimizer.cancel', 'optimizer.progress', 'optimizer.result', 'optimizer.failed', 'optimizer.cancelled',
];

/** The types in {@link clusterMessageRegistry}. */
export function clusterMessageTypes(): string[] {
  return [...CLUSTER_MESSAGE_TYPES];
}

/**
 * A registry with every type that crosses nodes (the inspector's queries and replies included), for `ClusterNode.start({ transport: { registry } })`.
 * A client that joins the cluster (a test, the CLI) passes the same registry.
 *
 * @example
 * const node = await ClusterNode.start({ system, clusterName, servers, transport: { registry: clusterMessageRegistry() } });
 */
export function clusterMessageRegistry(registry: MessageRegistry = new MessageRegistry()): MessageRegistry {
  for (const type of CLUSTER_MESSAGE_TYPES) registry.register(type, { version: 1 });
  // The operator's CLI asks each node's /inspector over NATS.
  return registerInspectorTypes(registry);
}
