import type { Logger } from 'pino';
import type { ClusterHost } from './cluster-host.js';

/** The HTTP side of a node, once started. */
export interface NodeServices {
  /** Where the inspector (`/metrics`, the inspector API) and, on a data node, the web UI answer. */
  readonly urls: { readonly inspector?: string; readonly ui?: string };
  /** Things the operator should know (a service that is not available in this build). */
  readonly notices: readonly string[];
  close(): Promise<void>;
}

/**
 * HOOK for the node's HTTP services: the metrics/inspector server on every node (on the node's
 * `metricsPort`) and the web gateway on a node with the `data` role (on its `gatewayPort`). The inspector
 * server (nodes/inspector/http-server.ts `startInspectorServer`) and the gateway (nodes/gateway/server.ts
 * `startGateway`) were not part of the tree when the cluster node was written; this is the one place to
 * start them, and until then it says so in the log.
 */
export async function startNodeServices(host: ClusterHost, _log: Logger): Promise<NodeServices> {
  const notices = [`the inspector HTTP server is not started on ${host.node.name}: nodes/inspector/http-server.ts is not integrated in this build (port ${host.node.metricsPort} stays closed)`];
  if (host.node.roles.includes('data')) notices.push(`the web UI is not started on ${host.node.name}: nodes/gateway/server.ts is not integrated in this build (port ${host.node.gatewayPort} stays closed)`);
  return { urls: {}, notices, close: () => Promise.resolve() };
}
