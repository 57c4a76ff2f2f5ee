import { InvalidIbConfigError } from './ib-errors.js';

/** The usual API ports: TWS live 7496 / paper 7497, IB Gateway live 4001 / paper 4002. */
export const IB_DEFAULT_PORTS = Object.freeze({ twsLive: 7496, twsPaper: 7497, gatewayLive: 4001, gatewayPaper: 4002 });

/** What to do with a new order while the venue is not connected. */
export const DISCONNECTED_ORDER_POLICIES = ['hold', 'refuse'] as const;
export type DisconnectedOrderPolicy = (typeof DISCONNECTED_ORDER_POLICIES)[number];

export const DEFAULT_IB_RECONNECT_INITIAL_DELAY_MS = 1_000;
export const DEFAULT_IB_RECONNECT_MAX_DELAY_MS = 30_000;
export const DEFAULT_IB_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IB_REQUEST_TIMEOUT_MS = 15_000;
export const DEFAULT_IB_SUBMIT_TIMEOUT_MS = 5_000;
export const DEFAULT_IB_COMMISSION_WAIT_MS = 2_000;
export const DEFAULT_IB_HOLD_TIMEOUT_MS = 60_000;
/** IB allows 50 messages per second per client; stay under it. */
export const DEFAULT_IB_MAX_REQUESTS_PER_SECOND = 40;

/** How a symbol becomes an IB contract. */
export interface IbContractDefaults {
  /** Default `STK`. */
  readonly secType: string;
  /** Default `SMART` (IB's smart routing). */
  readonly exchange: string;
  /** Default `USD`. */
  readonly currency: string;
  /** Listing exchange, to disambiguate SMART-routed symbols (e.g. `NASDAQ`). Default none. */
  readonly primaryExchange?: string;
}

/** Reconnect backoff: `initialDelayMs x multiplier^(attempt-1)`, capped at `maxDelayMs`, randomised by ±`jitter`. */
export interface IbReconnectConfig {
  /** Default `1_000`. */
  readonly initialDelayMs: number;
  /** Default `30_000`. */
  readonly maxDelayMs: number;
  /** Default `2`. */
  readonly multiplier: number;
  /** Fraction of the delay added or removed at random, in [0, 1). Default `0.2`. */
  readonly jitter: number;
  /** Attempts per outage before giving up (`connect()` then rejects); `null` retries forever. Default `null`. */
  readonly maxAttempts: number | null;
}

/** Configuration of an `IbVenue`. docs/brokers.md lists every field. */
export interface IbConfig {
  /** TWS / IB Gateway host. Required. */
  readonly host: string;
  /** API port (see `IB_DEFAULT_PORTS`). Required. */
  readonly port: number;
  /** API client id, unique per TWS instance and stable across restarts (orders are bound to it). Required. */
  readonly clientId: number;
  /** Account stamped on every order; needed when the login manages several accounts. Never logged. */
  readonly account?: string;
  /** Portfolio of executions this process did not submit and cannot attribute otherwise. Default none. */
  readonly portfolioId?: string;
  readonly contract: IbContractDefaults;
  /** Per-symbol contract overrides, e.g. `{ 'BRK B': { primaryExchange: 'NYSE' } }`. Default `{}`. */
  readonly contractsBySymbol: Readonly<Record<string, Partial<IbContractDefaults>>>;
  readonly reconnect: IbReconnectConfig;
  /** `refuse` (default): submit rejects with `VenueUnavailableError`; `hold`: the order waits for the reconnect. */
  readonly whileDisconnected: DisconnectedOrderPolicy;
  /** Held orders beyond this are refused. Default `100`. */
  readonly maxHeldOrders: number;
  /** A held order not placed within this is refused. Default `60_000`. */
  readonly holdTimeoutMs: number;
  /** From TCP connect to `nextValidId`. Default `10_000`. */
  readonly connectTimeoutMs: number;
  /** Open-order and execution requests. Default `15_000`. */
  readonly requestTimeoutMs: number;
  /** Until a place or cancel is written to the socket; past it the outcome is ambiguous. Default `5_000`. */
  readonly submitTimeoutMs: number;
  /** How long a fill waits for its commission report before it is emitted with commission 0. Default `2_000`. */
  readonly commissionWaitMs: number;
  /** Client-side rate limit. Default `40`. */
  readonly maxRequestsPerSecond: number;
  /** Allow fills outside regular trading hours. Default `false`. */
  readonly outsideRth: boolean;
  /** Zone of execution times that carry none (TWS's own zone). Default `America/New_York`. */
  readonly timeZone: string;
}

export const DEFAULT_IB_CONTRACT: IbContractDefaults = Object.freeze({ secType: 'STK', exchange: 'SMART', currency: 'USD' });

export const DEFAULT_IB_RECONNECT: IbReconnectConfig = Object.freeze({
  initialDelayMs: DEFAULT_IB_RECONNECT_INITIAL_DELAY_MS, maxDelayMs: DEFAULT_IB_RECONNECT_MAX_DELAY_MS, multiplier: 2, jitter: 0.2, maxAttempts: null,
});

type Rule = (value: unknown) => string | undefined;
type Shape = Record<string, { readonly rule: Rule; readonly required?: boolean; readonly secret?: boolean }>;

const text: Rule = (v) => (typeof v === 'string' && v.trim().length > 0 ? undefined : 'must be a non-empty string');
const port: Rule = (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65_535 ? undefined : 'must be an integer port in 1..65535');
const clientId: Rule = (v) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2_147_483_647 ? undefined : 'must be an integer in 0..2147483647');
const positiveInteger: Rule = (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : 'must be a positive integer');
const nonNegativeInteger: Rule = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'must be a non-negative integer');
const atLeastOne: Rule = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 1 ? undefined : 'must be a number >= 1');
const jitter: Rule = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? undefined : 'must be a number in [0, 1)');
const boolean: Rule = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
const policy: Rule = (v) => ((DISCONNECTED_ORDER_POLICIES as readonly unknown[]).includes(v) ? undefined : `must be one of ${DISCONNECTED_ORDER_POLICIES.join(', ')}`);
const nullablePositiveInteger: Rule = (v) => (v === null || positiveInteger(v) === undefined ? undefined : 'must be a positive integer or null');
const timeZone: Rule = (v) => {
  if (typeof v !== 'string') return 'must be an IANA time zone name';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return undefined;
  } catch {
    return `${JSON.stringify(v)} is not a known IANA time zone`;
  }
};

const CONTRACT_SHAPE: Shape = { secType: { rule: text }, exchange: { rule: text }, currency: { rule: text }, primaryExchange: { rule: text } };
const RECONNECT_SHAPE: Shape = {
  initialDelayMs: { rule: positiveInteger }, maxDelayMs: { rule: positiveInteger }, multiplier: { rule: atLeastOne },
  jitter: { rule: jitter }, maxAttempts: { rule: nullablePositiveInteger },
};
const TOP_SHAPE: Shape = {
  host: { rule: text, required: true }, port: { rule: port, required: true }, clientId: { rule: clientId, required: true },
  account: { rule: text, secret: true }, portfolioId: { rule: text }, contract: { rule: () => undefined },
  contractsBySymbol: { rule: () => undefined }, reconnect: { rule: () => undefined }, whileDisconnected: { rule: policy },
  maxHeldOrders: { rule: positiveInteger }, holdTimeoutMs: { rule: positiveInteger }, connectTimeoutMs: { rule: positiveInteger },
  requestTimeoutMs: { rule: positiveInteger }, submitTimeoutMs: { rule: positiveInteger }, commissionWaitMs: { rule: nonNegativeInteger },
  maxRequestsPerSecond: { rule: positiveInteger }, outsideRth: { rule: boolean }, timeZone: { rule: timeZone },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks `record` against `shape`; problems name the field by its path. Secret values are never echoed. */
function checkShape(record: Record<string, unknown>, shape: Shape, prefix: string, problems: string[]): void {
  for (const key of Object.keys(record)) if (!Object.hasOwn(shape, key)) problems.push(`${prefix}${key}: unknown key`);
  for (const [key, { rule, required, secret }] of Object.entries(shape)) {
    if (!Object.hasOwn(record, key) || record[key] === undefined) {
      if (required === true) problems.push(`${prefix}${key}: is required`);
      continue;
    }
    const problem = rule(record[key]);
    if (problem === undefined) continue;
    problems.push(secret === true ? `${prefix}${key}: ${problem}` : `${prefix}${key}: ${problem}, was ${JSON.stringify(record[key]) ?? String(record[key])}`);
  }
}

function checkNested(record: Record<string, unknown>, key: string, shape: Shape, problems: string[]): void {
  if (!Object.hasOwn(record, key)) return;
  const value = record[key];
  if (!isRecord(value)) problems.push(`${key}: must be an object`);
  else checkShape(value, shape, `${key}.`, problems);
}

/** Every problem with a (partial) IB config, each naming its field; empty when it is valid. */
export function ibConfigProblems(input: unknown): string[] {
  if (!isRecord(input)) return ['ib config must be an object'];
  const problems: string[] = [];
  checkShape(input, TOP_SHAPE, '', problems);
  checkNested(input, 'contract', CONTRACT_SHAPE, problems);
  checkNested(input, 'reconnect', RECONNECT_SHAPE, problems);
  if (Object.hasOwn(input, 'contractsBySymbol')) {
    const bySymbol = input.contractsBySymbol;
    if (!isRecord(bySymbol)) problems.push('contractsBySymbol: must be an object');
    else for (const [symbol, value] of Object.entries(bySymbol)) {
      if (!isRecord(value)) problems.push(`contractsBySymbol.${symbol}: must be an object`);
      else checkShape(value, CONTRACT_SHAPE, `contractsBySymbol.${symbol}.`, problems);
    }
  }
  const reconnect = isRecord(input.reconnect) ? input.reconnect : {};
  const initial = reconnect.initialDelayMs ?? DEFAULT_IB_RECONNECT_INITIAL_DELAY_MS;
  const max = reconnect.maxDelayMs ?? DEFAULT_IB_RECONNECT_MAX_DELAY_MS;
  if (problems.length === 0 && (max as number) < (initial as number)) problems.push(`reconnect.maxDelayMs: ${String(max)} is below reconnect.initialDelayMs ${String(initial)}`);
  return problems;
}

/**
 * Parses an IB venue config from untrusted input: `host`, `port` and `clientId` are required, other keys
 * take their defaults, unknown keys and invalid values throw one `InvalidIbConfigError` listing every problem.
 * @example parseIbConfig({ host: '127.0.0.1', port: IB_DEFAULT_PORTS.gatewayPaper, clientId: 7, account: process.env.IB_ACCOUNT })
 */
export function parseIbConfig(input: unknown): IbConfig {
  const problems = ibConfigProblems(input);
  if (problems.length > 0) throw new InvalidIbConfigError(problems);
  const record = input as Partial<IbConfig> & { host: string; port: number; clientId: number };
  const bySymbol = Object.fromEntries(Object.entries(record.contractsBySymbol ?? {}).map(([s, c]) => [s, Object.freeze({ ...c })]));
  return Object.freeze({
    whileDisconnected: 'refuse',
    maxHeldOrders: 100,
    holdTimeoutMs: DEFAULT_IB_HOLD_TIMEOUT_MS,
    connectTimeoutMs: DEFAULT_IB_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: DEFAULT_IB_REQUEST_TIMEOUT_MS,
    submitTimeoutMs: DEFAULT_IB_SUBMIT_TIMEOUT_MS,
    commissionWaitMs: DEFAULT_IB_COMMISSION_WAIT_MS,
    maxRequestsPerSecond: DEFAULT_IB_MAX_REQUESTS_PER_SECOND,
    outsideRth: false,
    timeZone: 'America/New_York',
    ...record,
    contract: Object.freeze({ ...DEFAULT_IB_CONTRACT, ...record.contract }),
    contractsBySymbol: Object.freeze(bySymbol),
    reconnect: Object.freeze({ ...DEFAULT_IB_RECONNECT, ...record.reconnect }),
  });
}

/** The config as it may be logged: the account is reduced to whether one is set. */
export function describeIbConfig(config: IbConfig): Record<string, unknown> {
  const { account, ...rest } = config;
  return { ...rest, accountConfigured: account !== undefined };
}

/** Environment variables `ibConfigFromEnv` reads; each overrides the same field of the file config. */
export const IB_ENV = Object.freeze({
  host: 'BIFROST_IB_HOST',
  port: 'BIFROST_IB_PORT',
  clientId: 'BIFROST_IB_CLIENT_ID',
  account: 'BIFROST_IB_ACCOUNT',
});

/**
 * The IB config from a file section plus the environment: `BIFROST_IB_HOST`, `BIFROST_IB_PORT`,
 * `BIFROST_IB_CLIENT_ID` and `BIFROST_IB_ACCOUNT` (the account belongs in the environment, not in a file)
 * override the section's fields. Problems name the variable; the account's value is never echoed.
 * @example const venue = new IbVenue({ config: ibConfigFromEnv(fileConfig.ib ?? {}) });
 */
export function ibConfigFromEnv(section: unknown, env: NodeJS.ProcessEnv = process.env): IbConfig {
  if (!isRecord(section)) throw new InvalidIbConfigError(['ib config must be an object']);
  const merged: Record<string, unknown> = { ...section };
  const envProblems: string[] = [];
  const badFields = new Set<string>();
  for (const [field, variable] of Object.entries(IB_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const numeric = field === 'port' || field === 'clientId';
    if (numeric && !/^\d+$/.test(raw.trim())) {
      envProblems.push(`${variable}: must be an integer, was ${JSON.stringify(raw)}`);
      badFields.add(field);
    } else {
      merged[field] = numeric ? Number(raw) : raw;
    }
  }
  const problems = [...envProblems, ...ibConfigProblems(merged).filter((p) => !badFields.has(p.slice(0, p.indexOf(':'))))];
  if (problems.length > 0) throw new InvalidIbConfigError(problems);
  return parseIbConfig(merged);
}
