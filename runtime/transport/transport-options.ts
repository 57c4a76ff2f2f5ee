import type { Envelope, MessageRegistry } from '../codec/index.js';
import type { NatsCredentials } from './credentials.js';
import { DEFAULT_MAX_BATCH_BYTES } from './outbox.js';
import { clusterNameProblem } from './subjects.js';

/** Wait between reconnect attempts; small, so a client moves to another server within ~100 ms. */
export const DEFAULT_RECONNECT_TIME_WAIT_MS = 100;
/** Client-to-server ping interval; two missed pongs mark a hung server's connection stale. */
export const DEFAULT_PING_INTERVAL_MS = 5_000;
/** How long a liveness probe waits for an answer. */
export const DEFAULT_PROBE_TIMEOUT_MS = 500;
/** A message is dropped as expired only when its deadline passed longer ago than this (clock skew between hosts). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 1_000;

/** Options for {@link NatsTransport}. */
export interface NatsTransportOptions {
  /** Cluster name: the second subject token, so several clusters can share NATS servers. */
  readonly cluster: string;
  /** NATS server URLs; the client moves between them on failure. Required by {@link NatsTransport.connect}. */
  readonly servers?: string | readonly string[];
  /** Connection name shown by the server's monitoring. Default `bifrost-<cluster>-<node>`. */
  readonly name?: string;
  readonly credentials?: NatsCredentials;
  /**
   * The message types this node sends and accepts (strict mode, the default: anything else is refused on
   * both sides). Register every protocol's types at start-up. Default: an empty registry.
   */
  readonly registry?: MessageRegistry;
  /**
   * Permissive mode: accept and send any `type`, as version 1 without validation, alongside the registered
   * ones. For development and tests; production nodes register their protocols.
   */
  readonly acceptUnregisteredTypes?: boolean;
  /** Largest encoded envelope sent or accepted; capped by the server's max_payload. Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /**
   * Called for every decoded incoming envelope; return a reason to refuse it (it becomes an
   * `unauthorised` dead letter) or undefined to accept. NATS permissions remain the first line.
   */
  readonly authorize?: (envelope: Envelope) => string | undefined;
  /** Largest batch of envelopes sent as one NATS message. Default {@link DEFAULT_MAX_BATCH_BYTES}; 0 turns batching off. */
  readonly maxBatchBytes?: number;
  /** Default {@link DEFAULT_RECONNECT_TIME_WAIT_MS}. */
  readonly reconnectTimeWaitMs?: number;
  /** Default {@link DEFAULT_PING_INTERVAL_MS}. */
  readonly pingIntervalMs?: number;
  /** Default {@link DEFAULT_MAX_CLOCK_SKEW_MS}. */
  readonly maxClockSkewMs?: number;
}

/** Counters for the inspector and benchmarks. */
export interface TransportStats {
  readonly sent: number;
  readonly received: number;
  readonly rejected: number;
  readonly pendingAsks: number;
  readonly connected: boolean;
  readonly server: string;
}

/** Answer of {@link NatsTransport.probe}: `absent` means no connection subscribes to the node's subjects. */
export type ProbeResult = 'alive' | 'absent' | 'timeout' | 'unavailable';

/** Every problem with `options`, each naming its field (an empty list when they are usable). */
export function optionProblems(options: NatsTransportOptions): string[] {
  const problems: string[] = [];
  const cluster = clusterNameProblem(options?.cluster);
  if (cluster !== undefined) problems.push(`cluster: ${cluster}`);
  const max = options?.maxPayloadBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) problems.push('maxPayloadBytes must be a positive integer');
  for (const key of ['reconnectTimeWaitMs', 'pingIntervalMs', 'maxClockSkewMs', 'maxBatchBytes'] as const) {
    const v = options?.[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) problems.push(`${key} must be a non-negative number`);
  }
  return problems;
}
