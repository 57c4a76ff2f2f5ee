/**
 * The typed, validated description of a Bifrost cluster: its nodes and their roles, the NATS servers,
 * placement rules, persistence, risk limits, broker selection, market data and strategies. Secrets
 * (database password, NATS credentials, the IB account, the risk key) come from the environment, never
 * from this file.
 *
 * `parseClusterConfig(input, env)` takes `unknown` (a JSON file, an object), rejects unknown keys and
 * reports every problem at once, each naming its field (`nodes[1].roles[0]: "gpux" is not a role`).
 * Two layouts ship: {@link REFERENCE_LAYOUT} (three hosts on 10.0.0.x, the original plan) and
 * {@link LOCAL_LAYOUT} (all three on 127.0.0.1, for development and tests).
 */
import { BifrostError } from './runtime/errors.js';
import type { NatsCredentials } from './runtime/transport/credentials.js';
import { riskLimitsProblems } from './actors/risk/limits.js';
import { ibConfigProblems } from './actors/broker/ib/ib-config.js';

export const ROLES = ['data', 'trading', 'gpu'] as const;
export type Role = (typeof ROLES)[number];

/** One NATS server of the cluster (one per host). */
export interface NatsServerConfig {
  /** `server_name`; unique. */
  readonly name: string;
  readonly host: string;
  /** Client port. Default 4222. */
  readonly clientPort: number;
  /** Route (cluster) port. Default 6222. */
  readonly routePort: number;
  /** HTTP monitoring port. Default 8222. */
  readonly monitorPort: number;
}

/** One Bifrost node process. */
export interface NodeConfig {
  /** Node name: appears in refs (`trading-1/trading/risk`), logs and the inspector. */
  readonly name: string;
  readonly host: string;
  /** Roles this node offers to placement. */
  readonly roles: readonly Role[];
  /** Prometheus `/metrics` and the inspector's HTTP port. Default 9464. */
  readonly metricsPort: number;
  /** Web UI port, for a node with the `data` role. Default 8080. */
  readonly gatewayPort: number;
}

/** How nodes authenticate to NATS; the secrets themselves are read from the environment. */
export type NatsAuth =
  | { readonly kind: 'none' }
  /** BIFROST_NATS_USER and BIFROST_NATS_PASSWORD. */
  | { readonly kind: 'user-password' }
  /** BIFROST_NATS_TOKEN. */
  | { readonly kind: 'token' }
  /** BIFROST_NATS_NKEY_SEED. */
  | { readonly kind: 'nkey' }
  /** A creds file (JWT + seed); its path in BIFROST_NATS_CREDS. */
  | { readonly kind: 'creds-file' };

export type PersistenceConfig =
  /** PostgreSQL; the URL (with its password) from BIFROST_PG_URL. Required in cluster mode. */
  | { readonly kind: 'postgres'; readonly schema: string }
  | { readonly kind: 'sqlite'; readonly path: string };

export type BrokerConfig =
  | { readonly kind: 'paper' }
  /** Interactive Brokers; host, port, client id here or from BIFROST_IB_*; the account only from BIFROST_IB_ACCOUNT. */
  | { readonly kind: 'ib'; readonly ib: Readonly<Record<string, unknown>> };

export interface StrategyConfig {
  readonly id: string;
  readonly kind: string;
  readonly symbols: readonly string[];
  readonly params?: Readonly<Record<string, number>>;
}

export interface ClusterConfig {
  /** Cluster name: NATS subject prefix and KV bucket names. */
  readonly name: string;
  readonly natsServers: readonly NatsServerConfig[];
  readonly natsAuth: NatsAuth;
  /** Use TLS to NATS (CA, cert and key paths from BIFROST_NATS_TLS_CA / _CERT / _KEY). Default false. */
  readonly natsTls: boolean;
  readonly nodes: readonly NodeConfig[];
  /** Actor kind → roles in order of preference. */
  readonly placement: Readonly<Record<string, readonly Role[]>>;
  readonly persistence: PersistenceConfig;
  /** Overrides of the risk limits (see docs/risk.md). */
  readonly riskLimits: Readonly<Record<string, unknown>>;
  readonly broker: BrokerConfig;
  readonly symbols: readonly string[];
  readonly strategies: readonly StrategyConfig[];
  readonly initialCash: number;
}

/** Where the order-path actors and the rest live by default. */
export const DEFAULT_PLACEMENT: Readonly<Record<string, readonly Role[]>> = Object.freeze({
  market: ['data'],
  gateway: ['data'],
  portfolio: ['trading'],
  risk: ['trading'],
  broker: ['trading'],
  strategy: ['gpu', 'trading'],
  optimizer: ['gpu', 'trading'],
});

const DEFAULT_STRATEGIES: readonly StrategyConfig[] = [
  { id: 'sma-cross-1', kind: 'sma-cross', symbols: ['AAPL', 'MSFT', 'NVDA'], params: { fast: 10, slow: 30, notional: 10_000 } },
  { id: 'rsi-reversion-1', kind: 'rsi-reversion', symbols: ['GOOG', 'TSLA'], params: { period: 14, notional: 5_000 } },
];

function node(name: string, host: string, roles: readonly Role[], ports: { metrics: number; gateway: number }): NodeConfig {
  return { name, host, roles, metricsPort: ports.metrics, gatewayPort: ports.gateway };
}

/** The original plan: data 10.0.0.75 (market data, UI), trading 10.0.0.80 (portfolio, risk, broker), gpu 10.0.0.60 (strategies, optimizer). */
export const REFERENCE_LAYOUT: ClusterConfig = Object.freeze<ClusterConfig>({
  name: 'bifrost',
  natsServers: [
    { name: 'nats-data', host: '10.0.0.75', clientPort: 4222, routePort: 6222, monitorPort: 8222 },
    { name: 'nats-trading', host: '10.0.0.80', clientPort: 4222, routePort: 6222, monitorPort: 8222 },
    { name: 'nats-gpu', host: '10.0.0.60', clientPort: 4222, routePort: 6222, monitorPort: 8222 },
  ],
  natsAuth: { kind: 'user-password' },
  natsTls: false,
  nodes: [
    node('data-1', '10.0.0.75', ['data'], { metrics: 9464, gateway: 8080 }),
    node('trading-1', '10.0.0.80', ['trading'], { metrics: 9464, gateway: 8080 }),
    node('gpu-1', '10.0.0.60', ['gpu'], { metrics: 9464, gateway: 8080 }),
  ],
  placement: DEFAULT_PLACEMENT,
  persistence: { kind: 'postgres', schema: 'bifrost' },
  riskLimits: {},
  broker: { kind: 'paper' },
  symbols: ['AAPL', 'MSFT', 'NVDA', 'GOOG', 'TSLA'],
  strategies: DEFAULT_STRATEGIES,
  initialCash: 100_000,
});

/** The same three roles on one machine: distinct ports on 127.0.0.1. `npm run cluster` starts it. */
export const LOCAL_LAYOUT: ClusterConfig = Object.freeze<ClusterConfig>({
  ...REFERENCE_LAYOUT,
  name: 'bifrost-local',
  natsServers: [
    { name: 'nats-data', host: '127.0.0.1', clientPort: 14222, routePort: 16222, monitorPort: 18222 },
    { name: 'nats-trading', host: '127.0.0.1', clientPort: 14223, routePort: 16223, monitorPort: 18223 },
    { name: 'nats-gpu', host: '127.0.0.1', clientPort: 14224, routePort: 16224, monitorPort: 18224 },
  ],
  natsAuth: { kind: 'none' },
  nodes: [
    node('data-1', '127.0.0.1', ['data'], { metrics: 9464, gateway: 8080 }),
    node('trading-1', '127.0.0.1', ['trading'], { metrics: 9465, gateway: 8081 }),
    node('gpu-1', '127.0.0.1', ['gpu'], { metrics: 9466, gateway: 8082 }),
  ],
});

/** The configuration is invalid; `problems` lists every one, each naming its field. */
export class InvalidClusterConfigError extends BifrostError {
  constructor(readonly problems: readonly string[]) {
    super('INVALID_CLUSTER_CONFIG', `invalid cluster configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_\-.]{0,63}$/;

/** Collects problems while reading an untyped document. */
class Reader {
  readonly problems: string[] = [];

  keys(value: Obj, where: string, allowed: readonly string[]): void {
    for (const k of Object.keys(value)) if (!allowed.includes(k)) this.problems.push(`${where}${where ? '.' : ''}${k}: unknown key (allowed: ${allowed.join(', ')})`);
  }

  str(value: unknown, where: string, pattern?: RegExp): string {
    if (typeof value !== 'string' || value.length === 0) this.problems.push(`${where}: must be a non-empty string, got ${JSON.stringify(value)}`);
    else if (pattern !== undefined && !pattern.test(value)) this.problems.push(`${where}: ${JSON.stringify(value)} does not match ${pattern.source}`);
    return String(value);
  }

  port(value: unknown, where: string, fallback: number): number {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 65_535) this.problems.push(`${where}: must be a port number (1-65535), got ${JSON.stringify(v)}`);
    return v as number;
  }

  roles(value: unknown, where: string): Role[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.problems.push(`${where}: must be a non-empty list of roles (${ROLES.join(', ')})`);
      return [];
    }
    value.forEach((r, i) => {
      if (!(ROLES as readonly unknown[]).includes(r)) this.problems.push(`${where}[${i}]: ${JSON.stringify(r)} is not a role (${ROLES.join(', ')})`);
    });
    return value as Role[];
  }

  list<T>(value: unknown, where: string, each: (item: unknown, at: string) => T): T[] {
    if (!Array.isArray(value)) {
      this.problems.push(`${where}: must be a list`);
      return [];
    }
    return value.map((item, i) => each(item, `${where}[${i}]`));
  }

  unique(names: readonly string[], where: string): void {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) this.problems.push(`${where}: ${JSON.stringify(n)} appears twice`);
      seen.add(n);
    }
  }
}

function readServer(r: Reader, v: unknown, at: string): NatsServerConfig {
  if (!isObj(v)) return r.problems.push(`${at}: must be an object`), {} as NatsServerConfig;
  r.keys(v, at, ['name', 'host', 'clientPort', 'routePort', 'monitorPort']);
  return { name: r.str(v.name, `${at}.name`, NAME), host: r.str(v.host, `${at}.host`), clientPort: r.port(v.clientPort, `${at}.clientPort`, 4222), routePort: r.port(v.routePort, `${at}.routePort`, 6222), monitorPort: r.port(v.monitorPort, `${at}.monitorPort`, 8222) };
}

function readNode(r: Reader, v: unknown, at: string): NodeConfig {
  if (!isObj(v)) return r.problems.push(`${at}: must be an object`), {} as NodeConfig;
  r.keys(v, at, ['name', 'host', 'roles', 'metricsPort', 'gatewayPort']);
  return { name: r.str(v.name, `${at}.name`, NAME), host: r.str(v.host, `${at}.host`), roles: r.roles(v.roles, `${at}.roles`), metricsPort: r.port(v.metricsPort, `${at}.metricsPort`, 9464), gatewayPort: r.port(v.gatewayPort, `${at}.gatewayPort`, 8080) };
}

const AUTH_KINDS = ['none', 'user-password', 'token', 'nkey', 'creds-file'] as const;

function readAuth(r: Reader, v: unknown): NatsAuth {
  if (v === undefined) return { kind: 'none' };
  if (!isObj(v) || !(AUTH_KINDS as readonly unknown[]).includes(v.kind)) {
    r.problems.push(`natsAuth.kind: must be one of ${AUTH_KINDS.join(', ')} (secrets come from BIFROST_NATS_* variables, not this file)`);
    return { kind: 'none' };
  }
  r.keys(v, 'natsAuth', ['kind']);
  return { kind: v.kind } as NatsAuth;
}

function readPersistence(r: Reader, v: unknown): PersistenceConfig {
  if (!isObj(v)) return r.problems.push('persistence: must be { kind: "postgres", schema } or { kind: "sqlite", path }'), { kind: 'postgres', schema: 'bifrost' };
  if (v.kind === 'postgres') {
    r.keys(v, 'persistence', ['kind', 'schema']);
    return { kind: 'postgres', schema: v.schema === undefined ? 'bifrost' : r.str(v.schema, 'persistence.schema', /^[a-z_][a-z0-9_]{0,62}$/) };
  }
  if (v.kind === 'sqlite') {
    r.keys(v, 'persistence', ['kind', 'path']);
    return { kind: 'sqlite', path: r.str(v.path, 'persistence.path') };
  }
  r.problems.push(`persistence.kind: must be "postgres" or "sqlite", got ${JSON.stringify(v.kind)}`);
  return { kind: 'postgres', schema: 'bifrost' };
}

function readBroker(r: Reader, v: unknown): BrokerConfig {
  if (v === undefined) return { kind: 'paper' };
  if (!isObj(v)) return r.problems.push('broker: must be { kind: "paper" } or { kind: "ib", ib: {...} }'), { kind: 'paper' };
  if (v.kind === 'paper') {
    r.keys(v, 'broker', ['kind']);
    return { kind: 'paper' };
  }
  if (v.kind === 'ib') {
    r.keys(v, 'broker', ['kind', 'ib']);
    for (const p of ibConfigProblems(v.ib ?? {})) r.problems.push(`broker.ib.${p}`);
    return { kind: 'ib', ib: (isObj(v.ib) ? v.ib : {}) as Readonly<Record<string, unknown>> };
  }
  r.problems.push(`broker.kind: must be "paper" or "ib", got ${JSON.stringify(v.kind)}`);
  return { kind: 'paper' };
}

function readStrategy(r: Reader, v: unknown, at: string): StrategyConfig {
  if (!isObj(v)) return r.problems.push(`${at}: must be an object`), {} as StrategyConfig;
  r.keys(v, at, ['id', 'kind', 'symbols', 'params']);
  const symbols = r.list(v.symbols, `${at}.symbols`, (s, a) => r.str(s, a));
  if (v.params !== undefined && !isObj(v.params)) r.problems.push(`${at}.params: must be an object of numbers`);
  return { id: r.str(v.id, `${at}.id`, NAME), kind: r.str(v.kind, `${at}.kind`), symbols, ...(isObj(v.params) ? { params: v.params as Record<string, number> } : {}) };
}

/**
 * Parses and validates a cluster configuration, reporting every problem at once. With `env`, it also
 * checks that the secrets the configuration asks for are set (never printing their values).
 */
export function parseClusterConfig(input: unknown, env?: Readonly<Record<string, string | undefined>>): ClusterConfig {
  const r = new Reader();
  if (!isObj(input)) throw new InvalidClusterConfigError(['(root): must be an object']);
  r.keys(input, '', ['name', 'natsServers', 'natsAuth', 'natsTls', 'nodes', 'placement', 'persistence', 'riskLimits', 'broker', 'symbols', 'strategies', 'initialCash']);
  const name = r.str(input.name, 'name', NAME);
  const natsServers = r.list(input.natsServers, 'natsServers', (v, at) => readServer(r, v, at));
  if (natsServers.length === 0) r.problems.push('natsServers: at least one server is needed');
  r.unique(natsServers.map((s) => s.name), 'natsServers[].name');
  const natsAuth = readAuth(r, input.natsAuth);
  if (input.natsTls !== undefined && typeof input.natsTls !== 'boolean') r.problems.push('natsTls: must be true or false');
  const nodes = r.list(input.nodes, 'nodes', (v, at) => readNode(r, v, at));
  r.unique(nodes.map((n) => n.name), 'nodes[].name');
  const offered = new Set(nodes.flatMap((n) => n.roles));
  const placement: Record<string, readonly Role[]> = { ...DEFAULT_PLACEMENT };
  if (input.placement !== undefined) {
    if (!isObj(input.placement)) r.problems.push('placement: must map actor kinds to lists of roles');
    else for (const [kind, roles] of Object.entries(input.placement)) placement[kind] = r.roles(roles, `placement.${kind}`);
  }
  for (const [kind, roles] of Object.entries(placement)) {
    if (roles.length > 0 && !roles.some((role) => offered.has(role))) r.problems.push(`placement.${kind}: no node offers any of ${roles.join(', ')}`);
  }
  const persistence = readPersistence(r, input.persistence);
  const riskLimits = input.riskLimits ?? {};
  for (const p of riskLimitsProblems(riskLimits)) r.problems.push(`riskLimits.${p}`);
  const broker = readBroker(r, input.broker);
  const symbols = r.list(input.symbols, 'symbols', (s, at) => r.str(s, at, /^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,31}$/));
  r.unique(symbols, 'symbols');
  const strategies = input.strategies === undefined ? [] : r.list(input.strategies, 'strategies', (v, at) => readStrategy(r, v, at));
  r.unique(strategies.map((s) => s.id), 'strategies[].id');
  strategies.forEach((s, i) => s.symbols?.forEach((sym, j) => { if (!symbols.includes(sym)) r.problems.push(`strategies[${i}].symbols[${j}]: ${sym} is not in symbols`); }));
  const initialCash = input.initialCash ?? 100_000;
  if (typeof initialCash !== 'number' || !(initialCash > 0)) r.problems.push(`initialCash: must be a positive number, got ${JSON.stringify(initialCash)}`);
  if (env !== undefined) r.problems.push(...secretProblems({ natsAuth, natsTls: input.natsTls === true, persistence, broker }, env));
  if (r.problems.length > 0) throw new InvalidClusterConfigError(r.problems);
  return Object.freeze({ name, natsServers, natsAuth, natsTls: input.natsTls === true, nodes, placement, persistence, riskLimits: riskLimits as Record<string, unknown>, broker, symbols, strategies, initialCash: initialCash as number });
}

function secretProblems(c: Pick<ClusterConfig, 'natsAuth' | 'natsTls' | 'persistence' | 'broker'>, env: Readonly<Record<string, string | undefined>>): string[] {
  const need: Array<[string, string]> = [];
  switch (c.natsAuth.kind) {
    case 'user-password':
      need.push(['BIFROST_NATS_USER', 'natsAuth'], ['BIFROST_NATS_PASSWORD', 'natsAuth']);
      break;
    case 'token':
      need.push(['BIFROST_NATS_TOKEN', 'natsAuth']);
      break;
    case 'nkey':
      need.push(['BIFROST_NATS_NKEY_SEED', 'natsAuth']);
      break;
    case 'creds-file':
      need.push(['BIFROST_NATS_CREDS', 'natsAuth']);
      break;
  }
  if (c.natsTls) need.push(['BIFROST_NATS_TLS_CA', 'natsTls']);
  if (c.persistence.kind === 'postgres') need.push(['BIFROST_PG_URL', 'persistence']);
  if (c.broker.kind === 'ib') need.push(['BIFROST_IB_ACCOUNT', 'broker']);
  need.push(['BIFROST_RISK_KEY', 'risk approvals across processes']);
  return need.filter(([variable]) => !env[variable]).map(([variable, field]) => `${field}: environment variable ${variable} is not set`);
}

/** NATS credentials for `auth`, read from the environment. Values are never logged. */
export function natsCredentialsFromEnv(config: Pick<ClusterConfig, 'natsAuth' | 'natsTls'>, env: Readonly<Record<string, string | undefined>>): NatsCredentials | undefined {
  const tls = config.natsTls
    ? { tls: { caFile: env.BIFROST_NATS_TLS_CA, ...(env.BIFROST_NATS_TLS_CERT ? { certFile: env.BIFROST_NATS_TLS_CERT } : {}), ...(env.BIFROST_NATS_TLS_KEY ? { keyFile: env.BIFROST_NATS_TLS_KEY } : {}) } }
    : {};
  switch (config.natsAuth.kind) {
    case 'none':
      return config.natsTls ? tls : undefined;
    case 'user-password':
      return { user: env.BIFROST_NATS_USER!, pass: env.BIFROST_NATS_PASSWORD!, ...tls };
    case 'token':
      return { token: env.BIFROST_NATS_TOKEN!, ...tls };
    case 'nkey':
      return { nkeySeed: env.BIFROST_NATS_NKEY_SEED!, ...tls };
    case 'creds-file':
      return { credsFile: env.BIFROST_NATS_CREDS!, ...tls };
  }
}

/** NATS URLs of the cluster's servers. */
export function natsUrls(config: Pick<ClusterConfig, 'natsServers'>): string[] {
  return config.natsServers.map((s) => `nats://${s.host}:${s.clientPort}`);
}

export default LOCAL_LAYOUT;
