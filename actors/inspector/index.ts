// The inspector family: the SystemInspector actor every node hosts at /inspector, its query protocol and views.
export { DEFAULT_DEAD_LETTER_LIMIT, DEFAULT_INSPECTOR_ASK_TIMEOUT_MS, DEFAULT_ORDER_LIMIT, SystemInspector } from './inspector-actor.js';
export type { InspectorTarget, InspectorTargets, SystemInspectorProps } from './inspector-actor.js';
export {
  INSPECTOR_ERRORS,
  INSPECTOR_NAME,
  INSPECTOR_PATH,
  INSPECTOR_QUERY_TYPES,
  INSPECTOR_REPLY_TYPES,
  inspectorError,
  inspectorQueryProblems,
  isInspectorQuery,
  registerInspectorTypes,
} from './protocol.js';
export type {
  InspectActor,
  InspectDeadLetters,
  InspectNode,
  InspectNodes,
  InspectOrders,
  InspectPlacement,
  InspectRisk,
  InspectSetTradingState,
  InspectTradingSummary,
  InspectTree,
  InspectorErrorCode,
  InspectorErrorReply,
  InspectorProtocol,
  InspectorQuery,
  InspectorRefused,
  InspectorReply,
  InspectorSample,
  InspectorTradingStateSet,
} from './protocol.js';
export { INSPECTOR_ASK_OBSERVER, INSPECTOR_CLUSTER_VIEW } from './services.js';
export type { AskObserver, AskOutcome, ClusterNodeState, InspectorClusterView } from './services.js';
export { deadLetterRow, nodeFacts, orderRow, plainSummary, RateSampler, SAMPLE_INTERVAL_MS, selectOrders, totalProcessed, utilisationOf } from './summaries.js';
export { nodeRow } from './views.js';
export type {
  ActorPlacement,
  ActorView,
  DeadLetterRow,
  DeadLetterView,
  NodeInfo,
  NodeRow,
  NodeRowSource,
  NodeStatus,
  OrderListView,
  OrderRow,
  PlacementRow,
  PlacementView,
  RiskView,
  TradingSummary,
  TreeView,
  UtilisationRow,
} from './views.js';
