import type { ActorRef } from '../../runtime/ref.js';
import type { Bar, Interval } from '../domain/bar.js';
import type { Quote } from '../domain/quote.js';
import type { MarketBar, MarketQuote } from '../strategy/protocol.js';

/** What a subscriber of a SymbolActor receives: `market.bar` and `market.quote`. */
export type MarketFeed = MarketBar | MarketQuote;

export type SymbolProtocol =
  | { readonly type: 'symbol.bar'; readonly bar: Bar }
  | { readonly type: 'symbol.quote'; readonly quote: Quote }
  | { readonly type: 'symbol.subscribe'; readonly subscriber: ActorRef<MarketFeed>; readonly quotes?: boolean }
  | { readonly type: 'symbol.unsubscribe'; readonly subscriber: ActorRef<MarketFeed> }
  | { readonly type: 'symbol.getSnapshot'; readonly bars?: number };

/** Indicator values of a symbol after its latest bar (undefined while warming up). */
export interface SymbolIndicators {
  readonly sma20?: number;
  readonly ema50?: number;
  readonly rsi14?: number;
  readonly bollinger20?: { readonly middle: number; readonly upper: number; readonly lower: number };
  readonly atr14?: number;
  readonly regime?: 'trending' | 'ranging' | 'choppy';
}

export interface SymbolSnapshot {
  readonly type: 'symbol.snapshot';
  readonly symbol: string;
  readonly quote?: Quote;
  readonly bars: readonly Bar[];
  readonly indicators: SymbolIndicators;
  readonly subscribers: number;
  readonly synthetic: boolean;
}

/** Published on the event stream when a SymbolActor refuses a bar or quote; the actor keeps running. */
export interface MarketInputRejected {
  readonly type: 'market.inputRejected';
  readonly at: number;
  readonly symbol: string;
  readonly kind: 'bar' | 'quote';
  readonly problems: readonly string[];
}

/** Replay speed: `max` sends bars as fast as actors take them; a number is bars per second of clock time. */
export type ReplaySpeed = 'max' | number;

export type MarketDataProtocol =
  | { readonly type: 'marketData.load'; readonly symbol: string; readonly interval: Interval; readonly from: number; readonly to: number }
  | { readonly type: 'marketData.importCsv'; readonly path: string; readonly symbol?: string; readonly interval?: Interval }
  | { readonly type: 'marketData.replay'; readonly interval: Interval; readonly from: number; readonly to: number; readonly speed: ReplaySpeed }
  | { readonly type: 'marketData.startSynthetic'; readonly seed: number; readonly start: number; readonly interval?: Interval; readonly everyMs: number; readonly initialPrices?: Readonly<Record<string, number>> }
  | { readonly type: 'marketData.stop' }
  | { readonly type: 'marketData.subscribe'; readonly symbol: string; readonly subscriber: ActorRef<MarketFeed>; readonly quotes?: boolean }
  | { readonly type: 'marketData.tick' };

/** Replies of the MarketDataActor. */
export type MarketDataReply =
  | { readonly type: 'marketData.loaded'; readonly symbol: string; readonly bars: number }
  | { readonly type: 'marketData.failed'; readonly code: string; readonly message: string }
  | { readonly type: 'marketData.replayed'; readonly bars: number }
  | { readonly type: 'marketData.started'; readonly source: 'synthetic' | 'replay' };
