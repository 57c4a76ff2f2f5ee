// What a node needs to serve the operator: the inspector's HTTP server and metrics, the cluster view, and the
// CLI's clients (HTTP to one node, NATS to a cluster).
export { askWithin } from './ask.js';
export { expectReply, isNodeFailure } from './client.js';
export type { InspectorClient, NodeFailure, OrdersFilter, TradingStateRequest } from './client.js';
export { clusterViewOf, provideClusterView } from './cluster-view.js';
export { InspectorClientError, InspectorQueryError, InspectorUnreachableError, InvalidInspectorServerOptionsError } from './errors.js';
export { DEFAULT_HTTP_CLIENT_TIMEOUT_MS, HttpInspectorClient } from './http-client.js';
export { bearerToken, DEFAULT_INSPECT_TIMEOUT_MS, DEFAULT_INSPECTOR_HOST, DEFAULT_INSPECTOR_PORT, MAX_INSPECT_BODY_BYTES, startInspectorServer, tokenMatches } from './http-server.js';
export type { InspectorServer, InspectorServerOptions } from './http-server.js';
export { ASK_DURATION_BUCKETS, createNodeMetrics, DEFAULT_METRICS_ASK_TIMEOUT_MS, DEFAULT_TOP_MAILBOXES } from './metrics.js';
export type { NodeMetrics, NodeMetricsOptions } from './metrics.js';
export { DEFAULT_NATS_ASK_TIMEOUT_MS, DEFAULT_NATS_CONNECT_TIMEOUT_MS, NatsInspectorClient } from './nats-client.js';
export type { NatsInspectorClientOptions } from './nats-client.js';
