import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ActorSystem } from '../../runtime/system.js';
import type { Clock } from '../../runtime/clock.js';
import type { ActorRef } from '../../runtime/ref.js';
import { createLogger } from '../../runtime/logger.js';
import { oneForOne } from '../../supervision/strategy.js';
import { spawnSpec, supervisor, worker } from '../../supervision/spec.js';
import { openPersistence } from '../../persistence/open-persistence.js';
import type { Persistence } from '../../persistence/open-persistence.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import { PaperVenue } from '../../actors/broker/paper-venue.js';
import { registerOrderPathKinds } from '../../actors/broker/kinds.js';
import { attachOrderPath, orderPathServicesFromEnv } from '../../actors/broker/services.js';
import type { BrokerProtocol } from '../../actors/broker/protocol.js';
import type { PortfolioProtocol } from '../../actors/portfolio/protocol.js';
import type { RiskProtocol } from '../../actors/risk/protocol.js';
import { MarketDataActor } from '../../actors/market/market-data-actor.js';
import type { MarketDataProtocol, MarketDataReply } from '../../actors/market/protocol.js';
import { BAR_STORE, HISTORY_SOURCE } from '../../actors/market/services.js';
import { registerStrategyKinds, strategyClass } from '../../actors/strategy/registry.js';
import type { StrategyProtocol } from '../../actors/strategy/protocol.js';
import { registerOptimizerKind, OptimizerActor } from '../../actors/optimizer/optimizer-actor.js';
import type { OptimizerProtocol } from '../../actors/optimizer/protocol.js';
import type { GatewayTargets } from '../../actors/gateway/config.js';
import { DEFAULT_INITIAL_CASH, DEFAULT_PORTFOLIO_ID, DEFAULT_RISK_ID, DEFAULT_SYNTHETIC_SEED, instrumentFor, orderPathChildren, orderPathRefs, orderPathStrategy, syntheticStart } from '../shared/wiring.js';

export { DEFAULT_INITIAL_CASH, DEFAULT_PORTFOLIO_ID, DEFAULT_SYNTHETIC_SEED };
export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_UNIVERSE = ['AAPL', 'MSFT', 'NVDA', 'GOOG', 'TSLA'] as const;
/** One synthetic daily bar per symbol every this many milliseconds of clock time. */
export const DEFAULT_SYNTHETIC_EVERY_MS = 1_000;

export type FeedOptions =
  | { readonly kind: 'synthetic'; readonly seed?: number; readonly everyMs?: number }
  | { readonly kind: 'csv'; readonly dir: string; readonly barsPerSecond?: number }
  | { readonly kind: 'yahoo'; readonly days?: number; readonly barsPerSecond?: number };

export interface StrategyPlacement {
  readonly id: string;
  readonly kind: string;
  readonly symbols: readonly string[];
  readonly params?: unknown;
}

export interface EmbeddedHostOptions {
  /** Where the SQLite database lives. Default {@link DEFAULT_DATA_DIR}. */
  readonly dataDir?: string;
  readonly node?: string;
  readonly symbols?: readonly string[];
  /** Default: synthetic. */
  readonly feed?: FeedOptions;
  /** Default: the built-ins on the universe. */
  readonly strategies?: readonly StrategyPlacement[];
  readonly initialCash?: number;
  readonly limits?: unknown;
  /** Environment for BIFROST_RISK_KEY and BIFROST_OPERATOR_TOKEN. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** The actors of an embedded node that the gateway and the inspector talk to. */
export type EmbeddedRefs = GatewayTargets;

/** A running embedded node: every role in one process. */
export interface EmbeddedHost {
  readonly system: ActorSystem;
  readonly persistence: Persistence;
  readonly refs: EmbeddedRefs;
  readonly portfolioId: string;
  readonly symbols: readonly string[];
  /** What the bars are: `synthetic` is always said so in the log and the UI. */
  readonly feed: 'synthetic' | 'csv' | 'yahoo';
  readonly strategies: readonly StrategyPlacement[];
  /** Things the operator should know (a generated risk key, operator commands disabled). */
  readonly notices: readonly string[];
  stop(): Promise<void>;
}

function defaultStrategies(symbols: readonly string[]): StrategyPlacement[] {
  const half = Math.max(1, Math.ceil(symbols.length / 2));
  return [
    { id: 'sma-cross-1', kind: 'sma-cross', symbols: [...symbols], params: { fast: 10, slow: 30, notional: 10_000 } },
    { id: 'rsi-reversion-1', kind: 'rsi-reversion', symbols: symbols.slice(0, half), params: { period: 14, notional: 5_000 } },
    { id: 'bollinger-atr-1', kind: 'bollinger-atr', symbols: symbols.slice(half), params: { period: 20, notional: 5_000 } },
  ];
}

async function ask<R>(system: ActorSystem, ref: ActorRef<any>, message: { type: string } & Record<string, unknown>, timeoutMs = 60_000): Promise<R> {
  return system.ask<R>(ref, message, timeoutMs);
}

/**
 * Starts every role in one process: SQLite persistence under `dataDir`, market data (synthetic, CSV
 * replay or yahoo-finance2), the order path (risk, broker with the paper venue, portfolio), strategies
 * and the optimizer, under supervision trees. The caller adds the gateway and the inspector.
 */
export async function startEmbeddedHost(options: EmbeddedHostOptions = {}): Promise<EmbeddedHost> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const log = options.logger ?? createLogger({ name: 'bifrost' });
  const persistence = await openPersistence({ kind: 'sqlite', path: join(dataDir, 'bifrost.db') });
  const system = ActorSystem.create({ node: options.node ?? 'embedded', logger: log, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const notices: string[] = [];
  try {
    attachPersistence(system, { journal: persistence.journal, snapshots: persistence.snapshots });
    system.services.provide(BAR_STORE, persistence.bars);
    registerOrderPathKinds(system.kinds);
    registerStrategyKinds(system.kinds);
    registerOptimizerKind(system.kinds);

    const symbols = [...(options.symbols ?? DEFAULT_UNIVERSE)];
    const registry = new InstrumentRegistry(symbols.map(instrumentFor));
    // Bars are the feed, so the paper venue fills a market order at the next bar's open, as in a backtest.
    const venue = new PaperVenue({ name: 'paper', registry, clock: system.clock, mode: 'backtest' });
    const { services, notice } = orderPathServicesFromEnv(options.env ?? process.env, new Map([['paper', venue]]));
    if (notice !== undefined) notices.push(notice);
    attachOrderPath(system, services);

    const portfolioId = DEFAULT_PORTFOLIO_ID;
    const orderPath = orderPathRefs('/trading');
    const refs = {
      marketData: { path: '/market' } as ActorRef<MarketDataProtocol>,
      portfolio: orderPath.portfolio as ActorRef<PortfolioProtocol>,
      broker: orderPath.broker as ActorRef<BrokerProtocol>,
      risk: orderPath.risk as ActorRef<RiskProtocol>,
      optimizer: { path: '/optimizer' } as ActorRef<OptimizerProtocol>,
    };
    const placements = options.strategies ?? defaultStrategies(symbols);
    for (const p of placements) strategyClass(p.kind).params.parse(p.params); // fail fast, naming the field

    system.spawn(MarketDataActor, 'market', { symbols }, { restart: 'permanent' });
    spawnSpec(
      system,
      supervisor(
        'trading',
        orderPathStrategy(),
        orderPathChildren({
          base: '/trading', node: system.node, portfolioId, initialCash: options.initialCash ?? DEFAULT_INITIAL_CASH, symbols,
          venue: 'paper', brokerId: 'paper', riskId: DEFAULT_RISK_ID, ...(options.limits === undefined ? {} : { limits: options.limits }),
        }),
      ),
    );
    const strategies: Record<string, ActorRef<StrategyProtocol>> = {};
    spawnSpec(
      system,
      supervisor(
        'strategies',
        oneForOne({ maxRestarts: 20, withinMs: 60_000 }),
        placements.map((p) => worker(p.id, `strategy.${p.kind}`, { strategyId: p.id, portfolioId, symbols: p.symbols, params: p.params, risk: refs.risk })),
      ),
    );
    for (const p of placements) strategies[p.id] = { path: `/strategies/${p.id}` } as ActorRef<StrategyProtocol>;
    system.spawn(OptimizerActor, 'optimizer', undefined, { kind: 'optimizer' });
    await system.settled();

    const subscribe = (symbol: string, subscriber: ActorRef<any>): void => system.tell(refs.marketData, { type: 'marketData.subscribe', symbol, subscriber });
    for (const s of symbols) subscribe(s, orderPath.feeder);
    for (const p of placements) for (const s of p.symbols) subscribe(s, strategies[p.id]!);

    const feed = await startFeed(system, refs.marketData, persistence, symbols, options.feed ?? { kind: 'synthetic' }, log);
    return {
      system,
      persistence,
      refs: { ...refs, strategies },
      portfolioId,
      symbols,
      feed,
      strategies: placements,
      notices,
      async stop() {
        system.tell(refs.marketData, { type: 'marketData.stop' });
        await system.shutdown();
        await persistence.close();
      },
    };
  } catch (error) {
    await system.shutdown().catch(() => undefined);
    await persistence.close().catch(() => undefined);
    throw error;
  }
}

async function startFeed(
  system: ActorSystem,
  marketData: ActorRef<MarketDataProtocol>,
  persistence: Persistence,
  symbols: readonly string[],
  feed: FeedOptions,
  log: Logger,
): Promise<'synthetic' | 'csv' | 'yahoo'> {
  const fail = (reply: MarketDataReply): void => {
    if (reply.type === 'marketData.failed') throw new Error(`market data: ${reply.code}: ${reply.message}`);
  };
  if (feed.kind === 'csv') {
    for (const s of symbols) fail(await ask<MarketDataReply>(system, marketData, { type: 'marketData.importCsv', path: join(feed.dir, `${s}.csv`), symbol: s }));
    fail(await ask<MarketDataReply>(system, marketData, { type: 'marketData.replay', interval: '1d', from: 0, to: Number.MAX_SAFE_INTEGER, speed: feed.barsPerSecond ?? 5 }));
    log.info({ dir: feed.dir, symbols }, 'replaying CSV bars');
    return 'csv';
  }
  if (feed.kind === 'yahoo' && system.services.has(HISTORY_SOURCE)) {
    const to = system.clock.now();
    const from = to - (feed.days ?? 365) * 86_400_000;
    const replies = await Promise.all(symbols.map((s) => ask<MarketDataReply>(system, marketData, { type: 'marketData.load', symbol: s, interval: '1d', from, to })));
    const failed = replies.find((r) => r.type === 'marketData.failed');
    if (failed === undefined) {
      fail(await ask<MarketDataReply>(system, marketData, { type: 'marketData.replay', interval: '1d', from, to, speed: feed.barsPerSecond ?? 5 }));
      log.info({ symbols }, 'replaying yahoo-finance2 history');
      return 'yahoo';
    }
    log.warn({ reason: failed.type === 'marketData.failed' ? failed.message : '' }, 'yahoo-finance2 is unreachable; falling back to the SYNTHETIC feed');
  }
  const seed = feed.kind === 'synthetic' ? (feed.seed ?? DEFAULT_SYNTHETIC_SEED) : DEFAULT_SYNTHETIC_SEED;
  const everyMs = feed.kind === 'synthetic' ? (feed.everyMs ?? DEFAULT_SYNTHETIC_EVERY_MS) : DEFAULT_SYNTHETIC_EVERY_MS;
  const plan = await syntheticStart(persistence.bars, symbols, system.clock.now(), seed);
  fail(await ask<MarketDataReply>(system, marketData, { type: 'marketData.startSynthetic', ...plan, everyMs }));
  return 'synthetic';
}
