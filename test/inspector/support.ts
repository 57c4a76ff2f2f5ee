// Shared pieces of the inspector tests: an embedded host with its inspector and HTTP server, the real CLI in
// a child process, an order sent through the risk actor, and a strict reader of the Prometheus text format.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { SystemInspector } from '../../actors/inspector/inspector-actor.js';
import type { InspectorProtocol } from '../../actors/inspector/protocol.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import type { RiskOrderDenied } from '../../actors/risk/protocol.js';
import type { BrokerOrderUpdate } from '../../actors/broker/protocol.js';
import { SimulatedClock } from '../../runtime/index.js';
import type { ActorRef } from '../../runtime/index.js';
import { startEmbeddedHost } from '../../nodes/embedded/host.js';
import type { EmbeddedHost } from '../../nodes/embedded/host.js';
import { startInspectorServer } from '../../nodes/inspector/http-server.js';
import type { InspectorServer } from '../../nodes/inspector/http-server.js';

export const OPERATOR_TOKEN = 'operator-token-for-inspector-tests';
export const HOST_ENV = { BIFROST_RISK_KEY: 'k'.repeat(64), BIFROST_OPERATOR_TOKEN: OPERATOR_TOKEN };
export const SYMBOLS = ['AAA', 'BBB'];
const MAIN = fileURLToPath(new URL('../../nodes/cli/main.ts', import.meta.url));

/** The embedded host's order path and inspector, as main.ts wires them. */
export const EMBEDDED_TARGETS = {
  risk: { path: '/trading/risk' },
  broker: { path: '/trading/broker' },
  portfolios: { main: { path: '/trading/portfolio' } },
};

export interface InspectedHost {
  readonly host: EmbeddedHost;
  readonly clock: SimulatedClock;
  readonly server: InspectorServer;
  readonly inspector: ActorRef<InspectorProtocol>;
  /** Advances the clock by `bars` synthetic bars, settling after each. */
  run(bars: number): Promise<void>;
  stop(): Promise<void>;
}

/** An embedded host on a simulated clock (no strategies, VaR check off), its inspector and its HTTP server on a free port. */
export async function startInspectedHost(): Promise<InspectedHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bifrost-inspector-'));
  const clock = new SimulatedClock(Date.UTC(2025, 0, 2));
  const host = await startEmbeddedHost({
    dataDir,
    env: HOST_ENV,
    clock,
    logger: pino({ level: 'silent' }),
    symbols: SYMBOLS,
    strategies: [],
    limits: { maxPostTradeVar: null },
    feed: { kind: 'synthetic', seed: 7, everyMs: 1_000 },
  });
  const inspector = host.system.spawn(SystemInspector, 'inspector', { roles: ['data', 'trading', 'gpu'], targets: EMBEDDED_TARGETS }, { kind: 'inspector' });
  const server = await startInspectorServer({ system: host.system, inspectorRef: inspector, port: 0, operatorToken: OPERATOR_TOKEN });
  const run = async (bars: number): Promise<void> => {
    for (let i = 0; i < bars; i++) {
      clock.advance(1_000);
      await host.system.settled();
    }
  };
  await run(3);
  return {
    host,
    clock,
    server,
    inspector,
    run,
    async stop() {
      await server.close();
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let orderSeq = 0;

/** A market order for `symbol` of the host's portfolio. */
export function marketOrder(host: EmbeddedHost, symbol: string, side: 'buy' | 'sell' = 'buy', quantity = 1): OrderRequest {
  return { clientOrderId: `insp-${process.pid}-${++orderSeq}`, portfolioId: host.portfolioId, strategyId: 'operator-test', symbol, side, type: 'market', quantity, tif: 'day', createdAt: host.system.clock.now() };
}

/** Sends `risk.submitOrder` and resolves with the first answer: a denial, or the broker's first order update. */
export function submitOrder(host: EmbeddedHost, order: OrderRequest): Promise<RiskOrderDenied | BrokerOrderUpdate> {
  return host.system.ask<RiskOrderDenied | BrokerOrderUpdate>(host.refs.risk, { type: 'risk.submitOrder', order }, 5_000);
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts the real CLI (`node --import=tsx nodes/cli/main.ts ...args`) with `env` over the test's environment. */
export function spawnCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ChildProcess {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: undefined, BIFROST_OPERATOR_TOKEN: undefined, BIFROST_INSPECT_URL: undefined, BIFROST_NATS_URL: undefined, ...env })) if (v !== undefined) merged[k] = v;
  const child = spawn(process.execPath, ['--import=tsx', MAIN, ...args], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs the CLI to completion (killed after `timeoutMs`). */
export function runCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, timeoutMs = 30_000): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One sample of a metric family. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family of the Prometheus text format. */
export interface PromFamily {
  readonly type: string;
  readonly help: string;
  readonly samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = { counter: ['', '_total'], gauge: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'], untyped: [''] };

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = /^([^=]+)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (m === null) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    if (!LABEL.test(m[1]!)) throw new Error(`bad label name ${m[1]} in ${JSON.stringify(line)}`);
    if (m[1]! in labels) throw new Error(`duplicate label ${m[1]} in ${JSON.stringify(line)}`);
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${JSON.stringify(text)} in ${JSON.stringify(line)}`);
  return Number(text);
}

/**
 * Reads Prometheus text exposition format 0.0.4 strictly: every sample belongs to a family declared by
 * `# HELP` and `# TYPE` before it, with a suffix its type allows; names, labels and values are well formed;
 * no family is declared twice; histograms have a `+Inf` bucket equal to their count. Throws on any problem.
 */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const [, , family = '', ...help] = line.split(' ');
      if (!NAME.test(family)) throw new Error(`bad metric name in ${JSON.stringify(line)}`);
      if (families.has(family)) throw new Error(`family ${family} declared twice`);
      families.set(family, { type: '', help: help.join(' '), samples: [] });
      current = family;
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , family, type] = line.split(' ');
      if (family !== current || families.get(family!)!.type !== '') throw new Error(`# TYPE of ${family} does not follow its # HELP`);
      if (!(type! in SUFFIXES)) throw new Error(`unknown type ${type} of ${family}`);
      families.set(family!, { ...families.get(family!)!, type: type! });
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (m === null) throw new Error(`bad sample line ${JSON.stringify(line)}`);
    const name = m[1]!;
    const family = current === undefined ? undefined : families.get(current);
    if (family === undefined || family.type === '') throw new Error(`sample ${name} before any # HELP / # TYPE`);
    if (!SUFFIXES[family.type]!.some((s) => name === `${current}${s}`)) throw new Error(`sample ${name} does not belong to ${family.type} ${current}`);
    family.samples.push({ name, labels: m[2] === undefined ? {} : parseLabels(m[2], line), value: parseValue(m[3]!, line) });
  }
  for (const [name, family] of families) {
    if (family.type !== 'histogram') continue;
    const counts = family.samples.filter((s) => s.name === `${name}_count`);
    for (const count of counts) {
      const key = JSON.stringify({ ...count.labels });
      const inf = family.samples.find((s) => s.name === `${name}_bucket` && s.labels.le === '+Inf' && JSON.stringify(Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== 'le'))) === key);
      if (inf === undefined || inf.value !== count.value) throw new Error(`histogram ${name}${key}: +Inf bucket missing or not equal to _count`);
    }
  }
  return families;
}
