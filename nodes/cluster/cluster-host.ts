import type { Logger } from 'pino';
import { natsCredentialsFromEnv, natsUrls } from '../../cluster.config.js';
import type { ClusterConfig, NodeConfig } from '../../cluster.config.js';
import { ClusterNode, InvalidClusterOptionsError } from '../../runtime/cluster/index.js';
import type { ClusterEvent, PlaceRequest } from '../../runtime/cluster/index.js';
import { InvalidTransportOptionsError } from '../../runtime/transport/index.js';
import { createLogger } from '../../runtime/logger.js';
import type { ActorKinds } from '../../runtime/registry.js';
import { ActorSystem } from '../../runtime/system.js';
import { openPersistence } from '../../persistence/open-persistence.js';
import type { Persistence } from '../../persistence/open-persistence.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { registerOrderPathKinds } from '../../actors/broker/kinds.js';
import { orderPathServicesFromEnv } from '../../actors/broker/services.js';
import { BAR_STORE } from '../../actors/market/services.js';
import { registerOptimizerKind } from '../../actors/optimizer/optimizer-actor.js';
import { registerStrategyKinds } from '../../actors/strategy/registry.js';
import { DeskActor, DESK_KIND, deskFencingHook } from './desk-actor.js';
import { ClusterNodeError, UnknownClusterNodeError } from './errors.js';
import { MARKET_KIND, MarketUnit } from './market-unit.js';
import { clusterMessageRegistry } from './message-types.js';
import { placeUnits } from './place-units.js';
import { installPlacedRefResolver } from './ref-resolver.js';
import { clusterPlacementRules, clusterUnits } from './units.js';
import type { ClusterFeedOptions } from './units.js';
import { VenueSlot } from './venue-slot.js';

/**
 * How long a node keeps trying to join before it gives up. After a NATS server dies, JetStream needs a
 * while to elect new leaders for the streams it led (measured: ~10 s for the busy membership bucket on
 * nats-server 2.9), and the buckets cannot be opened until then.
 */
export const DEFAULT_JOIN_TIMEOUT_MS = 60_000;

/** How to start one node of a cluster. */
export interface ClusterHostOptions {
  /** A parsed config (`parseClusterConfig(input, env)`). */
  readonly config: ClusterConfig;
  /** This node's name; it must be one of `config.nodes`. */
  readonly nodeName: string;
  /** Where secrets come from: BIFROST_PG_URL, BIFROST_RISK_KEY, BIFROST_OPERATOR_TOKEN, BIFROST_NATS_*, BIFROST_IB_*. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** The market unit's feed; must be the same on every node (the first placement wins). */
  readonly feed?: ClusterFeedOptions;
  /** Registers more actor kinds (e.g. strategies of your own) before the node joins. */
  readonly registerKinds?: (kinds: ActorKinds) => void;
  /** Place the cluster's units from this node. Default true (idempotent: every node places the same). */
  readonly placeUnits?: boolean;
  /** How long to wait for a node with a unit's first-choice role before placing it anyway. Default `DEFAULT_PLACE_GRACE_MS` (15 s). */
  readonly placeGraceMs?: number;
  /** Default {@link DEFAULT_JOIN_TIMEOUT_MS}. */
  readonly joinTimeoutMs?: number;
  /** Called when this node has placed a unit (or found it placed). */
  readonly onPlaced?: (unit: PlaceRequest) => void;
}

/** A running cluster node. */
export interface ClusterHost {
  readonly system: ActorSystem;
  readonly cluster: ClusterNode;
  readonly persistence: Persistence;
  readonly config: ClusterConfig;
  readonly node: NodeConfig;
  /** The units this node placed (or found placed). */
  readonly units: readonly PlaceRequest[];
  /** Things the operator should know (a generated key, operator commands disabled, SQLite in a cluster). */
  readonly notices: readonly string[];
  /** Clean stop: placed actors stop here and are re-placed elsewhere at once; connections and the pool close. */
  stop(): Promise<void>;
}

/**
 * Starts one node of a Bifrost cluster: PostgreSQL persistence (the shared journal a survivor recovers
 * from), the order-path services (the approval key from BIFROST_RISK_KEY, the same on every node, and a
 * venue that connects only while this node hosts the desk), every actor kind, the cluster node (NATS
 * transport with the cluster's message registry, membership, placement with the desk's fencing hook), a
 * resolver for placed refs, and the cluster's units, placed idempotently.
 *
 * @example
 * const config = parseClusterConfig(JSON.parse(readFileSync('cluster.json', 'utf8')), process.env);
 * const host = await startClusterHost({ config, nodeName: 'trading-1' });
 * process.once('SIGTERM', () => void host.stop());
 */
export async function startClusterHost(options: ClusterHostOptions): Promise<ClusterHost> {
  const { config } = options;
  const env = options.env ?? process.env;
  const node = config.nodes.find((n) => n.name === options.nodeName);
  if (node === undefined) throw new UnknownClusterNodeError(options.nodeName, config.nodes.map((n) => n.name));
  const log = options.logger ?? createLogger({ name: 'bifrost' });
  const notices: string[] = [];
  const persistence = await openClusterPersistence(config, env, notices);
  const system = ActorSystem.create({ node: node.name, logger: log });
  let cluster: ClusterNode | undefined;
  let slot: VenueSlot | undefined;
  try {
    attachPersistence(system, { journal: persistence.journal, snapshots: persistence.snapshots });
    system.services.provide(BAR_STORE, persistence.bars);
    const { services, notice } = orderPathServicesFromEnv(env, new Map());
    if (notice !== undefined) notices.push(notice);
    slot = new VenueSlot(system, config, env, services, log);
    registerOrderPathKinds(system.kinds);
    registerStrategyKinds(system.kinds);
    registerOptimizerKind(system.kinds);
    system.kinds.register(DESK_KIND, DeskActor).register(MARKET_KIND, MarketUnit);
    options.registerKinds?.(system.kinds);
    const units = clusterUnits(config, system.kinds, options.feed);

    const join = () => ClusterNode.start({
      system,
      clusterName: config.name,
      servers: natsUrls(config),
      roles: node.roles,
      placementRules: clusterPlacementRules(config),
      ...withCredentials(config, env),
      transport: { registry: clusterMessageRegistry() },
      journal: persistence.journal,
      beforeActivate: deskFencingHook(persistence.journal),
    });
    cluster = await joinWithRetries(join, options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS, (error) => log.warn({ event: 'node.joinRetry', node: node.name, err: error }, 'joining the cluster failed; retrying'));
    const uninstall = installPlacedRefResolver(cluster);
    const venueSlot = slot;
    // The desk left this node (moved while this node lives, or the node is stopping): end the venue session.
    const offDesk = system.events.subscribe<ClusterEvent>('cluster.actorDeactivated', (e) => {
      if (e.type === 'cluster.actorDeactivated' && e.id === `${DESK_KIND}/${DESK_KIND}`) void venueSlot.reset().catch((error: unknown) => log.warn({ err: error }, 'closing the venue failed'));
    });
    const placing = (options.placeUnits ?? true)
      ? placeUnits(cluster, units, clusterPlacementRules(config), {
        conflict: (u) => log.warn({ event: 'node.notice', unit: `${u.kind}/${u.name}` }, `${u.kind}/${u.name} is already placed with other props (another config?); kept the placed one. Unplace it to change it.`),
        error: (u, error) => log.warn({ err: error, unit: `${u.kind}/${u.name}` }, 'placing a unit failed; retrying'),
        placed: (u) => options.onPlaced?.(u),
      }, options.placeGraceMs)
      : undefined;
    const running = cluster;
    let stopping: Promise<void> | undefined;
    return {
      system, cluster: running, persistence, config, node, units, notices,
      stop() {
        stopping ??= (async () => {
          placing?.cancel();
          await running.stop();
          offDesk();
          uninstall();
          await system.shutdown();
          await venueSlot.close();
          await persistence.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await cluster?.stop().catch(() => undefined);
    await system.shutdown().catch(() => undefined);
    await slot?.close().catch(() => undefined);
    await persistence.close().catch(() => undefined);
    throw error;
  }
}

async function joinWithRetries(join: () => Promise<ClusterNode>, timeoutMs: number, onRetry: (error: unknown) => void): Promise<ClusterNode> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await join();
    } catch (error) {
      if (error instanceof InvalidClusterOptionsError || error instanceof InvalidTransportOptionsError || Date.now() > deadline) throw error;
      onRetry(error);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function withCredentials(config: ClusterConfig, env: Readonly<Record<string, string | undefined>>): { credentials?: NonNullable<ReturnType<typeof natsCredentialsFromEnv>> } {
  const credentials = natsCredentialsFromEnv(config, env);
  return credentials === undefined ? {} : { credentials };
}

async function openClusterPersistence(config: ClusterConfig, env: Readonly<Record<string, string | undefined>>, notices: string[]): Promise<Persistence> {
  const p = config.persistence;
  if (p.kind === 'sqlite') {
    notices.push(`persistence is SQLite (${p.path}): only this host can read it, so no other node can recover this node's actors`);
    return openPersistence({ kind: 'sqlite', path: p.path });
  }
  const url = env.BIFROST_PG_URL;
  if (url === undefined || url.length === 0) throw new ClusterNodeError('NO_PG_URL', 'persistence: BIFROST_PG_URL is not set (postgres://user:password@host:5432/database)');
  return openPersistence({ kind: 'postgres', url, schema: p.schema, poolSize: 4 });
}
