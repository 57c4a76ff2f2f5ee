// Ground truth for the chaos test: the fake TWS peer's logs, and the books they imply.
import type { FakeTws } from '../helpers/fake-tws/index.js';
import type { PortfolioSnapshot } from '../../actors/portfolio/portfolio-state.js';

/** An IB account the fake manages (it comes from BIFROST_IB_ACCOUNT, never from the config file). */
export const ACCOUNT = 'DU7654321';

/** The IB section of the chaos cluster's config: the fake on `port`, fast reconnects. */
export function ibSection(port: number): Record<string, unknown> {
  return {
    host: '127.0.0.1', port, clientId: 7, portfolioId: 'main',
    reconnect: { initialDelayMs: 100, maxDelayMs: 500, multiplier: 2, jitter: 0 },
    connectTimeoutMs: 5_000, requestTimeoutMs: 5_000, submitTimeoutMs: 5_000, commissionWaitMs: 200, maxRequestsPerSecond: 1_000,
  };
}

/** Client order ids (orderRef) that reached the peer as more than one new order. */
export function duplicateOrders(tws: FakeTws): string[] {
  const count = new Map<string, number>();
  for (const p of tws.placements) if (!p.modification) count.set(p.request.orderRef, (count.get(p.request.orderRef) ?? 0) + 1);
  return [...count].filter(([, n]) => n > 1).map(([ref]) => ref);
}

/** New orders the peer received. */
export function ordersAtVenue(tws: FakeTws): number {
  return tws.placements.filter((p) => !p.modification).length;
}

/** Cash and positions implied by the peer's executions. */
export function booksFromExecutions(tws: FakeTws, initialCash: number): { cash: number; positions: Record<string, number> } {
  let cash = initialCash;
  const positions: Record<string, number> = {};
  for (const e of tws.executions()) {
    const signed = e.side === 'BOT' ? e.shares : -e.shares;
    cash -= signed * e.price + e.commission;
    positions[e.symbol] = (positions[e.symbol] ?? 0) + signed;
  }
  for (const s of Object.keys(positions)) if (positions[s] === 0) delete positions[s];
  return { cash, positions };
}

/** The portfolio's non-zero positions. */
export function positionsOf(snapshot: PortfolioSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of Object.values(snapshot.positions)) if (p.quantity !== 0) out[p.symbol] = p.quantity;
  return out;
}
