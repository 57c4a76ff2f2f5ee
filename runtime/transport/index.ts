export { credentialOptions, credentialProblems, describeCredentials } from './credentials.js';
export type { NatsCredentials } from './credentials.js';
export { InvalidTransportOptionsError, NodeUnreachableError, RemoteDeliveryError, TransportError, TransportUnavailableError } from './errors.js';
export type { TransportEvent } from './events.js';
export {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_PROBE_TIMEOUT_MS,
  DEFAULT_RECONNECT_TIME_WAIT_MS,
  NatsTransport,
} from './nats-transport.js';
export type { NatsTransportOptions, ProbeResult, TransportStats } from './nats-transport.js';
export { actorSubject, clusterNameProblem, nodeToken, pingSubject, replySubject, replyWildcard, SUBJECT_PREFIX } from './subjects.js';
export { ASK_FAILED_TYPE, ASK_NODE, askSenderRef, OpenMessageRegistry, parseAskRef, TRANSPORT_PATH } from './wire.js';
export type { AskFailed } from './wire.js';
