// An in-process order path for the tests: RiskActor -> BrokerActor -> PaperVenue -> PortfolioActor over a
// real journal (SQLite by default, PostgreSQL on request), on a simulated clock, with a scripted strategy
// stand-in that records everything it is sent.
import type { ExecutionContext } from 'ava';
import { BrokerActor } from '../../actors/broker/broker-actor.js';
import { PaperVenue } from '../../actors/broker/paper-venue.js';
import type { PaperVenueOptions } from '../../actors/broker/paper-venue.js';
import { brokerGetOrders, brokerMarketBar } from '../../actors/broker/protocol.js';
import type { BrokerOrders, BrokerOrderUpdate, BrokerProtocol } from '../../actors/broker/protocol.js';
import { attachOrderPath } from '../../actors/broker/services.js';
import { VenueTimeoutError } from '../../actors/broker/errors.js';
import type {
  ExecutionCursor, ExecutionPage, SimulatedVenue, SubmitAck, Unsubscribe, Venue, VenueFill, VenueOpenOrder, VenueOrder, VenueReport, VenueStatus,
} from '../../actors/broker/venue.js';
import type { Quote } from '../../actors/domain/quote.js';
import type { Bar } from '../../actors/domain/bar.js';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import type { Instrument } from '../../actors/domain/instrument.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import { PortfolioActor } from '../../actors/portfolio/portfolio-actor.js';
import { portfolioGetSnapshot, portfolioMarkPrices } from '../../actors/portfolio/protocol.js';
import type { PortfolioProtocol, PortfolioSnapshotReply } from '../../actors/portfolio/protocol.js';
import type { PortfolioSnapshot } from '../../actors/portfolio/portfolio-state.js';
import { RiskActor } from '../../actors/risk/risk-actor.js';
import { riskCancelOrder, riskGetStatus, riskPriceUpdate, riskReturnsUpdate, riskSubmitOrder } from '../../actors/risk/protocol.js';
import type { RiskOrderDenied, RiskProtocol, RiskStatus } from '../../actors/risk/protocol.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import type { Persistence } from '../../persistence/index.js';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef, ActorSystem, Message, SimulatedClock } from '../../runtime/index.js';
import { postgresBackend, sqliteBackend } from '../persistence/backends.js';
import type { Backend } from '../persistence/backends.js';
import { testSystem } from '../helpers/system.js';

export const KEY = Buffer.alloc(32, 7);
export const OPERATOR_TOKEN = 'operator-credential-for-tests';
export const RISK_ID = 'risk-main';
export const PORTFOLIO_ID = 'p1';
/** Wednesday 2024-03-13 10:00 in New York. */
export const START = Date.UTC(2024, 2, 13, 14, 0, 0);
export const MINUTE = 60_000;

export const INSTRUMENTS: readonly Instrument[] = [
  { symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: true },
  { symbol: 'MSFT', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true },
  { symbol: 'LOT', tickSize: 0.05, lotSize: 100, currency: 'USD', tradable: true },
  { symbol: 'SUSP', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: false },
];

/** 30 alternating daily returns per symbol: enough history for the VaR check. */
export const RETURNS: Readonly<Record<string, readonly number[]>> = {
  AAPL: Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01)),
  MSFT: Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? -0.02 : 0.02)),
  LOT: Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0.01 : -0.005)),
  SUSP: Array.from({ length: 30 }, () => 0),
};

export const PRICES: Readonly<Record<string, number>> = { AAPL: 100, MSFT: 200, LOT: 10, SUSP: 50 };

/** What the strategy stand-in is told to do; everything else it receives is recorded. */
export type StandInMsg = { readonly type: 'standin.submit'; readonly order: OrderRequest } | { readonly type: 'standin.send'; readonly to: ActorRef; readonly message: Message };

/** A scripted strategy: sends orders to the risk actor as itself and records every reply. */
export class StrategyStandIn extends Actor<StandInMsg | Message, { readonly risk: ActorRef<RiskProtocol>; readonly inbox: Message[] }> {
  receive(msg: StandInMsg | Message, ctx: ActorContext<StandInMsg | Message>): void {
    if (msg.type === 'standin.submit') ctx.tell(this.props.risk, riskSubmitOrder((msg as Extract<StandInMsg, { type: 'standin.submit' }>).order));
    else if (msg.type === 'standin.send') {
      const { to, message } = msg as Extract<StandInMsg, { type: 'standin.send' }>;
      ctx.tell(to, message);
    } else this.props.inbox.push(msg);
  }
}

export interface HarnessOptions {
  readonly dispatch?: 'event-loop' | 'manual';
  readonly backend?: 'sqlite' | 'postgres';
  /** Partial risk limits; default: the defaults. */
  readonly limits?: Record<string, unknown>;
  readonly venue?: Partial<PaperVenueOptions>;
  /** Wraps the paper venue (fault injection). */
  readonly wrapVenue?: (venue: PaperVenue) => Venue;
  /** Without it, the harness sends prices and return histories for every instrument. */
  readonly noMarketData?: boolean;
  /** The node's operator credential; `null`: none configured. Default {@link OPERATOR_TOKEN}. */
  readonly operatorToken?: string | null;
  readonly portfolioProps?: Record<string, unknown>;
  readonly brokerProps?: Record<string, unknown>;
}

export interface Harness {
  readonly system: ActorSystem;
  readonly clock: SimulatedClock;
  readonly venue: PaperVenue;
  readonly store: Persistence;
  readonly risk: ActorRef<RiskProtocol>;
  readonly broker: ActorRef<BrokerProtocol>;
  readonly portfolio: ActorRef<PortfolioProtocol>;
  readonly strategy: ActorRef<StandInMsg | Message>;
  /** Everything the strategy received, in order. */
  readonly inbox: Message[];
  /** Runs the system until nothing is left to do. */
  settle(): Promise<void>;
  /** Sends an order through the strategy stand-in; returns its client order id. */
  submit(fields?: Partial<OrderRequest>): string;
  /** Feeds a bar (AAPL by default) to the venue at the given minute after START and settles. */
  bar(minute: number, open: number, fields?: Partial<Bar>): Promise<void>;
  portfolioSnapshot(): Promise<PortfolioSnapshot>;
  riskStatus(): Promise<RiskStatus>;
  orders(): Promise<BrokerOrders['orders']>;
  /** Messages of one type the strategy received. */
  received<M extends Message>(type: string): M[];
  /** `sqlite` or `postgres`. */
  readonly backendName: string;
}

let orderSeq = 0;

/** An order that passes every default check (10 AAPL at market). */
export function order(fields: Partial<OrderRequest> = {}): OrderRequest {
  orderSeq += 1;
  return {
    clientOrderId: `t1-${Date.now().toString(36)}-${orderSeq.toString(36)}`,
    portfolioId: PORTFOLIO_ID,
    strategyId: 's1',
    symbol: 'AAPL',
    side: 'buy',
    type: 'market',
    quantity: 10,
    tif: 'gtc',
    createdAt: START,
    ...fields,
  };
}

const backends = new Map<string, Backend>();
function backendFor(name: 'sqlite' | 'postgres'): Backend {
  let backend = backends.get(name);
  if (backend === undefined) {
    backend = name === 'sqlite' ? sqliteBackend() : postgresBackend();
    backends.set(name, backend);
  }
  return backend;
}

/** Removes the files and schemas every harness of this test file created (call from `test.after.always`). */
export async function cleanupBackends(): Promise<void> {
  for (const backend of backends.values()) await backend.cleanup();
  backends.clear();
}

/** Builds the order path; the system and the store are closed when the test ends. */
export async function orderPath(t: ExecutionContext, options: HarnessOptions = {}): Promise<Harness> {
  const backendName = options.backend ?? 'sqlite';
  const storage = await backendFor(backendName).createStorage();
  const store = await storage.open();
  const { system, clock } = testSystem({ dispatch: options.dispatch ?? 'event-loop' });
  clock.advanceTo(START);
  t.teardown(async () => {
    await system.shutdown();
    await store.close();
  });
  attachPersistence(system, { journal: store.journal, snapshots: store.snapshots });
  const registry = new InstrumentRegistry(INSTRUMENTS);
  const venue = new PaperVenue({ registry, clock, mode: 'backtest', ...options.venue });
  const wrapped = options.wrapVenue?.(venue) ?? venue;
  attachOrderPath(system, {
    riskKey: KEY,
    venues: new Map([[wrapped.name, wrapped]]),
    ...(options.operatorToken === null ? {} : { operatorToken: options.operatorToken ?? OPERATOR_TOKEN }),
  });
  const inbox: Message[] = [];
  const portfolio = system.spawn(PortfolioActor, 'portfolio', { portfolioId: PORTFOLIO_ID, initialCash: 100_000, ...options.portfolioProps });
  const broker = system.spawn(BrokerActor, 'broker', { brokerId: 'b1', venue: wrapped.name, riskIds: [RISK_ID], portfolioRef: portfolio, ...options.brokerProps });
  const risk = system.spawn(RiskActor, 'risk', { riskId: RISK_ID, instruments: INSTRUMENTS, broker, portfolios: { [PORTFOLIO_ID]: portfolio }, ...(options.limits === undefined ? {} : { limits: options.limits }) });
  const strategy = system.spawn(StrategyStandIn, 'strategy', { risk, inbox });
  const settle = () => system.settled();
  if (options.noMarketData !== true) {
    for (const { symbol } of INSTRUMENTS) {
      system.tell(risk, riskPriceUpdate(symbol, PRICES[symbol]!, START));
      system.tell(risk, riskReturnsUpdate(symbol, RETURNS[symbol]!));
    }
  }
  await settle();
  const ask = async <R>(ref: ActorRef<any>, message: Message): Promise<R> => {
    const reply = system.ask<R>(ref, message, 10_000);
    await settle();
    return reply;
  };
  return {
    system, clock, venue, store, risk, broker, portfolio, strategy, inbox, backendName,
    settle,
    submit(fields = {}) {
      const o = order(fields);
      system.tell(strategy, { type: 'standin.submit', order: o });
      return o.clientOrderId;
    },
    async bar(minute, open, fields = {}) {
      const b: Bar = { symbol: 'AAPL', interval: '1m', time: START + minute * MINUTE, open, high: open + 1, low: open - 1, close: open, volume: 1_000_000, ...fields };
      if (clock.now() < b.time) clock.advanceTo(b.time);
      system.tell(broker, brokerMarketBar(b));
      await settle();
    },
    async portfolioSnapshot() {
      return (await ask<PortfolioSnapshotReply>(portfolio, portfolioGetSnapshot())).snapshot;
    },
    riskStatus: () => ask<RiskStatus>(risk, riskGetStatus()),
    async orders() {
      return (await ask<BrokerOrders>(broker, brokerGetOrders())).orders;
    },
    received<M extends Message>(type: string): M[] {
      return inbox.filter((m) => m.type === type) as M[];
    },
  };
}

/** The portfolio's cash and positions recomputed from the venue's fill log, the ground truth. */
export function booksFromVenue(fills: readonly VenueFill[], initialCash = 100_000): { cash: number; positions: Record<string, number> } {
  let cash = initialCash;
  const positions: Record<string, number> = {};
  for (const f of fills) {
    const signed = f.side === 'buy' ? f.quantity : -f.quantity;
    cash -= signed * f.price + f.commission;
    positions[f.symbol] = (positions[f.symbol] ?? 0) + signed;
  }
  for (const s of Object.keys(positions)) if (positions[s] === 0) delete positions[s];
  return { cash, positions };
}

/** Asserts that the portfolio holds exactly the venue's fills: the same fill ids, cash and positions. */
export function assertPortfolioMatchesVenue(t: ExecutionContext, snapshot: PortfolioSnapshot, fills: readonly VenueFill[]): void {
  const expected = booksFromVenue(fills);
  const positions: Record<string, number> = {};
  for (const p of Object.values(snapshot.positions)) if (p.quantity !== 0) positions[p.symbol] = p.quantity;
  t.deepEqual([...snapshot.fillIds].sort(), fills.map((f) => f.fillId).sort(), 'the portfolio holds every venue fill once');
  t.deepEqual(positions, expected.positions, 'positions equal the venue fill log');
  t.true(Math.abs(snapshot.cash - expected.cash) < 1e-6, `cash ${snapshot.cash} equals ${expected.cash} from the venue fill log`);
  let marked = 0;
  for (const p of Object.values(snapshot.positions)) marked += p.quantity * (snapshot.marks[p.symbol]?.price ?? 0);
  t.true(Math.abs(snapshot.equity - (snapshot.cash + marked)) < 1e-6, 'equity = cash + sum(quantity x mark)');
}

/**
 * A paper venue with faults on request, and a record of what reached it: `failNextSubmit` throws once
 * (before or after the order reaches the venue), `timeoutNextSubmit` answers VenueTimeoutError once
 * (the order reaching the venue or not), `failNextBar` throws once after the bar's fills are reported.
 */
export class FaultyVenue implements SimulatedVenue {
  readonly name: string;
  /** Every submit's client order id and the venue's answer (`sent` = a new venue order). */
  readonly submits: Array<{ clientOrderId: string; outcome: string }> = [];
  failNextSubmit: 'before' | 'after' | undefined;
  timeoutNextSubmit: 'placed' | 'lost' | undefined;
  failNextBar = false;

  constructor(readonly inner: PaperVenue) {
    this.name = inner.name;
  }

  get status(): VenueStatus {
    return this.inner.status;
  }

  /** How many venue orders exist for a client order id (must never exceed 1). */
  venueOrders(clientOrderId: string): number {
    return this.submits.filter((s) => s.clientOrderId === clientOrderId && s.outcome === 'sent').length;
  }

  /** Faults throw synchronously, inside the broker's handler, as a crashing adapter would. */
  submit(order: VenueOrder): Promise<SubmitAck> {
    const fault = this.failNextSubmit;
    this.failNextSubmit = undefined;
    if (fault === 'before') throw new Error('injected fault before the venue got the order');
    const timeout = this.timeoutNextSubmit;
    this.timeoutNextSubmit = undefined;
    if (timeout === 'lost') return Promise.reject(new VenueTimeoutError(this.name, 'submit', 5_000));
    const ack = this.inner.submit(order);
    void ack.then((a) => this.submits.push({ clientOrderId: order.clientOrderId, outcome: a.outcome }));
    if (fault === 'after') throw new Error('injected fault after the venue got the order');
    if (timeout === 'placed') return Promise.reject(new VenueTimeoutError(this.name, 'submit', 5_000));
    return ack;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  cancel(clientOrderId: string): Promise<void> {
    return this.inner.cancel(clientOrderId);
  }
  openOrders(): Promise<readonly VenueOpenOrder[]> {
    return this.inner.openOrders();
  }
  executionsSince(cursor: ExecutionCursor): Promise<ExecutionPage> {
    return this.inner.executionsSince(cursor);
  }
  onReport(listener: (report: VenueReport) => void): Unsubscribe {
    return this.inner.onReport(listener);
  }
  onStatus(listener: (status: VenueStatus) => void): Unsubscribe {
    return this.inner.onStatus(listener);
  }
  onBar(bar: Bar): void {
    this.inner.onBar(bar);
    if (this.failNextBar) {
      this.failNextBar = false;
      throw new Error('injected fault after the venue reported the bar');
    }
  }
  onQuote(quote: Quote): void {
    this.inner.onQuote(quote);
  }
  expireDayOrders(): void {
    this.inner.expireDayOrders();
  }
}

/** The events journaled under a persistence id, in order. */
export async function journaled<E = Record<string, unknown>>(store: Persistence, persistenceId: string): Promise<E[]> {
  const out: E[] = [];
  for await (const entry of store.journal.read(persistenceId)) out.push(entry.event as E);
  return out;
}

/** The last update the strategy got for each order. */
export function lastStatus(h: Harness): Record<string, string> {
  const out: Record<string, string> = {};
  for (const u of h.received<BrokerOrderUpdate>('broker.orderUpdate')) out[u.order.clientOrderId] = u.order.status;
  return out;
}

/**
 * A scripted strategy: a market buy, a resting limit buy, a limit sell that is canceled, a stop that
 * triggers, and an order the risk actor denies; bars move the paper venue between the steps.
 */
export async function scriptedStrategy(t: ExecutionContext, h: Harness): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  ids.market = h.submit({ side: 'buy', quantity: 10 });
  ids.limit = h.submit({ symbol: 'MSFT', side: 'buy', type: 'limit', limitPrice: 199, quantity: 5 });
  ids.denied = h.submit({ quantity: 600 }); // 60,000 notional: over the 50,000 per-order maximum
  await h.settle();
  await h.bar(1, 101); // the market buy fills at this open
  await h.bar(1, 200, { symbol: 'MSFT', high: 201, low: 198 }); // the limit buy fills at 199
  ids.resting = h.submit({ side: 'sell', type: 'limit', limitPrice: 105, quantity: 4 });
  ids.stop = h.submit({ side: 'sell', type: 'stop', stopPrice: 95, quantity: 3 });
  await h.settle();
  await h.bar(2, 100, { low: 94, high: 101 }); // the stop triggers at 95; the limit sell at 105 does not fill
  h.system.tell(h.strategy, { type: 'standin.send', to: h.risk, message: riskCancelOrder(PORTFOLIO_ID, ids.resting, 's1') });
  await h.settle();
  h.system.tell(h.portfolio, portfolioMarkPrices({ AAPL: 99.5, MSFT: 201 }, START + 3 * MINUTE));
  await h.settle();
  t.deepEqual(h.received<RiskOrderDenied>('risk.orderDenied').map((d) => [d.order.clientOrderId, d.denial.code]), [[ids.denied, 'NOTIONAL_EXCEEDS_MAX_PER_ORDER']]);
  return ids;
}

