import type { ClusterConfig, NatsServerConfig } from '../../cluster.config.js';

/** Settings of one generated nats-server config file beyond what the cluster config holds. */
export interface NatsServerFileOptions {
  /** JetStream store directory of this server. */
  readonly storeDir: string;
  /** Address the server binds to. Default: the server's `host`. */
  readonly bindHost?: string;
  /** Memory and file store limits of JetStream. Defaults 256 MiB and 1 GiB. */
  readonly maxMemoryBytes?: number;
  readonly maxFileBytes?: number;
}

/**
 * A nats-server config file for `server` of `config`: its name, client, monitoring and route listeners,
 * routes to every other server of the cluster, and JetStream (the membership, lease and placement
 * buckets need it). Authorization and TLS are not generated (docs/deployment.md shows both).
 *
 * @example
 * writeFileSync('nats-data.conf', natsServerConfig(LOCAL_LAYOUT, LOCAL_LAYOUT.natsServers[0], { storeDir: 'data/nats/nats-data' }));
 */
export function natsServerConfig(config: Pick<ClusterConfig, 'name' | 'natsServers'>, server: NatsServerConfig, options: NatsServerFileOptions): string {
  const bind = options.bindHost ?? server.host;
  const routes = config.natsServers.filter((s) => s.name !== server.name).map((s) => `"nats://${s.host}:${s.routePort}"`);
  return [
    `server_name: "${server.name}"`,
    `listen: "${bind}:${server.clientPort}"`,
    `http: "${bind}:${server.monitorPort}"`,
    `jetstream { store_dir: "${options.storeDir}", max_memory_store: ${options.maxMemoryBytes ?? 268_435_456}, max_file_store: ${options.maxFileBytes ?? 1_073_741_824} }`,
    `cluster { name: "${config.name}", listen: "${bind}:${server.routePort}", routes: [${routes.join(', ')}] }`,
    '',
  ].join('\n');
}
