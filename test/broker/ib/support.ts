import type { ExecutionContext } from 'ava';
import type { VenueFill, VenueOrder, VenueReport, VenueStatus } from '../../../actors/broker/venue.js';
import { parseIbConfig } from '../../../actors/broker/ib/ib-config.js';
import type { IbVenueEvent } from '../../../actors/broker/ib/ib-events.js';
import { IbVenue } from '../../../actors/broker/ib/ib-venue.js';
import type { IbVenueOptions } from '../../../actors/broker/ib/ib-venue.js';
import { FakeTws, waitFor } from '../../helpers/fake-tws/index.js';
import type { FakeTwsOptions } from '../../helpers/fake-tws/index.js';

/** The account the fake manages; tests assert it never leaks into events. */
export const ACCOUNT = 'DU7654321';

let seq = 0;

/** A venue order with a fresh client order id. */
export function venueOrder(fields: Partial<VenueOrder> = {}): VenueOrder {
  seq += 1;
  return { clientOrderId: `ibtest-${process.pid.toString(36)}-${seq.toString(36)}`, portfolioId: 'p1', symbol: 'AAPL', side: 'buy', type: 'market', quantity: 100, tif: 'day', ...fields };
}

/** What one venue emitted, for assertions. */
export class Recorder {
  readonly reports: VenueReport[] = [];
  readonly events: IbVenueEvent[] = [];
  readonly statuses: VenueStatus[] = [];

  constructor(venue: IbVenue) {
    venue.onReport((r) => this.reports.push(r));
    venue.onEvent((e) => this.events.push(e));
    venue.onStatus((s) => this.statuses.push(s));
  }

  /** Reports about one order, as `kind` strings. */
  kinds(clientOrderId: string): string[] {
    return this.reports.filter((r) => r.clientOrderId === clientOrderId).map((r) => r.kind);
  }

  fills(clientOrderId?: string): VenueFill[] {
    return this.reports.flatMap((r) => (r.kind === 'fill' && (clientOrderId === undefined || r.clientOrderId === clientOrderId) ? [r.fill] : []));
  }

  eventsOf<K extends IbVenueEvent['kind']>(kind: K): Extract<IbVenueEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<IbVenueEvent, { kind: K }> => e.kind === kind);
  }

  /** Waits for a report of `kind` about the order. */
  async report(clientOrderId: string, kind: VenueReport['kind'], count = 1): Promise<void> {
    await waitFor(() => this.kinds(clientOrderId).filter((k) => k === kind).length >= count, `${count} ${kind} report(s) for ${clientOrderId}`);
  }
}

/** Config for a venue against `tws`, fast timers, high rate limit. */
export function testConfig(tws: FakeTws, overrides: Record<string, unknown> = {}) {
  return parseIbConfig({
    host: '127.0.0.1', port: tws.port, clientId: 7, account: ACCOUNT, portfolioId: 'p1',
    reconnect: { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2, jitter: 0 },
    connectTimeoutMs: 5_000, requestTimeoutMs: 5_000, submitTimeoutMs: 5_000, commissionWaitMs: 300, maxRequestsPerSecond: 1_000,
    ...overrides,
  });
}

/** A new venue on `tws` with a recorder; closed in teardown. */
export function newVenue(t: ExecutionContext, tws: FakeTws, overrides: Record<string, unknown> = {}, options: Partial<IbVenueOptions> = {}) {
  const venue = new IbVenue({ config: testConfig(tws, overrides), ...options });
  const recorder = new Recorder(venue);
  t.teardown(() => venue.close());
  return { venue, recorder };
}

/** A started fake TWS (stopped in teardown) and a connected venue on it. */
export async function connected(t: ExecutionContext, tws: FakeTwsOptions = {}, overrides: Record<string, unknown> = {}) {
  const peer = new FakeTws({ accounts: [ACCOUNT], ...tws });
  await peer.start();
  t.teardown(() => peer.stop());
  const { venue, recorder } = newVenue(t, peer, overrides);
  await venue.connect();
  return { tws: peer, venue, recorder };
}

/** New orders (not modifications, not lost in transit) the peer acted on with this reference. */
export function placedAtPeer(tws: FakeTws, clientOrderId: string): number {
  return tws.placements.filter((p) => !p.modification && p.lost !== true && p.request.orderRef === clientOrderId).length;
}

export { waitFor };
