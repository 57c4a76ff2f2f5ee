/**
 * The cluster node's command line, as a function, so a test fixture can run the very same node with
 * extra actor kinds: `runClusterNode(argv, { registerKinds })`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { LOCAL_LAYOUT, natsUrls, parseClusterConfig, REFERENCE_LAYOUT } from '../../cluster.config.js';
import type { ClusterConfig } from '../../cluster.config.js';
import { createLogger } from '../../runtime/logger.js';
import type { ActorKinds } from '../../runtime/registry.js';
import type { StreamEvent } from '../../runtime/event-stream.js';
import { startClusterHost } from './cluster-host.js';
import type { ClusterHost } from './cluster-host.js';
import { ClusterNodeArgsError } from './errors.js';
import { startNodeServices } from './node-services.js';
import type { NodeServices } from './node-services.js';

/** Longest a clean stop may take before the process exits anyway. */
export const DEFAULT_STOP_TIMEOUT_MS = 15_000;

/** Events of the actor system written to the log, one line each, with `event` set to the type. */
export const LOGGED_EVENTS = [
  'cluster.nodeUp', 'cluster.nodeDown', 'cluster.leaderChanged', 'cluster.actorPlaced', 'cluster.actorActivated', 'cluster.actorDeactivated',
  'cluster.activationFailed', 'cluster.placementPending', 'cluster.error', 'persistence.fenced', 'supervisor.failed', 'supervisor.escalatedToRoot',
  'transport.disconnected', 'transport.reconnected', 'broker.securityEvent', 'broker.venueUnavailable', 'risk.orderDenied', 'risk.tradingStateChanged',
] as const;

/** Parsed command line. */
export interface ClusterNodeArgs {
  readonly node: string;
  readonly config: ClusterConfig;
  /** Where the config came from: a file path or `layout:<name>`. */
  readonly source: string;
  readonly barEveryMs?: number;
  readonly seed?: number;
}

const USAGE = 'usage: node --import=tsx nodes/cluster/node-main.ts --node NAME [--config FILE.json | --layout local|reference] [--bar-every-ms N] [--seed N]';

/** Reads the command line and the config it names (secrets checked in `env`); throws listing every problem. */
export function parseClusterNodeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ClusterNodeArgs {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { node: { type: 'string' }, config: { type: 'string' }, layout: { type: 'string' }, 'bar-every-ms': { type: 'string' }, seed: { type: 'string' } },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new ClusterNodeArgsError([(error as Error).message, USAGE]);
  }
  const problems: string[] = [];
  if (values.node === undefined) problems.push('--node is required');
  if (values.config !== undefined && values.layout !== undefined) problems.push('--config and --layout are mutually exclusive');
  const layout = values.layout ?? 'local';
  if (values.config === undefined && layout !== 'local' && layout !== 'reference') problems.push(`--layout must be local or reference, got ${JSON.stringify(layout)}`);
  const int = (name: string): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) problems.push(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const barEveryMs = int('bar-every-ms');
  const seed = int('seed');
  if (problems.length > 0) throw new ClusterNodeArgsError([...problems, USAGE]);
  let input: unknown;
  let source: string;
  if (values.config !== undefined) {
    source = values.config;
    try {
      input = JSON.parse(readFileSync(values.config, 'utf8'));
    } catch (error) {
      throw new ClusterNodeArgsError([`--config ${values.config}: ${(error as Error).message}`]);
    }
  } else {
    source = `layout:${layout}`;
    input = layout === 'reference' ? REFERENCE_LAYOUT : LOCAL_LAYOUT;
  }
  const config = parseClusterConfig(input, env);
  return { node: values.node!, config, source, ...(barEveryMs === undefined ? {} : { barEveryMs }), ...(seed === undefined ? {} : { seed }) };
}

/** Options of {@link runClusterNode}. */
export interface RunClusterNodeOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Registers more actor kinds (strategies of your own) before the node joins. */
  readonly registerKinds?: (kinds: ActorKinds) => void;
}

/**
 * Runs one cluster node until SIGTERM or SIGINT: parses the command line, starts the node and its HTTP
 * services, logs one line per lifecycle event (pino JSON; `event` names it: `node.ready`,
 * `cluster.actorActivated`, `node.stopped`...), and stops cleanly. Exits 2 on a bad command line or
 * config, 1 when the node cannot start.
 */
export async function runClusterNode(argv: readonly string[], options: RunClusterNodeOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.logger ?? createLogger({ name: 'bifrost' });
  let args: ClusterNodeArgs;
  try {
    args = parseClusterNodeArgs(argv, env);
  } catch (error) {
    log.fatal({ event: 'node.failed', err: error }, (error as Error).message);
    process.exit(2);
  }
  const { config } = args;
  log.info({ event: 'node.starting', node: args.node, cluster: config.name, config: args.source, servers: natsUrls(config), pid: process.pid }, `starting node ${args.node} (pid ${process.pid})`);
  let host: ClusterHost;
  let services: NodeServices;
  try {
    host = await startClusterHost({
      config, nodeName: args.node, env, logger: log,
      feed: { ...(args.barEveryMs === undefined ? {} : { everyMs: args.barEveryMs }), ...(args.seed === undefined ? {} : { seed: args.seed }) },
      ...(options.registerKinds === undefined ? {} : { registerKinds: options.registerKinds }),
    });
    services = await startNodeServices(host, log, env);
  } catch (error) {
    log.fatal({ event: 'node.failed', node: args.node, err: error }, `node ${args.node} could not start`);
    process.exit(1);
  }
  for (const notice of [...host.notices, ...services.notices]) log.warn({ event: 'node.notice', node: args.node }, notice);
  host.system.events.subscribe<StreamEvent>([...LOGGED_EVENTS], (e) => log.info({ ...(e as unknown as Record<string, unknown>), event: e.type }, describeEvent(e as unknown as Record<string, unknown>)));
  log.info(
    { event: 'node.ready', node: args.node, roles: host.node.roles, pid: process.pid, leader: host.cluster.membership.leader ?? null, units: host.units.map((u) => `${u.kind}/${u.name}`), ...services.urls },
    `node ${args.node} (${host.node.roles.join(', ')}) joined cluster ${config.name}. Press Ctrl-C to stop.`,
  );

  // Clock timers do not hold the process open (a library must not keep its host alive); the node does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'node.stopping', node: args.node, signal }, 'stopping');
    const deadline = setTimeout(() => {
      log.error({ event: 'node.stopped', node: args.node, clean: false }, `no clean stop within ${DEFAULT_STOP_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, DEFAULT_STOP_TIMEOUT_MS);
    await services.close().catch((error: unknown) => log.warn({ err: error }, 'closing the HTTP services failed'));
    await host.stop();
    clearTimeout(deadline);
    clearInterval(keepAlive);
    log.info({ event: 'node.stopped', node: args.node, clean: true }, 'stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** One readable line for a logged event (the JSON line carries every field as well). */
export function describeEvent(e: Record<string, unknown>): string {
  const s = (k: string): string => String(e[k] ?? '');
  switch (e.type) {
    case 'cluster.nodeUp': return `node ${s('node')} is up`;
    case 'cluster.nodeDown': return `node ${s('node')} is down (${s('reason')})`;
    case 'cluster.leaderChanged': return `leader: ${s('leader') || 'none'} (term ${s('term')})`;
    case 'cluster.actorPlaced': return `placed ${s('id')} on ${s('node')} (epoch ${s('epoch')}${e.previousNode ? `, was on ${s('previousNode')}` : ''})`;
    case 'cluster.actorActivated': return `started ${s('id')} here at ${s('path')} (epoch ${s('epoch')})`;
    case 'cluster.actorDeactivated': return `stopped ${s('id')} here (${s('reason')})`;
    case 'cluster.activationFailed': return `could not start ${s('id')} (epoch ${s('epoch')}): ${String((e.error as { message?: unknown } | undefined)?.message ?? '')}`;
    case 'cluster.placementPending': return `${s('id')} waits for a node: ${s('reason')}`;
    case 'risk.orderDenied': return `denied ${String((e.order as { clientOrderId?: unknown } | undefined)?.clientOrderId ?? '')}: ${String((e.denial as { message?: unknown } | undefined)?.message ?? '')}`;
    case 'risk.tradingStateChanged': return `trading state ${s('from')} -> ${s('to')} (${s('trigger')}: ${s('reason')})`;
    case 'transport.disconnected': return `NATS connection lost (${s('server')})`;
    case 'transport.reconnected': return `NATS reconnected (${s('server')})`;
    default: return String(e.type);
  }
}
