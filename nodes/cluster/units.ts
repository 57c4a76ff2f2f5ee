/**
 * What a cluster runs, derived from its config alone (so every node computes the same requests and
 * placing them from every node is idempotent), and the placement rules that say where each unit may go.
 */
import type { ClusterConfig } from '../../cluster.config.js';
import type { ActorKinds } from '../../runtime/registry.js';
import type { PlaceRequest, PlacementRules } from '../../runtime/cluster/index.js';
import { placedRef } from '../../runtime/system.js';
import { OPTIMIZER_KIND } from '../../actors/optimizer/optimizer-actor.js';
import type { StrategyClass } from '../../actors/strategy/strategy.js';
import { DEFAULT_PORTFOLIO_ID, DEFAULT_RISK_ID, DEFAULT_SYNTHETIC_SEED } from '../shared/wiring.js';
import { DESK_KIND } from './desk-actor.js';
import type { DeskProps } from './desk-actor.js';
import { InvalidStrategyUnitError } from './errors.js';
import { MARKET_KIND } from './market-unit.js';
import type { MarketUnitProps } from './market-unit.js';

/**
 * Where the desk may run when the config does not say (`placement.desk`): a trading node first; when no
 * trading node is up, the gpu node (it already runs the strategies, so orders then stay on one host),
 * then the data node. Nothing moves back when a trading node returns: the desk stays where it runs until
 * that node fails or leaves. Set `placement.desk: ["trading"]` to keep it on trading nodes only (the
 * order path then waits for one).
 */
export const DEFAULT_DESK_ROLES = ['trading', 'gpu', 'data'] as const;

/** Top-level names the cluster's own units take (a strategy runs at `/<id>`, so ids must differ). */
const RESERVED_UNIT_NAMES: readonly string[] = [MARKET_KIND, DESK_KIND, OPTIMIZER_KIND];

/** One synthetic daily bar per symbol every this many milliseconds, unless the node is told otherwise. */
export const DEFAULT_CLUSTER_BAR_EVERY_MS = 1_000;

/** The market feed every node places (it must be the same on every node). */
export interface ClusterFeedOptions {
  readonly everyMs?: number;
  readonly seed?: number;
}

/** The placement kind of a configured strategy: `strategy.<kind>`. */
export function strategyKind(kind: string): string {
  return `strategy.${kind}`;
}

/** The placement rules for `config`: its `placement` map, plus the desk and one rule per strategy kind. */
export function clusterPlacementRules(config: Pick<ClusterConfig, 'placement' | 'strategies'>): PlacementRules {
  const rules: Record<string, readonly string[]> = { ...config.placement };
  rules[DESK_KIND] ??= [...DEFAULT_DESK_ROLES];
  const strategyRoles = config.placement.strategy ?? ['gpu', 'trading'];
  for (const s of config.strategies) rules[strategyKind(s.kind)] ??= strategyRoles;
  return rules;
}

/** The desk's props: the config's single portfolio over its symbols, on the configured broker. */
export function deskProps(config: Pick<ClusterConfig, 'symbols' | 'initialCash' | 'riskLimits' | 'broker'>): DeskProps {
  const venue = config.broker.kind;
  return {
    portfolioId: DEFAULT_PORTFOLIO_ID,
    initialCash: config.initialCash,
    symbols: [...config.symbols],
    ...(Object.keys(config.riskLimits).length === 0 ? {} : { limits: config.riskLimits }),
    venue,
    brokerId: venue,
    riskId: DEFAULT_RISK_ID,
  };
}

/**
 * Every unit of the cluster as a place request: `market`, `desk`, one per strategy (name = strategy id,
 * kind `strategy.<kind>`) and `optimizer`. Strategies send to `placedRef('/desk/risk')`; the market unit
 * feeds `placedRef('/desk/feeder')` and each strategy's placed ref. A strategy whose kind is not
 * registered in `kinds`, or whose params do not parse, fails here, naming it.
 */
export function clusterUnits(config: ClusterConfig, kinds: ActorKinds, feed: ClusterFeedOptions = {}): PlaceRequest[] {
  const risk = placedRef('/desk/risk');
  const strategies = config.strategies.map((s) => {
    if (RESERVED_UNIT_NAMES.includes(s.id)) throw new InvalidStrategyUnitError(s.id, `the id is the name of a cluster unit (${RESERVED_UNIT_NAMES.join(', ')}); choose another`);
    const kind = strategyKind(s.kind);
    if (!kinds.has(kind)) throw new InvalidStrategyUnitError(s.id, `no strategy kind ${JSON.stringify(s.kind)} is registered (known: ${kinds.list().filter((k) => k.startsWith('strategy.')).join(', ')})`);
    const cls = kinds.get(kind) as unknown as StrategyClass;
    try {
      cls.params.parse(s.params ?? {});
    } catch (error) {
      throw new InvalidStrategyUnitError(s.id, (error as Error).message, { cause: error });
    }
    const props = { strategyId: s.id, portfolioId: DEFAULT_PORTFOLIO_ID, symbols: [...s.symbols], params: { ...(s.params ?? {}) }, risk };
    return { kind, name: s.id, props };
  });
  const subscriptions = [
    ...config.symbols.map((symbol) => ({ symbol, subscriber: placedRef('/desk/feeder') })),
    ...config.strategies.flatMap((s) => s.symbols.map((symbol) => ({ symbol, subscriber: placedRef(`/${s.id}`) }))),
  ];
  const market: Omit<MarketUnitProps, 'epoch'> = {
    symbols: [...config.symbols],
    subscriptions,
    feed: { kind: 'synthetic', everyMs: feed.everyMs ?? DEFAULT_CLUSTER_BAR_EVERY_MS, seed: feed.seed ?? DEFAULT_SYNTHETIC_SEED },
  };
  return [
    { kind: MARKET_KIND, name: MARKET_KIND, props: { ...market } },
    { kind: DESK_KIND, name: DESK_KIND, props: { ...deskProps(config) } },
    ...strategies,
    { kind: OPTIMIZER_KIND, name: OPTIMIZER_KIND, props: {} },
  ];
}
