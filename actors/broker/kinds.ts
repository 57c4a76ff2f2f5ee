import type { ActorKinds } from '../../runtime/registry.js';
import { PortfolioActor } from '../portfolio/portfolio-actor.js';
import { RiskActor } from '../risk/risk-actor.js';
import { BrokerActor } from './broker-actor.js';

/** The kind names of the order-path actors, as placement tables and config name them. */
export const ORDER_PATH_KINDS = Object.freeze({ risk: RiskActor, broker: BrokerActor, portfolio: PortfolioActor });

/**
 * Registers the kinds `risk`, `broker` and `portfolio`, so a node can spawn the order path by name with
 * props from config (`system.spawnKind('broker', 'broker', props)`). Returns `kinds`.
 */
export function registerOrderPathKinds(kinds: ActorKinds): ActorKinds {
  for (const [kind, actorClass] of Object.entries(ORDER_PATH_KINDS)) kinds.register(kind, actorClass);
  return kinds;
}
