// A whole Bifrost cluster for the node tests: three routed nats-servers with JetStream on free ports, a
// fresh PostgreSQL schema, the local layout rewritten to those ports (never the fixed LOCAL_LAYOUT ones),
// three node processes, and a client node in the test process (no roles, never leader) that resolves
// placed refs like the nodes do. stop() kills every process and drops the schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { LOCAL_LAYOUT } from '../../cluster.config.js';
import type { ClusterConfig } from '../../cluster.config.js';
import { ClusterNode } from '../../runtime/cluster/index.js';
import { ActorSystem, placedRef } from '../../runtime/index.js';
import type { ActorRef, Message } from '../../runtime/index.js';
import type { Persistence } from '../../persistence/index.js';
import type { PortfolioSnapshot } from '../../actors/portfolio/portfolio-state.js';
import type { PortfolioSnapshotReply } from '../../actors/portfolio/protocol.js';
import { clusterMessageRegistry } from '../../nodes/cluster/message-types.js';
import { installPlacedRefResolver } from '../../nodes/cluster/ref-resolver.js';
import { freePorts } from '../helpers/free-port.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import type { NatsCluster } from '../helpers/nats-cluster.js';
import { postgresBackend } from '../persistence/backends.js';
import { NodeProcess } from './node-process.js';

export const NODE_MAIN = fileURLToPath(new URL('../../nodes/cluster/node-main.ts', import.meta.url));
export const FIXTURE_MAIN = fileURLToPath(new URL('./fixtures/node-main.ts', import.meta.url));
export const RISK_KEY = 'cluster-node-tests-approval-key-'.repeat(2);

/** What a test cluster runs. */
export interface TestClusterOptions {
  /** The node entry: {@link NODE_MAIN} or {@link FIXTURE_MAIN}. */
  readonly entry: string;
  readonly config: Partial<Pick<ClusterConfig, 'broker' | 'strategies' | 'symbols' | 'riskLimits' | 'placement'>>;
  readonly barEveryMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

export { waitFor } from '../helpers/wait-for.js';

export class TestCluster {
  readonly nodes = new Map<string, NodeProcess>();
  readonly #dir: string;
  readonly #configFile: string;
  readonly #options: TestClusterOptions;
  readonly #backend: ReturnType<typeof postgresBackend>;

  private constructor(
    readonly nats: NatsCluster,
    readonly config: ClusterConfig,
    readonly client: ClusterNode,
    readonly store: Persistence,
    readonly pgUrl: string,
    dir: string,
    options: TestClusterOptions,
    backend: ReturnType<typeof postgresBackend>,
  ) {
    this.#dir = dir;
    this.#configFile = join(dir, 'cluster.json');
    this.#options = options;
    this.#backend = backend;
    writeFileSync(this.#configFile, JSON.stringify(config, null, 2));
  }

  /** Starts the servers, the schema and the client; the nodes are started with {@link startNode}. */
  static async start(options: TestClusterOptions): Promise<TestCluster> {
    const nats = await startNatsCluster();
    const backend = postgresBackend();
    const storage = await backend.createStorage();
    const [, pgUrl, schema] = storage.args as [string, string, string];
    const store = await storage.open(); // migrates the schema before the nodes race to
    const ports = await freePorts(LOCAL_LAYOUT.nodes.length * 2);
    const config: ClusterConfig = {
      ...LOCAL_LAYOUT,
      ...options.config,
      name: `cn-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      natsServers: nats.servers.map((s, i) => ({ name: LOCAL_LAYOUT.natsServers[i]!.name, host: '127.0.0.1', clientPort: s.port, routePort: s.clusterPort!, monitorPort: s.monitorPort })),
      nodes: LOCAL_LAYOUT.nodes.map((n, i) => ({ ...n, metricsPort: ports[i]!, gatewayPort: ports[LOCAL_LAYOUT.nodes.length + i]! })),
      persistence: { kind: 'postgres', schema },
    };
    const system = ActorSystem.create({ node: 'test-client', logger: pino({ level: 'silent' }) });
    const client = await ClusterNode.start({ system, clusterName: config.name, servers: nats.urls, leaderEligible: false, transport: { registry: clusterMessageRegistry() } });
    installPlacedRefResolver(client);
    const dir = mkdtempSync(join(tmpdir(), 'bifrost-cluster-nodes-'));
    return new TestCluster(nats, config, client, store, pgUrl, dir, options, backend);
  }

  /** Starts (or restarts) node `name` as a new process. */
  startNode(name: string): NodeProcess {
    const node = new NodeProcess({
      name,
      entry: this.#options.entry,
      args: ['--node', name, '--config', this.#configFile, '--bar-every-ms', String(this.#options.barEveryMs)],
      env: { ...process.env, BIFROST_PG_URL: this.pgUrl, BIFROST_RISK_KEY: RISK_KEY, BIFROST_LOG_LEVEL: 'info', ...this.#options.env },
      context: () => natsLogs(this.nats),
    });
    this.nodes.set(name, node);
    return node;
  }

  /** Starts the three nodes of the layout and waits until each is ready. */
  async startAll(): Promise<void> {
    const started = this.config.nodes.map((n) => this.startNode(n.name));
    await Promise.all(started.map((n) => n.ready()));
  }

  /** The node the placed unit `kind`/`name` is assigned to now, by the client's copy of the table. */
  nodeOf(kind: string, name: string): string | undefined {
    return this.client.refOf(kind, name)?.node;
  }

  ask<R>(path: string, message: Message, timeoutMs = 2_000): Promise<R> {
    return this.client.system.ask<R>(placedRef(path) as ActorRef<any>, message, timeoutMs);
  }

  /** The desk's portfolio, wherever the desk runs now. */
  async portfolio(timeoutMs = 2_000): Promise<PortfolioSnapshot> {
    return (await this.ask<PortfolioSnapshotReply>('/desk/portfolio', { type: 'portfolio.getSnapshot' }, timeoutMs)).snapshot;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.kill()));
    await this.client.stop().catch(() => undefined);
    await this.client.system.shutdown();
    await this.store.close();
    await this.nats.stop();
    await this.#backend.cleanup();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The end of each NATS server's log (leader elections, lost routes), for a node's failure message. */
function natsLogs(nats: NatsCluster, chars = 3_000): string {
  return nats.servers.map((s) => `nats-server ${s.name} (${s.running ? 'running' : 'down'}), end of its log:\n${s.log.slice(-chars)}`).join('\n');
}
