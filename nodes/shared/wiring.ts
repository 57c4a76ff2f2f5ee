/**
 * Wiring shared by the embedded node and the cluster nodes: the order path's actors (portfolio, broker,
 * risk and the feeder that passes bars to them) as one supervised group whose members name each other by
 * plain local paths, the instruments of a universe, and where a synthetic feed resumes after the bars a
 * previous run stored. One place, so both modes run the same order path.
 */
import type { ActorRef } from '../../runtime/ref.js';
import type { BarStore } from '../../persistence/bar-store.js';
import { oneForOne } from '../../supervision/strategy.js';
import type { SupervisorStrategy } from '../../supervision/strategy.js';
import { worker } from '../../supervision/spec.js';
import type { ChildSpec } from '../../supervision/spec.js';
import type { Instrument } from '../../actors/domain/instrument.js';
import { OrderPathFeeder } from '../../actors/market/order-path-feeder.js';
import type { BrokerProtocol } from '../../actors/broker/protocol.js';
import type { PortfolioProtocol } from '../../actors/portfolio/protocol.js';
import type { RiskProtocol } from '../../actors/risk/protocol.js';

export const DEFAULT_PORTFOLIO_ID = 'main';
export const DEFAULT_INITIAL_CASH = 100_000;
export const DEFAULT_SYNTHETIC_SEED = 20_240_101;
/** Journal id of the order path's risk actor (`risk-<id>`) and the identity it signs approvals with. */
export const DEFAULT_RISK_ID = 'risk';
const DAY_MS = 86_400_000;

/** The supervision of the order-path group: one-for-one, at most 10 restarts a minute, then escalate. */
export function orderPathStrategy(): SupervisorStrategy {
  return oneForOne({ maxRestarts: 10, withinMs: 60_000 });
}

/** A plain US equity: cent ticks, single-share lots, long only. */
export function instrumentFor(symbol: string): Instrument {
  return { symbol, tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: false };
}

/** Refs of the order-path actors under `base` (e.g. `/trading` or `/desk`). */
export interface OrderPathRefs {
  readonly portfolio: ActorRef<PortfolioProtocol>;
  readonly broker: ActorRef<BrokerProtocol>;
  readonly risk: ActorRef<RiskProtocol>;
  readonly feeder: ActorRef;
}

/** The local refs of the group spawned at `base`. */
export function orderPathRefs(base: string): OrderPathRefs {
  return {
    portfolio: { path: `${base}/portfolio` },
    broker: { path: `${base}/broker` },
    risk: { path: `${base}/risk` },
    feeder: { path: `${base}/feeder` },
  };
}

/** What {@link orderPathChildren} builds the group from. Plain data. */
export interface OrderPathWiring {
  /** Path of the supervisor the children are spawned under (`/trading`, `/desk`). */
  readonly base: string;
  /** The node the group runs on now (the portfolio tells its risk actor by the ref it subscribes with). */
  readonly node: string;
  readonly portfolioId: string;
  readonly initialCash: number;
  readonly symbols: readonly string[];
  /** Risk limit overrides (see docs/risk.md). */
  readonly limits?: unknown;
  /** Name of the venue in the node's order-path services (`paper`, `ib`). */
  readonly venue: string;
  /** The broker's identity; its journal is `broker-<brokerId>`. */
  readonly brokerId: string;
  readonly riskId: string;
  /** Placement epoch, when the group belongs to a placed unit: every journaled child writes with it (fencing). */
  readonly epoch?: number;
}

/**
 * The order path as child specs, started in this order: portfolio, broker, risk, feeder. Every ref
 * between them is a path under `base` without a node, so the group means the same on whichever node it
 * runs, and moves (in a cluster) as a whole.
 */
export function orderPathChildren(w: OrderPathWiring): ChildSpec[] {
  const refs = orderPathRefs(w.base);
  const epoch = w.epoch === undefined ? {} : { epoch: w.epoch };
  // The risk actor subscribes to the portfolio as itself, i.e. with this node's name: the same ref here
  // means the portfolio tells it once per change, not once for the props and again for the subscription.
  const riskRef = { node: w.node, path: refs.risk.path };
  return [
    worker('portfolio', 'portfolio', { portfolioId: w.portfolioId, initialCash: w.initialCash, riskRef, ...epoch }),
    worker('broker', 'broker', { brokerId: w.brokerId, venue: w.venue, riskIds: [w.riskId], portfolioRef: refs.portfolio, ...epoch }),
    worker('risk', 'risk', {
      riskId: w.riskId, instruments: w.symbols.map(instrumentFor), broker: refs.broker, portfolios: { [w.portfolioId]: refs.portfolio },
      ...(w.limits === undefined ? {} : { limits: w.limits }), ...epoch,
    }),
    worker('feeder', OrderPathFeeder, { broker: refs.broker, portfolios: [refs.portfolio], risk: refs.risk }),
  ];
}

/** Where a synthetic feed starts: its seed, first bar time and, when resuming, the last stored closes. */
export interface SyntheticStart {
  readonly seed: number;
  readonly start: number;
  readonly initialPrices?: Readonly<Record<string, number>>;
}

/**
 * Daily synthetic bars start at today's date on `now` (the paper venue fills orders that arrived before a
 * bar's time), or the day after the bars a previous run stored, from their last closes, so charts, marks
 * and a moved market-data actor carry on where the last one stopped.
 */
export async function syntheticStart(bars: BarStore, symbols: readonly string[], now: number, seed = DEFAULT_SYNTHETIC_SEED): Promise<SyntheticStart> {
  let start = Math.floor(now / DAY_MS) * DAY_MS;
  const initialPrices: Record<string, number> = {};
  let resumed = 0;
  for (const s of symbols) {
    const last = await bars.latest(s, '1d');
    if (last === undefined) continue;
    start = Math.max(start, last.time + DAY_MS);
    initialPrices[s] = last.close;
    resumed++;
  }
  return { seed: seed + resumed * 7_919 + Math.floor(start / DAY_MS), start, ...(resumed > 0 ? { initialPrices } : {}) };
}
