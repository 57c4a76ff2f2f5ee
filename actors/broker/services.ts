import { createHash, timingSafeEqual } from 'node:crypto';
import type { ActorSystem } from '../../runtime/system.js';
import { loadRiskKey, MIN_RISK_KEY_BYTES } from '../risk/risk-key.js';
import { InvalidOrderPathServicesError, OrderPathNotAttachedError, UnknownVenueError } from './errors.js';
import type { Venue } from './venue.js';

/** The environment variable holding the operator credential for `risk.setTradingState`. */
export const OPERATOR_TOKEN_ENV = 'BIFROST_OPERATOR_TOKEN';

/** Shortest operator credential accepted, in characters. */
export const MIN_OPERATOR_TOKEN_LENGTH = 16;

/**
 * What the order-path actors of one node need besides their props: secrets and live connections,
 * which must never travel in props (props are serialisable and may be logged or sent to other nodes).
 */
export interface OrderPathServices {
  /** The approval HMAC key shared by the risk and broker actors (see `loadRiskKey`). Never logged. */
  readonly riskKey: Buffer;
  /** Venues by name; a broker's `venue` prop names one. */
  readonly venues: ReadonlyMap<string, Venue>;
  /** The credential an operator must present to change the trading state; absent: operator commands are refused. */
  readonly operatorToken?: string;
}

const attached = new WeakMap<ActorSystem, OrderPathServices>();

function problemsOf(services: OrderPathServices): string[] {
  const problems: string[] = [];
  if (!Buffer.isBuffer(services.riskKey) || services.riskKey.length < MIN_RISK_KEY_BYTES) {
    problems.push(`riskKey must be a Buffer of at least ${MIN_RISK_KEY_BYTES} bytes`);
  }
  if (!(services.venues instanceof Map)) problems.push('venues must be a Map of venue name to Venue');
  else for (const [name, venue] of services.venues) if (venue?.name !== name) problems.push(`venue registered as ${JSON.stringify(name)} is named ${JSON.stringify(venue?.name)}`);
  if (services.operatorToken !== undefined && (typeof services.operatorToken !== 'string' || services.operatorToken.length < MIN_OPERATOR_TOKEN_LENGTH)) {
    problems.push(`operatorToken must be a string of at least ${MIN_OPERATOR_TOKEN_LENGTH} characters`);
  }
  return problems;
}

/**
 * Makes `services` available to the risk, broker and portfolio actors of `system`, the way
 * `attachPersistence` does for the journal. Call it once per node, before spawning them. Throws
 * `InvalidOrderPathServicesError` listing every problem. The key and the credential are kept out of
 * enumeration, so logging the services object cannot print them.
 *
 * @example
 * const { services, notice } = orderPathServicesFromEnv(process.env, new Map([['paper', venue]]));
 * if (notice) log.warn(notice);
 * attachOrderPath(system, services);
 */
export function attachOrderPath(system: ActorSystem, services: OrderPathServices): void {
  const problems = problemsOf(services);
  if (problems.length > 0) throw new InvalidOrderPathServicesError(problems);
  const held = { venues: new Map(services.venues) } as unknown as { venues: ReadonlyMap<string, Venue>; riskKey: Buffer; operatorToken?: string };
  Object.defineProperty(held, 'riskKey', { value: Buffer.from(services.riskKey), enumerable: false });
  if (services.operatorToken !== undefined) Object.defineProperty(held, 'operatorToken', { value: services.operatorToken, enumerable: false });
  attached.set(system, Object.freeze(held));
}

/** The services attached to `system`; throws `OrderPathNotAttachedError` when there are none. */
export function orderPathOf(system: ActorSystem): OrderPathServices {
  const services = attached.get(system);
  if (services === undefined) throw new OrderPathNotAttachedError(system.node);
  return services;
}

/** The venue registered under `name`; throws `UnknownVenueError` listing the known ones. */
export function venueOf(system: ActorSystem, name: string): Venue {
  const venues = orderPathOf(system).venues;
  const venue = venues.get(name);
  if (venue === undefined) throw new UnknownVenueError(name, [...venues.keys()]);
  return venue;
}

/**
 * Whether `presented` is the operator credential, compared in constant time (both sides are hashed
 * first, so the comparison also hides the credential's length). False when no credential is configured.
 */
export function operatorCredentialMatches(services: OrderPathServices, presented: unknown): boolean {
  const expected = services.operatorToken;
  if (expected === undefined || typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Services read from the environment, and a notice (never containing a secret) to log when something was generated. */
export interface LoadedOrderPathServices {
  readonly services: OrderPathServices;
  readonly notice?: string;
}

/**
 * Builds the services of a node from its environment: the key from `BIFROST_RISK_KEY` (generated for
 * this run when unset, and the notice says so) and the operator credential from `BIFROST_OPERATOR_TOKEN`
 * (unset: operator commands are refused, and the notice says so).
 */
export function orderPathServicesFromEnv(env: Readonly<Record<string, string | undefined>>, venues: ReadonlyMap<string, Venue>): LoadedOrderPathServices {
  const { key, notice: keyNotice } = loadRiskKey(env);
  const token = env[OPERATOR_TOKEN_ENV];
  const notices = [
    ...(keyNotice === undefined ? [] : [keyNotice]),
    ...(token === undefined || token.length === 0 ? [`${OPERATOR_TOKEN_ENV} is not set: operator commands (risk.setTradingState) will be refused`] : []),
  ];
  const services: OrderPathServices = { riskKey: key, venues, ...(token === undefined || token.length === 0 ? {} : { operatorToken: token }) };
  return notices.length === 0 ? { services } : { services, notice: notices.join('; ') };
}
