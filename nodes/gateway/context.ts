import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ActorSystem } from '../../runtime/system.js';
import { parseCookies, SESSION_COOKIE, tokenMatches } from './auth.js';
import type { LoginSessions, LoginThrottle } from './auth.js';

/** @internal Shared by the HTTP routes and the upgrade handler. */
export interface GatewayContext {
  readonly system: ActorSystem;
  readonly log: Logger;
  readonly token: string;
  readonly logins: LoginSessions;
  readonly throttle: LoginThrottle;
  readonly uiDir: string;
  readonly origins: () => ReadonlySet<string>;
}

/** Whether a request carries a valid login cookie or the trader token as a bearer token. */
export function authenticated(req: IncomingMessage, ctx: GatewayContext): boolean {
  if (ctx.logins.valid(parseCookies(req.headers.cookie)[SESSION_COOKIE], ctx.system.clock.now())) return true;
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') && tokenMatches(ctx.token, auth.slice('Bearer '.length).trim());
}

