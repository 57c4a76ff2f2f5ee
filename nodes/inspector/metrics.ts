import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InspectorProtocol, InspectorReply } from '../../actors/inspector/protocol.js';
import type { AskObserver, AskOutcome } from '../../actors/inspector/services.js';
import { ORDER_STATUSES } from '../../actors/broker/oms-state.js';
import type { RiskOrderDenied } from '../../actors/risk/protocol.js';
import { TRADING_STATES } from '../../actors/risk/trading-state.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import { askWithin } from './ask.js';

/** Deepest mailboxes exported as `bifrost_mailbox_depth{path}`; bounds the label cardinality. */
export const DEFAULT_TOP_MAILBOXES = 20;
/** How long a scrape waits for the inspector's trading summary. */
export const DEFAULT_METRICS_ASK_TIMEOUT_MS = 2_000;
/** Buckets of `bifrost_ask_duration_seconds`: 100 µs to 10 s. */
export const ASK_DURATION_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Options for {@link createNodeMetrics}. */
export interface NodeMetricsOptions {
  readonly system: ActorSystem;
  /** The node's inspector: asked at each scrape for the trading state and orders of the order-path actors hosted here. */
  readonly inspector?: ActorRef<InspectorProtocol>;
  /** Default {@link DEFAULT_TOP_MAILBOXES}. */
  readonly topMailboxes?: number;
  /** Also export prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  readonly processMetrics?: boolean;
  /** Default {@link DEFAULT_METRICS_ASK_TIMEOUT_MS}. */
  readonly askTimeoutMs?: number;
}

/** One node's Prometheus metrics. */
export interface NodeMetrics {
  /** A registry of this node's own (never prom-client's global default registry). */
  readonly registry: Registry;
  /** The Content-Type of {@link NodeMetrics.text}. */
  readonly contentType: string;
  /** Records one ask's latency in `bifrost_ask_duration_seconds`. */
  readonly observeAsk: AskObserver;
  /** The metrics in the Prometheus text format. */
  text(): Promise<string>;
  /** Stops following the event stream. */
  close(): void;
}

/**
 * The Prometheus metrics of one node, in a registry of its own, every series labelled `node`:
 *
 * | metric | type | source |
 * |---|---|---|
 * | `bifrost_actors` | gauge | live actors |
 * | `bifrost_mailbox_depth{path}` | gauge | the deepest mailboxes (top N, non-empty) |
 * | `bifrost_messages_processed_total` | counter | messages processed by the node's actors |
 * | `bifrost_actor_restarts_total` | counter | `actor.restarted` events |
 * | `bifrost_dead_letters_total{reason}` | counter | the dead-letter counters |
 * | `bifrost_ask_duration_seconds{type,outcome}` | histogram | asks made by the inspector and its HTTP server |
 * | `bifrost_orders{state}` | gauge | the broker's orders by OMS state (broker hosted here) |
 * | `bifrost_risk_denials_total{code}` | counter | `risk.orderDenied` events (risk actor hosted here) |
 * | `bifrost_trading_state{state}` | gauge | 1 for the current state (risk actor hosted here) |
 *
 * Also installs the ask observer for the node's inspector.
 *
 * @example
 * const metrics = createNodeMetrics({ system, inspector: { path: '/inspector' } });
 * const text = await metrics.text();
 */
export function createNodeMetrics(options: NodeMetricsOptions): NodeMetrics {
  const { system } = options;
  const registry = new Registry();
  registry.setDefaultLabels({ node: system.node });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const top = options.topMailboxes ?? DEFAULT_TOP_MAILBOXES;
  const registers = [registry];

  // Processed counts live in the actor cells; a counter must never go down when an actor stops, so
  // the exported total adds each live actor's increase since the last scrape.
  const lastProcessed = new Map<string, number>();
  const processedTotal = new Counter({ name: 'bifrost_messages_processed_total', help: 'Messages processed by the actors of this node.', registers });
  const actors = new Gauge({ name: 'bifrost_actors', help: 'Live actors on this node.', registers });
  const mailbox = new Gauge({ name: 'bifrost_mailbox_depth', help: `Messages waiting in the ${top} deepest non-empty mailboxes.`, labelNames: ['path'], registers });

  const collectActors = (): void => {
    const depths: Array<[string, number]> = [];
    let increase = 0;
    const seen = new Set<string>();
    for (const path of system.paths()) {
      const stats = system.statsOf(path);
      if (stats === undefined) continue;
      seen.add(path);
      const before = lastProcessed.get(path);
      increase += before === undefined || stats.processed < before ? stats.processed : stats.processed - before;
      lastProcessed.set(path, stats.processed);
      if (stats.mailboxDepth > 0) depths.push([path, stats.mailboxDepth]);
    }
    for (const path of lastProcessed.keys()) if (!seen.has(path)) lastProcessed.delete(path);
    if (increase > 0) processedTotal.inc(increase);
    actors.set(system.actorCount);
    mailbox.reset();
    depths.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [path, depth] of depths.slice(0, top)) mailbox.set({ path }, depth);
  };

  const restarts = new Counter({ name: 'bifrost_actor_restarts_total', help: 'Actor restarts on this node.', registers });
  const denials = new Counter({ name: 'bifrost_risk_denials_total', help: 'Orders denied by the pre-trade checks, by denial code.', labelNames: ['code'], registers });
  const offs = [
    system.events.subscribe('actor.restarted', () => restarts.inc()),
    system.events.subscribe<RiskOrderDenied>('risk.orderDenied', (e) => denials.inc({ code: String(e.denial?.code ?? 'UNKNOWN') })),
  ];

  new Counter({
    name: 'bifrost_dead_letters_total',
    help: 'Messages that could not be delivered, by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of system.deadLetters.byReason) this.inc({ reason }, n);
    },
  });

  const askDuration = new Histogram({ name: 'bifrost_ask_duration_seconds', help: 'Latency of asks made by the inspector and its HTTP server.', labelNames: ['type', 'outcome'], buckets: ASK_DURATION_BUCKETS, registers });
  const observeAsk: AskObserver = (type: string, seconds: number, outcome: AskOutcome) => askDuration.observe({ type, outcome }, seconds);
  // Every ask made through this system is timed once, by the kernel.
  system.askObserver ??= observeAsk;

  const orders = new Gauge({ name: 'bifrost_orders', help: 'Orders in the broker hosted on this node, by OMS state.', labelNames: ['state'], registers });
  const tradingState = new Gauge({ name: 'bifrost_trading_state', help: 'Trading state of the risk actor hosted on this node: 1 for the current state.', labelNames: ['state'], registers });

  const collectTrading = async (): Promise<void> => {
    orders.reset();
    tradingState.reset();
    if (options.inspector === undefined || system.isStopped) return;
    const started = performance.now();
    let reply: InspectorReply;
    try {
      reply = await askWithin<InspectorReply>(system, options.inspector, { type: 'inspector.tradingSummary' }, options.askTimeoutMs ?? DEFAULT_METRICS_ASK_TIMEOUT_MS);
    } catch {
      return;
    }
    if (reply.type !== 'inspector.tradingSummaryView') return;
    if (reply.ordersByState !== null) for (const state of ORDER_STATUSES) orders.set({ state }, reply.ordersByState[state] ?? 0);
    if (reply.tradingState !== null) for (const state of TRADING_STATES) tradingState.set({ state }, state === reply.tradingState ? 1 : 0);
  };

  return {
    registry,
    contentType: registry.contentType,
    observeAsk,
    async text() {
      collectActors();
      await collectTrading();
      return registry.metrics();
    },
    close() {
      for (const off of offs) off();
    },
  };
}
