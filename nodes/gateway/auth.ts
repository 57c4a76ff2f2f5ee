import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayConfigError } from '../../actors/gateway/errors.js';

/** The environment variable holding the trader token. */
export const TRADER_TOKEN_ENV = 'BIFROST_TRADER_TOKEN';
/** Fewest characters a configured trader token may have. */
export const MIN_TRADER_TOKEN_CHARS = 16;
/** The login cookie (HttpOnly, SameSite=Strict, path /). */
export const SESSION_COOKIE = 'bifrost_session';
/** How long a login lasts. */
export const DEFAULT_LOGIN_TTL_MS = 12 * 3_600_000;
/** Logins kept at once; the oldest is forgotten first. */
export const MAX_LOGINS = 1_000;
/** Failed logins from one address within a minute after which it must wait. */
export const MAX_LOGIN_FAILURES_PER_MINUTE = 10;

/** The trader token and whether it was generated for this run (then the node prints it at start). */
export interface TraderToken {
  readonly token: string;
  readonly generated: boolean;
}

/**
 * Reads `BIFROST_TRADER_TOKEN` (at least 16 characters), or generates a random token for this run. The
 * token is never logged by the gateway; a node that generated one prints it once at start, for the trader.
 *
 * @example
 * const { token, generated } = loadTraderToken(process.env);
 * if (generated) console.log(`trader token for this run: ${token}`);
 */
export function loadTraderToken(env: Readonly<Record<string, string | undefined>>): TraderToken {
  const given = env[TRADER_TOKEN_ENV];
  if (given === undefined || given === '') return { token: randomBytes(18).toString('base64url'), generated: true };
  if (given.trim().length < MIN_TRADER_TOKEN_CHARS) throw new GatewayConfigError([`${TRADER_TOKEN_ENV}: must be at least ${MIN_TRADER_TOKEN_CHARS} characters (its value is not shown)`]);
  return { token: given.trim(), generated: false };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares a presented token with the expected one in constant time (both hashed first, so lengths do not leak). */
export function tokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1_024) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * Logins by cookie value. Only a SHA-256 digest of each value is held, so a heap dump does not hand out
 * sessions, and a lookup is by the digest of what was presented: its timing says nothing about a valid value.
 */
export class LoginSessions {
  readonly #byDigest = new Map<string, number>();

  constructor(private readonly ttlMs: number = DEFAULT_LOGIN_TTL_MS) {}

  /** A new login: the cookie value to hand out. */
  create(now: number): string {
    const value = randomBytes(32).toString('base64url');
    this.#byDigest.set(digest(value).toString('hex'), now + this.ttlMs);
    if (this.#byDigest.size > MAX_LOGINS) this.#byDigest.delete(this.#byDigest.keys().next().value!);
    return value;
  }

  valid(value: string | undefined, now: number): boolean {
    if (value === undefined || value.length === 0 || value.length > 200) return false;
    const key = digest(value).toString('hex');
    const expires = this.#byDigest.get(key);
    if (expires === undefined) return false;
    if (now >= expires) {
      this.#byDigest.delete(key);
      return false;
    }
    return true;
  }

  revoke(value: string | undefined): void {
    if (value !== undefined) this.#byDigest.delete(digest(value).toString('hex'));
  }

  get ttl(): number {
    return this.ttlMs;
  }
}

/** Counts failed logins per address in a sliding minute; an address over the limit is refused until it cools down. */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  blocked(address: string, now: number): boolean {
    return this.#recent(address, now).length >= MAX_LOGIN_FAILURES_PER_MINUTE;
  }

  failed(address: string, now: number): void {
    const list = this.#recent(address, now);
    list.push(now);
    this.#failures.set(address, list);
    if (this.#failures.size > 10_000) this.#failures.delete(this.#failures.keys().next().value!);
  }

  succeeded(address: string): void {
    this.#failures.delete(address);
  }

  #recent(address: string, now: number): number[] {
    return (this.#failures.get(address) ?? []).filter((t) => now - t < 60_000);
  }
}

/** The cookies of a `Cookie` header. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name.length > 0 && !(name in out)) out[name] = value;
  }
  return out;
}

/** `Set-Cookie` for a login (HttpOnly, SameSite=Strict; `Secure` when served over HTTPS). */
export function sessionCookie(value: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1_000)}${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` that ends a login. */
export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}
