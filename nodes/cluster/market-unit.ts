import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import { MarketDataActor } from '../../actors/market/market-data-actor.js';
import type { MarketDataProps } from '../../actors/market/market-data-actor.js';
import type { MarketDataProtocol } from '../../actors/market/protocol.js';
import { BAR_STORE } from '../../actors/market/services.js';
import { syntheticStart } from '../shared/wiring.js';

/** The placement kind (and name) of the market-data unit. */
export const MARKET_KIND = 'market';

/** One standing subscription: `subscriber` (a placed ref, so it follows the subscriber) gets `symbol`'s bars. */
export interface MarketSubscription {
  readonly symbol: string;
  readonly subscriber: ActorRef;
}

/** Props of the market unit: plain data, identical on every node that places it. */
export interface MarketUnitProps extends MarketDataProps {
  readonly subscriptions: readonly MarketSubscription[];
  /** The synthetic feed: one daily bar per symbol every `everyMs` of clock time. */
  readonly feed: { readonly kind: 'synthetic'; readonly everyMs: number; readonly seed?: number };
  readonly epoch?: number;
}

/**
 * The cluster's market data: a `MarketDataActor` that, wherever placement starts it, subscribes the
 * configured subscribers itself (their placed refs survive their moves and its own) and starts its feed
 * after the bars already in the shared bar store, so a moved market unit carries on where the last one
 * stopped. The feed is labelled synthetic in the log, as in the embedded node.
 */
export class MarketUnit extends MarketDataActor {
  override async started(ctx: ActorContext<MarketDataProtocol>): Promise<void> {
    super.started(ctx);
    const props = this.props as MarketUnitProps;
    for (const { symbol, subscriber } of props.subscriptions) ctx.tell(ctx.self, { type: 'marketData.subscribe', symbol, subscriber });
    const plan = await syntheticStart(ctx.system.services.get(BAR_STORE), props.symbols, ctx.clock.now(), props.feed.seed);
    ctx.tell(ctx.self, { type: 'marketData.startSynthetic', ...plan, everyMs: props.feed.everyMs });
  }
}
