// Real nats-server processes for tests and benchmarks: a three-server cluster with JetStream, or a single
// server, on free ports in a temp dir. Every process is SIGKILLed on stop() and, as a last resort, when the
// test process exits.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from './free-port.js';

/** The nats-server binary: `BIFROST_NATS_SERVER`, else `nats-server` on the PATH. */
export const NATS_SERVER_BIN = process.env.BIFROST_NATS_SERVER ?? 'nats-server';

/** How long a server (or the whole cluster) may take to be ready. */
export const DEFAULT_NATS_READY_TIMEOUT_MS = 30_000;

const START_ATTEMPTS = 3;
const POLL_MS = 50;
const LOG_CHARS = 8_192;
const REDIAL = /Error trying to connect to route/;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface NatsServerOptions {
  /** Start with JetStream (store in the temp dir). Default true. */
  readonly jetstream?: boolean;
  /** Extra lines appended to the generated config (authorization blocks, limits). */
  readonly extraConfig?: string;
}

export interface NatsClusterOptions extends NatsServerOptions {
  /** Number of servers. Default 3. */
  readonly size?: number;
  /** The NATS cluster name. Default `bifrost-test`. */
  readonly clusterName?: string;
}

/** One nats-server process; its ports stay the same across restarts. */
export class NatsServer {
  readonly name: string;
  readonly port: number;
  readonly monitorPort: number;
  readonly clusterPort: number | undefined;
  readonly configFile: string;
  #child: ChildProcess | undefined;
  #stderr = '';
  #redials = 0;
  #exited: Promise<void> = Promise.resolve();

  constructor(name: string, port: number, monitorPort: number, clusterPort: number | undefined, configFile: string) {
    this.name = name;
    this.port = port;
    this.monitorPort = monitorPort;
    this.clusterPort = clusterPort;
    this.configFile = configFile;
  }

  /** `nats://127.0.0.1:<port>` */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The last few KB the server wrote to stderr, for failure messages (route redials only counted). */
  get log(): string {
    return this.#redials === 0 ? this.#stderr : `${this.#stderr}\n(${this.#redials} route redial errors left out)`;
  }

  /** Starts the process (no readiness wait). */
  launch(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(NATS_SERVER_BIN, ['-c', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    // A dead peer's route is redialled every second: those lines are counted, not kept, so that what
    // matters (leader elections, lost routes) stays within the kept tail.
    let redials = 0;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const kept = chunk.split('\n').filter((line) => !(REDIAL.test(line) && ++redials > 0)).join('\n');
      this.#stderr = (this.#stderr + kept).slice(-LOG_CHARS);
      this.#redials = redials;
    });
    this.#exited = new Promise((resolve) => child.once('exit', () => { live.delete(child); resolve(); }));
    child.once('error', () => undefined);
    this.#child = child;
  }

  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child!.kill(signal);
    await this.#exited;
  }

  /** Fetches a monitoring endpoint (`varz`, `routez`, `jsz`, `connz`...). */
  async monitor<T = Record<string, unknown>>(endpoint: string): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPort}/${endpoint}`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`${endpoint} answered ${response.status}`);
    return (await response.json()) as T;
  }

  /** Resolves when the server answers, has `routes` routes and (with JetStream) knows a meta leader. */
  async ready(routes: number, jetstream: boolean, timeoutMs = DEFAULT_NATS_READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'not polled';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`nats-server ${this.name} exited during start-up:\n${this.#stderr}`);
      try {
        const routez = await this.monitor<{ num_routes: number }>('routez');
        if (routez.num_routes < routes) last = `${routez.num_routes}/${routes} routes`;
        else if (!jetstream) return;
        else {
          const jsz = await this.monitor<{ meta_cluster?: { leader?: string }; config?: unknown }>('jsz');
          const leader = jsz.meta_cluster?.leader;
          if (routes === 0 ? jsz.config !== undefined : typeof leader === 'string' && leader.length > 0) return;
          last = 'no JetStream meta leader yet';
        }
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(POLL_MS);
    }
    throw new Error(`nats-server ${this.name} not ready after ${timeoutMs} ms (${last}):\n${this.#stderr}`);
  }
}

/** A running set of servers and the temp dir that holds their configs and JetStream stores. */
export class NatsCluster {
  readonly servers: readonly NatsServer[];
  readonly dir: string;
  readonly jetstream: boolean;

  constructor(servers: readonly NatsServer[], dir: string, jetstream: boolean) {
    this.servers = servers;
    this.dir = dir;
    this.jetstream = jetstream;
  }

  /** Client URLs of every server, in order. */
  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  /** Stops server `i` (SIGKILL by default). */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.servers[i]!.kill(signal);
  }

  /** Starts server `i` again with its old config and store, and waits until it has rejoined. */
  async restart(i: number): Promise<void> {
    const server = this.servers[i]!;
    server.launch();
    await server.ready(this.servers.length - 1, this.jetstream);
  }

  /** Kills every server and removes the temp dir. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.kill('SIGKILL')));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function serverConfig(o: {
  name: string;
  port: number;
  monitorPort: number;
  storeDir: string | undefined;
  cluster: { name: string; port: number; routes: number[] } | undefined;
  extra: string | undefined;
}): string {
  const lines = [`server_name: "${o.name}"`, `listen: "127.0.0.1:${o.port}"`, `http: "127.0.0.1:${o.monitorPort}"`];
  if (o.storeDir !== undefined) lines.push(`jetstream { store_dir: "${o.storeDir}", max_memory_store: 268435456, max_file_store: 1073741824 }`);
  if (o.cluster !== undefined) {
    const routes = o.cluster.routes.map((p) => `"nats://127.0.0.1:${p}"`).join(', ');
    lines.push(`cluster { name: "${o.cluster.name}", listen: "127.0.0.1:${o.cluster.port}", routes: [${routes}] }`);
  }
  if (o.extra !== undefined) lines.push(o.extra);
  return `${lines.join('\n')}\n`;
}

async function attempt(options: NatsClusterOptions, single: boolean): Promise<NatsCluster> {
  const size = single ? 1 : (options.size ?? 3);
  const jetstream = options.jetstream ?? true;
  const dir = mkdtempSync(join(tmpdir(), 'bifrost-nats-'));
  const ports = await freePorts(size * 3);
  const clusterPorts = ports.slice(size * 2);
  const servers: NatsServer[] = [];
  for (let i = 0; i < size; i++) {
    const name = `s${i + 1}`;
    const configFile = join(dir, `${name}.conf`);
    writeFileSync(
      configFile,
      serverConfig({
        name,
        port: ports[i]!,
        monitorPort: ports[size + i]!,
        storeDir: jetstream ? join(dir, name) : undefined,
        cluster: single ? undefined : { name: options.clusterName ?? 'bifrost-test', port: clusterPorts[i]!, routes: clusterPorts },
        extra: options.extraConfig,
      }),
    );
    servers.push(new NatsServer(name, ports[i]!, ports[size + i]!, single ? undefined : clusterPorts[i], configFile));
  }
  const cluster = new NatsCluster(servers, dir, jetstream);
  try {
    for (const s of servers) s.launch();
    await Promise.all(servers.map((s) => s.ready(size - 1, jetstream)));
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function withRetries(options: NatsClusterOptions, single: boolean): Promise<NatsCluster> {
  let lastError: unknown;
  // A port picked by freePorts() can be taken by a parallel test before the server binds it: retry.
  for (let i = 0; i < START_ATTEMPTS; i++) {
    try {
      return await attempt(options, single);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Starts `size` (default 3) routed servers with JetStream and waits until every route is up and a
 * JetStream meta leader is known.
 *
 * @example
 * const cluster = await startNatsCluster();
 * t.teardown(() => cluster.stop());
 */
export function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  return withRetries(options, false);
}

/** Starts one server (JetStream on by default) and waits until it answers. */
export function startNatsServer(options: NatsServerOptions = {}): Promise<NatsCluster> {
  return withRetries(options, true);
}
