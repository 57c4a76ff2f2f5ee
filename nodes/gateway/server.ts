import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import { MAX_CLIENT_FRAME_BYTES } from '../../actors/gateway/client-schema.js';
import { sessionTuning } from '../../actors/gateway/config.js';
import type { GatewayTargets, SessionTuning, StrategyListing } from '../../actors/gateway/config.js';
import { GatewayConfigError } from '../../actors/gateway/errors.js';
import { GatewayActor } from '../../actors/gateway/gateway-actor.js';
import type { GatewayProtocol } from '../../actors/gateway/gateway-actor.js';
import { SESSION_OUTLETS } from '../../actors/gateway/outbox.js';
import type { SessionOutlet } from '../../actors/gateway/outbox.js';
import type { BackendPreference } from '../../actors/optimizer/backend.js';
import { LoginSessions, LoginThrottle } from './auth.js';
import { authenticated } from './context.js';
import type { GatewayContext } from './context.js';
import { attachConnection, WebSocketOutlet } from './connection.js';
import { handleHttp } from './routes.js';
import { DEFAULT_UI_DIR } from './static.js';

/** The trader UI's port unless told otherwise. */
export const DEFAULT_GATEWAY_PORT = 8080;
/** Only this machine can reach the UI unless told otherwise. */
export const DEFAULT_GATEWAY_HOST = '127.0.0.1';
/** The WebSocket endpoint. */
export const WS_PATH = '/ws';
/** Interval of WebSocket pings; a socket that missed the previous pong is dropped. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;

/** What the gateway needs of a node: an EmbeddedHost has all of it. */
export interface GatewayHost {
  readonly system: ActorSystem;
  readonly refs: GatewayTargets;
  readonly symbols: readonly string[];
  readonly portfolioId: string;
  readonly feed: string;
  readonly strategies?: readonly StrategyListing[];
}

/** How a gateway serves: every field but the token has a default. */
export interface GatewayOptions {
  /** Default {@link DEFAULT_GATEWAY_PORT}; 0 picks a free port (tests). */
  readonly port?: number;
  /** Default {@link DEFAULT_GATEWAY_HOST}: only this machine can connect. */
  readonly host?: string;
  /** The trader token (see `loadTraderToken`); never logged. */
  readonly traderToken: string;
  /** Origins a WebSocket may come from; default this server's own (`http://127.0.0.1:<port>`, `http://localhost:<port>`). */
  readonly allowedOrigins?: readonly string[];
  /** How sessions pace a slow client. */
  readonly session?: Partial<SessionTuning>;
  /** Backend of UI sweeps; default `auto`. */
  readonly sweepBackend?: BackendPreference;
  /** Roles shown for this node; default `['embedded']`. */
  readonly roles?: readonly string[];
  /** Default 12 hours. */
  readonly loginTtlMs?: number;
  /** Where index.html, app.html, styles.css and src/ are; default the repository's ui/. */
  readonly uiDir?: string;
  /** Default {@link DEFAULT_PING_INTERVAL_MS}. */
  readonly pingIntervalMs?: number;
  /** Check every event against the protocol before it is sent (default true). */
  readonly checkEvents?: boolean;
  /** Default: the actor system's logger. */
  readonly logger?: Logger;
}

/** A running gateway. */
export interface Gateway {
  /** `http://host:port`, the login page's address. */
  readonly url: string;
  readonly port: number;
  /** The `/gateway` actor (sessions are its children). */
  readonly actor: ActorRef<GatewayProtocol>;
  /** Closes every socket (1001), stops the sessions and the HTTP server. */
  close(): Promise<void>;
}

function refuse(socket: Socket, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Whether a request carries a valid login cookie or the trader token as a bearer token. */
function checkOptions(options: GatewayOptions): void {
  const problems: string[] = [];
  if (typeof options.traderToken !== 'string' || options.traderToken.length === 0) problems.push('traderToken: required (see loadTraderToken)');
  const port = options.port ?? DEFAULT_GATEWAY_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`port: must be an integer in 0..65535, got ${JSON.stringify(options.port)}`);
  for (const o of options.allowedOrigins ?? []) if (!/^https?:\/\/[^/\s]+$/.test(o)) problems.push(`allowedOrigins: ${JSON.stringify(o)} is not an origin such as http://127.0.0.1:8080`);
  if (problems.length > 0) throw new GatewayConfigError(problems);
}

/**
 * Starts the trader UI's HTTP server and WebSocket endpoint on a node: static files from ui/, the
 * lightweight-charts module, a login page that trades the trader token for an HttpOnly, SameSite=Strict
 * cookie, and `/ws`, where each authenticated socket from an allowed Origin gets a SessionActor under
 * `/gateway`. An upgrade without a valid login (cookie or `Authorization: Bearer <token>`) is refused
 * with 401, one from another Origin with 403.
 *
 * @example
 * const { token, generated } = loadTraderToken(process.env);
 * const gateway = await startGateway(host, { traderToken: token });
 * console.log(`trader UI on ${gateway.url}${generated ? `, token ${token}` : ''}`);
 */
export async function startGateway(host: GatewayHost, options: GatewayOptions): Promise<Gateway> {
  checkOptions(options);
  const system = host.system;
  const log = (options.logger ?? system.log).child({ component: 'gateway' });
  const tuning = sessionTuning(options.session);
  const outlets = new Map<string, SessionOutlet>();
  system.services.provide(SESSION_OUTLETS, outlets);
  const actor = system.spawn(GatewayActor, 'gateway', {
    portfolioId: host.portfolioId, symbols: [...host.symbols], feed: host.feed, targets: host.refs, strategies: [...(host.strategies ?? [])].map((s) => ({ id: s.id, kind: s.kind, symbols: [...s.symbols] })),
    roles: [...(options.roles ?? ['embedded'])], sweepBackend: options.sweepBackend ?? 'auto', tuning,
  }, { restart: 'permanent' });

  let origins: ReadonlySet<string> = new Set(options.allowedOrigins ?? []);
  const ctx: GatewayContext = {
    system, log, token: options.traderToken, logins: new LoginSessions(options.loginTtlMs), throttle: new LoginThrottle(),
    uiDir: options.uiDir ?? DEFAULT_UI_DIR, origins: () => origins,
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handleHttp(req, res, ctx).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (path !== WS_PATH) return refuse(socket, 404, `no WebSocket endpoint at ${path}; use ${WS_PATH}`);
    const origin = req.headers.origin;
    if (origin === undefined || !origins.has(origin)) {
      log.warn({ origin, remote: req.socket.remoteAddress }, 'WebSocket refused: origin not allowed');
      return refuse(socket, 403, 'origin not allowed');
    }
    if (!authenticated(req, ctx)) {
      log.warn({ remote: req.socket.remoteAddress }, 'WebSocket refused: not logged in');
      return refuse(socket, 401, 'log in first: POST /login with the trader token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sessionId = `s-${randomBytes(8).toString('hex')}`;
      const outlet = new WebSocketOutlet(ws, log, options.checkEvents ?? true);
      outlets.set(sessionId, outlet);
      sockets.add(ws);
      (ws as WebSocket & { alive?: boolean }).alive = true;
      ws.on('pong', () => ((ws as WebSocket & { alive?: boolean }).alive = true));
      attachConnection(ws, sessionId, outlet, system, actor, () => {
        sockets.delete(ws);
        outlets.delete(sessionId);
      });
      system.tell(actor, { type: 'gateway.open', sessionId });
      log.info({ sessionId, remote: req.socket.remoteAddress }, 'trader session opened');
    });
  });

  const pinger = setInterval(() => {
    for (const ws of sockets) {
      const w = ws as WebSocket & { alive?: boolean };
      if (w.alive === false) {
        ws.terminate();
        continue;
      }
      w.alive = false;
      ws.ping();
    }
  }, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
  pinger.unref();

  const bindHost = options.host ?? DEFAULT_GATEWAY_HOST;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_GATEWAY_PORT, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(pinger);
    await system.stop(actor);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  if (options.allowedOrigins === undefined) origins = new Set([`http://${shownHost}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  const url = `http://${shownHost}:${port}`;
  log.info({ url }, 'trader UI listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    actor,
    close() {
      closing ??= (async () => {
        clearInterval(pinger);
        for (const ws of sockets) ws.close(1001, 'server shutting down');
        await system.stop(actor);
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        for (const ws of sockets) ws.terminate();
      })();
      return closing;
    },
  };
}
