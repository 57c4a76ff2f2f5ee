/**
 * The order path in one process: pre-trade check latency, order round trip and sustained orders/s.
 *   node --import=tsx bench/order-path.ts [--json] [--quick]   (or: npm run bench -- order-path)
 *
 * - Pre-trade checks: `runRiskChecks` per order (all 19 checks, VaR included), p50/p99; baseline: the same
 *   loop with no checks. Approval: `RiskEngine.evaluate` (the checks, bookkeeping and the signed token, its signature read);
 *   baseline: the same engine with no checks.
 * - Round trip: a strategy actor sends `risk.submitOrder`; RiskActor -> BrokerActor (verify, journal
 *   write-ahead on SQLite, venue submit) -> PaperVenue (live mode, acknowledges at once) -> the
 *   `broker.orderUpdate` accepted back at the strategy; one order at a time, p50/p99. Baseline: the same
 *   strategy and venue with a pass-through broker actor (no risk, no token, no journal).
 * - Sustained: N orders with at most WINDOW (1,000) unacknowledged at any time, a new one sent as each is
 *   acknowledged, orders/s until the last is acknowledged, for both paths. (Until November 2026 all N were sent
 *   at once, which measured 100,000 open orders' worth of mailbox and OMS growth more than the flow.)
 * Market orders fill against the quote at once, so fills, the portfolio and the risk updates run too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { BrokerActor } from '../actors/broker/broker-actor.js';
import { PaperVenue } from '../actors/broker/paper-venue.js';
import { brokerMarketQuote } from '../actors/broker/protocol.js';
import type { BrokerOrderUpdate } from '../actors/broker/protocol.js';
import { attachOrderPath } from '../actors/broker/services.js';
import type { VenueReport } from '../actors/broker/venue.js';
import { venueOrderOf } from '../actors/broker/venue.js';
import { InstrumentRegistry } from '../actors/domain/instrument.js';
import type { Instrument } from '../actors/domain/instrument.js';
import type { OrderRequest } from '../actors/domain/order.js';
import { PortfolioActor } from '../actors/portfolio/portfolio-actor.js';
import { RISK_CHECKS, runRiskChecks } from '../actors/risk/checks.js';
import type { NamedRiskCheck } from '../actors/risk/checks.js';
import type { RiskContext } from '../actors/risk/context.js';
import { EMPTY_DAY_TRADE_LEDGER } from '../actors/risk/day-trades.js';
import { RiskEngine } from '../actors/risk/engine.js';
import { DEFAULT_RISK_LIMITS } from '../actors/risk/limits.js';
import { EMPTY_RATE_LIMIT_STATE } from '../actors/risk/rate-limit.js';
import type { RiskLimits } from '../actors/risk/limits.js';
import { riskPriceUpdate, riskReturnsUpdate } from '../actors/risk/protocol.js';
import { RiskActor } from '../actors/risk/risk-actor.js';
import { attachPersistence } from '../persistence/persistent-actor.js';
import { openPersistence } from '../persistence/index.js';
import { Actor, ActorSystem } from '../runtime/index.js';
import type { ActorContext, ActorRef, Message } from '../runtime/index.js';
import { median, now, percentile, perSecond, progress, report, round } from './_harness.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const CHECKS_N = quick ? 5_000 : 20_000;
const ROUND_TRIPS = quick ? 1_000 : 5_000;
const SUSTAINED = quick ? 20_000 : 100_000;
/** Orders in flight (sent, not yet acknowledged) during the sustained run: a client's window, not one burst of every order. */
const WINDOW = 1_000;
const WARM_UP = 2_000;

const KEY = Buffer.alloc(32, 3);
const INSTRUMENTS: readonly Instrument[] = [
  { symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: true },
  { symbol: 'MSFT', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: true },
  { symbol: 'NVDA', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true, shortable: true },
];
const REGISTRY = new InstrumentRegistry(INSTRUMENTS);
const PRICES: Record<string, number> = { AAPL: 190, MSFT: 410, NVDA: 880 };
/** 250 trading days of returns per symbol (a seeded walk): the VaR check's history. */
const RETURNS: Record<string, number[]> = Object.fromEntries(
  INSTRUMENTS.map(({ symbol }, k) => [symbol, Array.from({ length: 250 }, (_, i) => Math.sin(i * (0.7 + k * 0.13)) * 0.02)]),
);
/**
 * Default limits, with the rate and open-order limits lifted so that a benchmark's burst is not denied,
 * and shorts allowed: orders in flight alternate buys and sells of one share before their fills reach the
 * risk actor's view.
 */
const LIMITS: RiskLimits = {
  ...DEFAULT_RISK_LIMITS,
  allowShort: true,
  maxOrdersPerStrategyPerWindow: 1_000_000_000,
  maxOrdersPerPortfolioPerWindow: 1_000_000_000,
  maxOpenOrders: 1_000_000_000,
  approvalTtlMs: 60_000,
};

let idSeq = 0;
function order(i: number, createdAt: number): OrderRequest {
  return {
    clientOrderId: `bench-${(++idSeq).toString(36)}`,
    portfolioId: 'p1',
    strategyId: 's1',
    symbol: INSTRUMENTS[i % INSTRUMENTS.length]!.symbol,
    side: Math.floor(i / INSTRUMENTS.length) % 2 === 0 ? 'buy' : 'sell',
    type: 'market',
    quantity: 1,
    tif: 'day',
    createdAt,
  };
}

// ---------- pre-trade checks ----------

/** A book with three positions, priced, with a year of returns: every check (VaR included) has work. */
function engineWith(checks: 'all' | 'none'): RiskEngine {
  const engine = new RiskEngine({ riskId: 'risk', key: KEY, registry: REGISTRY, limits: LIMITS, ...(checks === 'all' ? {} : { checks: [] }) });
  engine.updatePortfolio({ portfolioId: 'p1', cash: 80_000, equity: 100_000, positions: { AAPL: 50, MSFT: 20, NVDA: 1 }, marks: PRICES, startOfDayEquity: 100_000, peakEquity: 100_000 }, 0);
  for (const [s, p] of Object.entries(PRICES)) engine.updatePrice(s, p);
  for (const [s, r] of Object.entries(RETURNS)) engine.updateReturns(s, r);
  return engine;
}

const CHECK_CONTEXT: RiskContext = {
  now: Date.UTC(2024, 2, 13, 15),
  limits: LIMITS,
  registry: REGISTRY,
  tradingState: 'ACTIVE',
  portfolio: { portfolioId: 'p1', cash: 80_000, equity: 100_000, positions: { AAPL: 50, MSFT: 20, NVDA: 1 }, marks: PRICES, startOfDayEquity: 100_000, peakEquity: 100_000 },
  lastPrices: PRICES,
  openOrders: 0,
  rate: EMPTY_RATE_LIMIT_STATE,
  dayTrades: EMPTY_DAY_TRADE_LEDGER,
  returns: RETURNS,
};

/** Microseconds per order of `runRiskChecks` with every check (or none: the loop's own cost). */
function checkLatencies(checks: readonly NamedRiskCheck[]): number[] {
  const out: number[] = [];
  const t = CHECK_CONTEXT.now;
  for (let i = 0; i < CHECKS_N * 1.2; i++) {
    const o = order(i, t);
    const ctx = { ...CHECK_CONTEXT, now: t + i };
    const t0 = now();
    const denial = runRiskChecks(o, ctx, checks);
    const us = (now() - t0) * 1_000;
    if (denial !== undefined) throw new Error(`benchmark order denied: ${denial.message}`);
    if (i >= CHECKS_N * 0.2) out.push(us);
  }
  return out.sort((a, b) => a - b);
}

/** Microseconds per order of `RiskEngine.evaluate`: the checks, the bookkeeping and the signed approval, its signature read. */
function approvalLatencies(engine: RiskEngine): number[] {
  const out: number[] = [];
  const t = CHECK_CONTEXT.now;
  for (let i = 0; i < CHECKS_N * 1.2; i++) {
    const o = order(i, t);
    const t0 = now();
    const decision = engine.evaluate(o, t + i);
    // The token's signature is computed on first read: read it, as a durable journal or another process does.
    if ('approved' in decision) void decision.approved.approval.signature;
    const us = (now() - t0) * 1_000;
    if (!('approved' in decision)) throw new Error(`benchmark order denied: ${decision.denied.message}`);
    engine.orderClosed('p1', o.clientOrderId);
    if (i >= CHECKS_N * 0.2) out.push(us);
  }
  return out.sort((a, b) => a - b);
}

// ---------- the actor path ----------

type StrategyMsg = { type: 'bench.go'; orders: OrderRequest[]; window: number } | BrokerOrderUpdate | Message;

/** Sends orders, at most `window` unacknowledged at a time (1: one at a time), and notes when each is acknowledged by the venue. */
class BenchStrategy extends Actor<StrategyMsg, { target: ActorRef; wrap: (o: OrderRequest) => Message; done: (latencies: number[]) => void }> {
  #orders: OrderRequest[] = [];
  #next = 0;
  #sentAt = new Map<string, number>();
  #latencies: number[] = [];

  receive(msg: StrategyMsg, ctx: ActorContext<StrategyMsg>): void {
    if (msg.type === 'bench.go') {
      const go = msg as Extract<StrategyMsg, { type: 'bench.go' }>;
      this.#orders = go.orders;
      this.#next = 0;
      this.#latencies = [];
      // The first window now; then one more as each is acknowledged, so at most `window` are in flight.
      while (this.#next < Math.min(go.window, this.#orders.length)) this.#send(ctx);
      return;
    }
    if (msg.type !== 'broker.orderUpdate') return;
    const update = msg as BrokerOrderUpdate;
    if (update.order.status !== 'accepted' && update.order.status !== 'filled') return;
    const sent = this.#sentAt.get(update.order.clientOrderId);
    if (sent === undefined) return;
    this.#sentAt.delete(update.order.clientOrderId);
    this.#latencies.push((now() - sent) * 1_000);
    if (this.#latencies.length === this.#orders.length) this.props.done(this.#latencies);
    else if (this.#next < this.#orders.length) this.#send(ctx);
  }

  #send(ctx: ActorContext<StrategyMsg>): void {
    const o = this.#orders[this.#next++]!;
    this.#sentAt.set(o.clientOrderId, now());
    ctx.tell(this.props.target, this.props.wrap(o));
  }
}

type DirectMsg = { type: 'direct.submit'; order: OrderRequest } | { type: 'direct.report'; report: VenueReport };

/** The baseline broker: straight to the venue, reports back to the strategy. No risk, no token, no journal. */
class DirectBroker extends Actor<DirectMsg, { venue: PaperVenue }> {
  #replyTo = new Map<string, ActorRef>();
  override started(ctx: ActorContext<DirectMsg>): void {
    this.props.venue.onReport((report) => ctx.system.tell(ctx.self, { type: 'direct.report', report }));
  }
  receive(msg: DirectMsg, ctx: ActorContext<DirectMsg>): void {
    if (msg.type === 'direct.submit') {
      if (ctx.sender !== undefined) this.#replyTo.set(msg.order.clientOrderId, ctx.sender);
      void this.props.venue.submit(venueOrderOf(msg.order));
      return;
    }
    const replyTo = this.#replyTo.get(msg.report.clientOrderId);
    if (replyTo !== undefined && msg.report.kind === 'accepted') {
      ctx.tell(replyTo, { type: 'broker.orderUpdate', order: { clientOrderId: msg.report.clientOrderId, status: 'accepted' }, time: 0 } as unknown as BrokerOrderUpdate);
      this.#replyTo.delete(msg.report.clientOrderId);
    }
  }
}

function venue(): PaperVenue {
  const v = new PaperVenue({ registry: REGISTRY, clock: { now: () => Date.now(), setTimer: () => ({ cancel() {} }) }, mode: 'live', commission: { kind: 'none' } });
  for (const [symbol, price] of Object.entries(PRICES)) v.onQuote({ symbol, time: Date.now(), bid: price - 0.01, ask: price + 0.01 });
  return v;
}

function newSystem(): ActorSystem {
  const system = ActorSystem.create({ logger: pino({ level: 'silent' }) });
  system.events.subscribe(['deadLetter', 'broker.securityEvent', 'risk.orderDenied', 'supervisor.failed'], (e) => {
    console.error(`unexpected event in benchmark: ${JSON.stringify(e).slice(0, 500)}`);
    process.exit(1);
  });
  return system;
}

interface PathRun {
  system: ActorSystem;
  run(orders: OrderRequest[], window: number): Promise<number[]>;
  close(): Promise<void>;
}

async function orderPath(dir: string, n: number): Promise<PathRun> {
  const store = await openPersistence({ kind: 'sqlite', path: join(dir, `order-path-${n}.db`) });
  const system = newSystem();
  attachPersistence(system, { journal: store.journal, snapshots: store.snapshots });
  const v = venue();
  attachOrderPath(system, { riskKey: KEY, venues: new Map([['paper', v]]) });
  const portfolio = system.spawn(PortfolioActor, 'portfolio', { portfolioId: 'p1', initialCash: 1_000_000 });
  const broker = system.spawn(BrokerActor, 'broker', { brokerId: `b${n}`, venue: 'paper', riskIds: ['risk'], portfolioRef: portfolio });
  const risk = system.spawn(RiskActor, 'risk', { riskId: 'risk', instruments: INSTRUMENTS, broker, portfolios: { p1: portfolio }, limits: LIMITS });
  for (const [s, p] of Object.entries(PRICES)) system.tell(risk, riskPriceUpdate(s, p, Date.now()));
  for (const [s, r] of Object.entries(RETURNS)) system.tell(risk, riskReturnsUpdate(s, r));
  for (const [symbol, price] of Object.entries(PRICES)) system.tell(broker, brokerMarketQuote({ symbol, time: Date.now(), bid: price - 0.01, ask: price + 0.01 }));
  await system.settled();
  return {
    system,
    run: (orders, window) => drive(system, risk, (o) => ({ type: 'risk.submitOrder', order: o }), orders, window),
    close: async () => {
      await system.shutdown();
      await store.close();
    },
  };
}

async function directPath(): Promise<PathRun> {
  const system = newSystem();
  const broker = system.spawn(DirectBroker, 'direct', { venue: venue() });
  await system.settled();
  return {
    system,
    run: (orders, window) => drive(system, broker, (o) => ({ type: 'direct.submit', order: o }), orders, window),
    close: () => system.shutdown(),
  };
}

let strategySeq = 0;
async function drive(system: ActorSystem, target: ActorRef, wrap: (o: OrderRequest) => Message, orders: OrderRequest[], window: number): Promise<number[]> {
  let done!: (latencies: number[]) => void;
  const finished = new Promise<number[]>((resolve) => (done = resolve));
  const strategy = system.spawn(BenchStrategy, `strategy-${++strategySeq}`, { target, wrap, done });
  system.tell(strategy, { type: 'bench.go', orders, window });
  const latencies = await finished;
  await system.stop(strategy);
  return latencies;
}

const orders = (n: number): OrderRequest[] => Array.from({ length: n }, (_, i) => order(i, Date.now()));

// ---------- run ----------

progress(`pre-trade checks and approvals: ${CHECKS_N.toLocaleString()} orders each, median of ${RUNS} runs`);
const gc = (globalThis as { gc?: () => void }).gc;
const checkRuns = Array.from({ length: RUNS + 1 }, () => {
  gc?.();
  const runs = [checkLatencies(RISK_CHECKS), checkLatencies([]), approvalLatencies(engineWith('all')), approvalLatencies(engineWith('none'))] as const;
  return runs;
}).slice(1);
const pq = (i: 0 | 1 | 2 | 3, q: number): number => median(checkRuns.map((r) => percentile(r[i], q)));

const dir = mkdtempSync(join(tmpdir(), 'bifrost-bench-order-path-'));
let pathSeq = 0;
const rt: { ours: number[][]; base: number[][]; oursRate: number[]; baseRate: number[] } = { ours: [], base: [], oursRate: [], baseRate: [] };
try {
  for (let r = 0; r < RUNS + 1; r++) {
    progress(`run ${r + 1}/${RUNS + 1}: ${ROUND_TRIPS.toLocaleString()} round trips, ${SUSTAINED.toLocaleString()} orders sustained, each path`);
    const ours = await orderPath(dir, ++pathSeq);
    const base = await directPath();
    await ours.run(orders(WARM_UP), 1); // warm-up
    await base.run(orders(WARM_UP), 1);
    await ours.run(orders(WARM_UP), WINDOW);
    await base.run(orders(WARM_UP), WINDOW);
    const oursRt = (await ours.run(orders(ROUND_TRIPS), 1)).sort((a, b) => a - b);
    const baseRt = (await base.run(orders(ROUND_TRIPS), 1)).sort((a, b) => a - b);
    let t0 = now();
    await ours.run(orders(SUSTAINED), WINDOW);
    const oursRate = perSecond(SUSTAINED, now() - t0);
    t0 = now();
    await base.run(orders(SUSTAINED), WINDOW);
    const baseRate = perSecond(SUSTAINED, now() - t0);
    await ours.close();
    await base.close();
    if (r === 0) continue;
    rt.ours.push(oursRt);
    rt.base.push(baseRt);
    rt.oursRate.push(oursRate);
    rt.baseRate.push(baseRate);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const p = (runs: number[][], q: number): number => median(runs.map((s) => percentile(s, q)));
const metrics = {
  pretrade_check_p50_us: round(pq(0, 50), 2),
  pretrade_check_p99_us: round(pq(0, 99), 2),
  approval_p50_us: round(pq(2, 50), 2),
  approval_p99_us: round(pq(2, 99), 2),
  round_trip_p50_us: round(p(rt.ours, 50), 1),
  round_trip_p99_us: round(p(rt.ours, 99), 1),
  orders_per_s_sustained: Math.round(median(rt.oursRate)),
};
const baseline = {
  pretrade_check_p50_us: round(pq(1, 50), 2),
  pretrade_check_p99_us: round(pq(1, 99), 2),
  approval_p50_us: round(pq(3, 50), 2),
  approval_p99_us: round(pq(3, 99), 2),
  round_trip_p50_us: round(p(rt.base, 50), 1),
  round_trip_p99_us: round(p(rt.base, 99), 1),
  orders_per_s_sustained: Math.round(median(rt.baseRate)),
};
const ratio = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v / baseline[k as keyof typeof baseline]]));
report({
  bench: 'order-path',
  metrics,
  baseline,
  ratio,
  notes: {
    targets: 'pre-trade checks <= 20 us p99; round trip <= 200 us p99; >= 50,000 orders/s sustained',
    pretrade: 'pretrade_check: runRiskChecks with all 19 checks (VaR on 250 days of 3 symbols) per order; approval: RiskEngine.evaluate, the checks plus rate/open-order bookkeeping and the HMAC-signed token (its signature read, as a durable journal or another process reads it)',
    baseline: 'pretrade_check: the same loop with no checks; approval: the same engine with no checks (bookkeeping + signing); round trip and sustained: a pass-through broker actor straight to the same paper venue (no risk actor, no token, no journal)',
    journal: 'SQLite (WAL, synchronous NORMAL) in a temporary directory; every order is journaled by risk, broker and portfolio',
    sustained: `orders_per_s_sustained: ${SUSTAINED.toLocaleString('en-US')} orders, at most ${WINDOW.toLocaleString('en-US')} unacknowledged at a time; round trips: one at a time; each path warmed up first with ${WARM_UP.toLocaleString('en-US')} orders each way`,
    ratio: 'ours / baseline: lower is better for latencies, higher for orders/s',
  },
});
