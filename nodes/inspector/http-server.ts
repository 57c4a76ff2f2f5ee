import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspectorQueryProblems, INSPECTOR_ERRORS } from '../../actors/inspector/protocol.js';
import type { InspectorProtocol, InspectorQuery, InspectorReply } from '../../actors/inspector/protocol.js';
import { AskTimeoutError, describeError } from '../../runtime/errors.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import { askWithin } from './ask.js';
import { InvalidInspectorServerOptionsError } from './errors.js';
import { createNodeMetrics } from './metrics.js';
import type { NodeMetrics } from './metrics.js';

/** The inspector's HTTP port unless config says otherwise (9464 is the usual Prometheus exporter port). */
export const DEFAULT_INSPECTOR_PORT = 9464;
/** The inspector listens on loopback unless told otherwise. */
export const DEFAULT_INSPECTOR_HOST = '127.0.0.1';
/** How long POST /inspect waits for the inspector. */
export const DEFAULT_INSPECT_TIMEOUT_MS = 10_000;
/** Largest request body accepted. */
export const MAX_INSPECT_BODY_BYTES = 64 * 1024;

/** Options for {@link startInspectorServer}. */
export interface InspectorServerOptions {
  readonly system: ActorSystem;
  /** The node's inspector actor. */
  readonly inspectorRef: ActorRef<InspectorProtocol>;
  /** Default {@link DEFAULT_INSPECTOR_HOST}. */
  readonly host?: string;
  /** Default {@link DEFAULT_INSPECTOR_PORT}; 0 picks a free port. */
  readonly port?: number;
  /**
   * The operator credential. When set, a state-changing query must carry `Authorization: Bearer <token>`
   * (compared in constant time); the risk actor checks the credential again either way.
   */
  readonly operatorToken?: string;
  /** The node's metrics; default: created here for `system` and `inspectorRef` (and closed with the server). */
  readonly metrics?: NodeMetrics;
  /** Default {@link DEFAULT_INSPECT_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** A running inspector server. */
export interface InspectorServer {
  /** `http://host:port`, the port resolved when 0 was asked for. */
  readonly url: string;
  readonly metrics: NodeMetrics;
  close(): Promise<void>;
}

const STATUS_OF_ERROR: Readonly<Record<string, number>> = { NOT_FOUND: 404, BAD_REQUEST: 400, NO_TARGET: 503, TARGET_FAILED: 502, TIMEOUT: 504 };

/** Whether `presented` equals `expected`, in constant time (both are hashed first, which also hides the length). */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined || presented.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Serves a node's inspector and metrics over HTTP:
 *
 * - `GET /metrics`: the node's Prometheus metrics (text format).
 * - `POST /inspect`: body an inspector query (JSON, e.g. `{"type":"inspector.tree"}`), reply the
 *   inspector's answer as JSON. `inspector.setTradingState` takes the operator credential from the
 *   `Authorization: Bearer` header, never from the body; it is not logged.
 * - `GET /healthz`: `{"ok":true,"node":...}`.
 *
 * @example
 * const server = await startInspectorServer({ system, inspectorRef: { path: '/inspector' }, port: 9464, operatorToken: process.env.BIFROST_OPERATOR_TOKEN });
 * // curl -s localhost:9464/metrics; curl -s -XPOST localhost:9464/inspect -d '{"type":"inspector.nodes"}'
 * await server.close();
 */
export async function startInspectorServer(options: InspectorServerOptions): Promise<InspectorServer> {
  const problems: string[] = [];
  const port = options.port ?? DEFAULT_INSPECTOR_PORT;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) problems.push(`port must be an integer in 0..65535, got ${port}`);
  if (options.operatorToken !== undefined && (typeof options.operatorToken !== 'string' || options.operatorToken.length === 0)) problems.push('operatorToken must be a non-empty string when given');
  if (problems.length > 0) throw new InvalidInspectorServerOptionsError(problems);
  const { system, inspectorRef } = options;
  const ownMetrics = options.metrics === undefined;
  const metrics = options.metrics ?? createNodeMetrics({ system, inspector: inspectorRef });
  const timeoutMs = options.timeoutMs ?? DEFAULT_INSPECT_TIMEOUT_MS;

  const inspect = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      return sendJson(response, (error as { status?: number }).status ?? 400, { type: 'inspector.error', code: INSPECTOR_ERRORS.BAD_REQUEST, message: `the body must be one JSON inspector query (${(error as Error).message})` });
    }
    const problems = inspectorQueryProblems(body === null || typeof body !== 'object' ? body : { operatorToken: '', ...body });
    if (problems.length > 0) return sendJson(response, 400, { type: 'inspector.error', code: INSPECTOR_ERRORS.BAD_REQUEST, message: problems.join('; ') });
    let query = body as InspectorQuery;
    if (query.type === 'inspector.setTradingState') {
      const presented = bearerToken(request);
      if (options.operatorToken !== undefined && !tokenMatches(options.operatorToken, presented)) {
        return sendJson(response, 401, { type: 'inspector.refused', refusal: 'UNAUTHORISED', message: 'UNAUTHORISED: the operator credential is missing or does not match' });
      }
      query = { ...query, operatorToken: presented ?? '' };
    }
    try {
      const reply = await askWithin<InspectorReply>(system, inspectorRef, query, timeoutMs);
      sendJson(response, statusOf(reply), reply);
    } catch (error) {
      const timedOut = error instanceof AskTimeoutError;
      sendJson(response, timedOut ? 504 : 502, { type: 'inspector.error', code: timedOut ? INSPECTOR_ERRORS.TIMEOUT : INSPECTOR_ERRORS.TARGET_FAILED, message: describeError(error) });
    }
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const route = `${request.method} ${path}`;
    const handle = async (): Promise<void> => {
      switch (route) {
        case 'GET /metrics':
          response.writeHead(200, { 'content-type': metrics.contentType });
          response.end(await metrics.text());
          return;
        case 'POST /inspect':
          return inspect(request, response);
        case 'GET /healthz':
          return sendJson(response, 200, { ok: true, node: system.node });
        default:
          if (path === '/metrics' || path === '/inspect' || path === '/healthz') return sendJson(response, 405, { type: 'inspector.error', code: 'BAD_REQUEST', message: `${request.method} is not allowed on ${path}` });
          return sendJson(response, 404, { type: 'inspector.error', code: 'NOT_FOUND', message: `no route ${route}; try GET /metrics or POST /inspect` });
      }
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { type: 'inspector.error', code: 'TARGET_FAILED', message: describeError(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? DEFAULT_INSPECTOR_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    metrics,
    async close() {
      if (ownMetrics) metrics.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function statusOf(reply: InspectorReply): number {
  if (reply.type === 'inspector.error') return STATUS_OF_ERROR[reply.code] ?? 500;
  if (reply.type === 'inspector.refused') return reply.refusal === 'UNAUTHORISED' ? 401 : 409;
  return 200;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_INSPECT_BODY_BYTES) {
        reject(Object.assign(new Error(`body larger than ${MAX_INSPECT_BODY_BYTES} bytes`), { status: 413 }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
