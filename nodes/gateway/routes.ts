import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { clearedCookie, parseCookies, SESSION_COOKIE, sessionCookie, tokenMatches } from './auth.js';
import { authenticated } from './context.js';
import type { GatewayContext } from './context.js';
import { lightweightChartsModule, sendFile, staticPath } from './static.js';

/** Most bytes of a login request body. */
export const MAX_LOGIN_BODY_BYTES = 4_096;
/** Seconds a browser may cache the UI's scripts and styles (short: a restart may bring a new UI). */
const ASSET_CACHE_SECONDS = 60;

/**
 * Headers on every response. Scripts only from this origin; styles also inline, because
 * lightweight-charts adds a `<style>` for TradingView's attribution logo (which its licence asks to keep).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers }).end(text);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { Location: to, 'Cache-Control': 'no-store' }).end();
}

async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The token of a login body: a form (`token=...`) or JSON (`{"token": "..."}`). */
export function tokenOfBody(body: string, contentType: string | undefined): unknown {
  if ((contentType ?? '').startsWith('application/json')) {
    try {
      return (JSON.parse(body) as { token?: unknown } | null)?.token;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body).get('token') ?? undefined;
}

async function login(req: IncomingMessage, res: ServerResponse, ctx: GatewayContext): Promise<void> {
  const now = ctx.system.clock.now();
  const address = req.socket.remoteAddress ?? 'unknown';
  const origin = req.headers.origin;
  if (origin !== undefined && !ctx.origins().has(origin)) return json(res, 403, { error: 'origin not allowed' });
  if (ctx.throttle.blocked(address, now)) return json(res, 429, { error: 'too many failed logins; wait a minute' }, { 'Retry-After': '60' });
  const body = await readBody(req, MAX_LOGIN_BODY_BYTES);
  if (body === undefined) return json(res, 413, { error: 'request too large' });
  if (!tokenMatches(ctx.token, tokenOfBody(body, req.headers['content-type']))) {
    ctx.throttle.failed(address, now);
    ctx.log.warn({ remote: address }, 'login refused: wrong trader token');
    return json(res, 401, { error: 'wrong trader token' });
  }
  ctx.throttle.succeeded(address);
  const value = ctx.logins.create(now);
  ctx.log.info({ remote: address }, 'trader logged in');
  json(res, 200, { ok: true, next: '/app.html' }, { 'Set-Cookie': sessionCookie(value, ctx.logins.ttl, false) });
}

/** The HTTP side of the gateway: login and logout, the UI's files, and a health check. */
export async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: GatewayContext): Promise<void> {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  const path = new URL(req.url ?? '/', 'http://gateway').pathname;
  const method = req.method ?? 'GET';
  if (method === 'POST' && path === '/login') return login(req, res, ctx);
  if (method === 'POST' && path === '/logout') {
    ctx.logins.revoke(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    return json(res, 200, { ok: true }, { 'Set-Cookie': clearedCookie() });
  }
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD, POST', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed');
    return;
  }
  const head = method === 'HEAD';
  if (path === '/healthz') return json(res, 200, { ok: true, node: ctx.system.node });
  if (path === '/' || path === '/index.html') {
    if (authenticated(req, ctx)) return redirect(res, '/app.html');
    return sendFile(res, join(ctx.uiDir, 'index.html'), 0, head);
  }
  if (path === '/app.html') {
    if (!authenticated(req, ctx)) return redirect(res, '/');
    return sendFile(res, join(ctx.uiDir, 'app.html'), 0, head);
  }
  if (path === '/vendor/lightweight-charts.js') return sendFile(res, lightweightChartsModule(), 3_600, head);
  const file = path.startsWith('/src/') || path === '/styles.css' || path === '/favicon.svg' ? staticPath(ctx.uiDir, path) : undefined;
  if (file === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  return sendFile(res, file, ASSET_CACHE_SECONDS, head);
}
