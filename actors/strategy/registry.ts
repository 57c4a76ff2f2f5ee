import type { ActorKinds } from '../../runtime/registry.js';
import { BollingerAtr } from './builtins/bollinger-atr.js';
import { RsiReversion } from './builtins/rsi-reversion.js';
import { SmaCross } from './builtins/sma-cross.js';
import { UnknownStrategyError } from './errors.js';
import type { StrategyClass } from './strategy.js';

/** The strategies that ship with Bifrost, by kind name. */
export const BUILTIN_STRATEGIES: ReadonlyMap<string, StrategyClass<any>> = new Map<string, StrategyClass<any>>([
  [SmaCross.kind, SmaCross as StrategyClass<any>],
  [RsiReversion.kind, RsiReversion as StrategyClass<any>],
  [BollingerAtr.kind, BollingerAtr as StrategyClass<any>],
]);

/** Looks up a strategy class by kind among `extra` and the built-ins. */
export function strategyClass(kind: string, extra: ReadonlyMap<string, StrategyClass<any>> = new Map()): StrategyClass<any> {
  const cls = extra.get(kind) ?? BUILTIN_STRATEGIES.get(kind);
  if (cls === undefined) throw new UnknownStrategyError(kind, [...new Set([...extra.keys(), ...BUILTIN_STRATEGIES.keys()])].sort());
  return cls;
}

/** Registers strategy classes as actor kinds `strategy.<kind>`, so a node can spawn them by name. */
export function registerStrategyKinds(kinds: ActorKinds, classes: Iterable<StrategyClass<any>> = BUILTIN_STRATEGIES.values()): void {
  for (const cls of classes) kinds.register(`strategy.${cls.kind}`, cls);
}
