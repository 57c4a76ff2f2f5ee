import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import WebSocket from 'ws';
import type { ServerEvent } from '../../actors/gateway/protocol.js';
import { checkServerEvent } from '../../actors/gateway/server-schema.js';
import { startEmbeddedHost } from '../../nodes/embedded/host.js';
import type { EmbeddedHost, StrategyPlacement } from '../../nodes/embedded/host.js';
import { startGateway } from '../../nodes/gateway/server.js';
import type { Gateway, GatewayOptions } from '../../nodes/gateway/server.js';

export const TRADER_TOKEN = 'trader-token-for-tests-0123456789';
export const ENV = { BIFROST_RISK_KEY: 'k'.repeat(64), BIFROST_OPERATOR_TOKEN: 'operator-token-for-tests' };

/** An embedded node on a fast synthetic feed with the gateway on a free port. */
export interface Node {
  readonly host: EmbeddedHost;
  readonly gateway: Gateway;
  readonly wsUrl: string;
  stop(): Promise<void>;
}

export async function startNode(options: { everyMs?: number; strategies?: readonly StrategyPlacement[]; gateway?: Partial<GatewayOptions> } = {}): Promise<Node> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bifrost-gateway-'));
  const host = await startEmbeddedHost({
    dataDir, env: ENV, logger: pino({ level: 'silent' }), feed: { kind: 'synthetic', everyMs: options.everyMs ?? 50 }, strategies: options.strategies ?? [],
  });
  const gateway = await startGateway(host, { port: 0, traderToken: TRADER_TOKEN, logger: pino({ level: 'silent' }), ...options.gateway });
  return {
    host,
    gateway,
    wsUrl: `${gateway.url.replace('http', 'ws')}/ws`,
    async stop() {
      await gateway.close();
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The response to a refused upgrade, or `open` when the server accepted it. */
export function upgradeOutcome(url: string, options: WebSocket.ClientOptions): Promise<{ status: number | 'open'; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.close();
      resolve({ status: 'open', body: '' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/**
 * A client socket that keeps every event, checks each against the protocol's schema (a failure is
 * recorded in `invalid`), and waits for the one a test expects.
 */
export class Client {
  readonly events: ServerEvent[] = [];
  readonly invalid: string[] = [];
  readonly #waiters: Array<{ match: (e: ServerEvent) => boolean; resolve: (e: ServerEvent) => void }> = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const value: unknown = JSON.parse(String(data));
      const checked = checkServerEvent(value);
      if (!checked.ok) this.invalid.push(`${(value as { type?: string }).type}: ${checked.problems.join('; ')}`);
      const event = value as ServerEvent;
      this.events.push(event);
      for (const w of [...this.#waiters]) {
        if (w.match(event)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  /** Opens an authenticated socket (bearer token, the server's own origin) and waits for `welcome`. */
  static async open(node: Node, headers: Record<string, string> = { Authorization: `Bearer ${TRADER_TOKEN}` }): Promise<Client> {
    const ws = new WebSocket(node.wsUrl, { headers, origin: node.gateway.url });
    const client = new Client(ws);
    await client.next((e) => e.type === 'welcome');
    return client;
  }

  send(command: unknown): void {
    this.ws.send(typeof command === 'string' ? command : JSON.stringify(command));
  }

  /** The first event (already received or to come) matching `match`; rejects after `timeoutMs`. */
  next<T extends ServerEvent = ServerEvent>(match: (e: ServerEvent) => boolean, timeoutMs = 15_000, from = 0): Promise<T> {
    const seen = this.events.slice(from).find(match);
    if (seen !== undefined) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${[...new Set(this.events.map((e) => e.type))].join(', ')}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e as T); } });
    });
  }

  /** Waits for an event after everything received so far. */
  after<T extends ServerEvent = ServerEvent>(match: (e: ServerEvent) => boolean, timeoutMs = 15_000): Promise<T> {
    const from = this.events.length;
    return this.next<T>(match, timeoutMs, from);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Resolves once `check()` is true, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
