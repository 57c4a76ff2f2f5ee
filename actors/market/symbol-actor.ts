import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import { barProblems } from '../domain/bar.js';
import type { Bar } from '../domain/bar.js';
import { quoteProblems } from '../domain/quote.js';
import type { Quote } from '../domain/quote.js';
import { ATR } from './indicators/atr.js';
import { BollingerBands } from './indicators/bollinger.js';
import { EMA } from './indicators/ema.js';
import { RegimeClassifier } from './indicators/regime.js';
import { RSI } from './indicators/rsi.js';
import { SMA } from './indicators/sma.js';
import type { MarketFeed, SymbolIndicators, SymbolProtocol, SymbolSnapshot } from './protocol.js';
import { isSyntheticBar } from './synthetic-feed.js';

export const DEFAULT_BARS_KEPT = 500;

export interface SymbolActorProps {
  readonly symbol: string;
  /** Bars kept for snapshots (charts). Default {@link DEFAULT_BARS_KEPT}. */
  readonly barsKept?: number;
}

interface Subscriber {
  readonly ref: ActorRef<MarketFeed>;
  readonly quotes: boolean;
}

/**
 * One per symbol: the latest quote, recent bars and streaming indicators, and the fan-out of bars and
 * quotes straight to subscribed actors (strategies, UI sessions). Invalid input is refused with a
 * `market.inputRejected` event; the actor keeps running.
 */
export class SymbolActor extends Actor<SymbolProtocol, SymbolActorProps> {
  #quote: Quote | undefined;
  readonly #bars: Bar[] = [];
  readonly #subscribers = new Map<string, Subscriber>();
  #synthetic = false;
  readonly #sma = new SMA(20);
  readonly #ema = new EMA(50);
  readonly #rsi = new RSI(14);
  readonly #bb = new BollingerBands(20, 2);
  readonly #atr = new ATR(14);
  readonly #regime = new RegimeClassifier();
  #indicators: SymbolIndicators = {};

  receive(msg: SymbolProtocol, ctx: ActorContext<SymbolProtocol>): void {
    switch (msg.type) {
      case 'symbol.bar':
        return this.#handleBar(msg.bar, ctx);
      case 'symbol.quote':
        return this.#handleQuote(msg.quote, ctx);
      case 'symbol.subscribe':
        this.#subscribers.set(`${msg.subscriber.node ?? ''}${msg.subscriber.path}`, { ref: msg.subscriber, quotes: msg.quotes ?? false });
        return;
      case 'symbol.unsubscribe':
        this.#subscribers.delete(`${msg.subscriber.node ?? ''}${msg.subscriber.path}`);
        return;
      case 'symbol.getSnapshot':
        return ctx.reply<SymbolSnapshot>(this.snapshot(msg.bars));
    }
  }

  #reject(ctx: ActorContext<SymbolProtocol>, kind: 'bar' | 'quote', problems: string[]): void {
    ctx.system.events.publish({ type: 'market.inputRejected', at: ctx.clock.now(), symbol: this.props.symbol, kind, problems });
  }

  #handleBar(bar: Bar, ctx: ActorContext<SymbolProtocol>): void {
    const problems = typeof bar === 'object' && bar !== null ? [...barProblems(bar)] : ['not a bar'];
    if (problems.length === 0 && bar.symbol !== this.props.symbol) problems.push(`bar for ${bar.symbol} sent to ${this.props.symbol}`);
    const last = this.#bars[this.#bars.length - 1];
    if (problems.length === 0 && last !== undefined && bar.time <= last.time) problems.push(`bar time ${bar.time} is not after the last bar's ${last.time}`);
    if (problems.length > 0) return this.#reject(ctx, 'bar', problems);
    this.#synthetic ||= isSyntheticBar(bar);
    this.#bars.push(bar);
    if (this.#bars.length > (this.props.barsKept ?? DEFAULT_BARS_KEPT)) this.#bars.shift();
    const bb = this.#bb.update(bar.close);
    const regime = this.#regime.update(bar);
    this.#indicators = {
      sma20: this.#sma.update(bar.close),
      ema50: this.#ema.update(bar.close),
      rsi14: this.#rsi.update(bar.close),
      bollinger20: bb === undefined ? undefined : { middle: bb.middle, upper: bb.upper, lower: bb.lower },
      atr14: this.#atr.update(bar),
      regime,
    };
    const message = { type: 'market.bar', bar } as const;
    for (const s of this.#subscribers.values()) ctx.tell(s.ref, message);
  }

  #handleQuote(quote: Quote, ctx: ActorContext<SymbolProtocol>): void {
    const problems = typeof quote === 'object' && quote !== null ? quoteProblems(quote) : ['not a quote'];
    if (problems.length === 0 && quote.symbol !== this.props.symbol) problems.push(`quote for ${quote.symbol} sent to ${this.props.symbol}`);
    if (problems.length > 0) return this.#reject(ctx, 'quote', problems);
    this.#quote = quote;
    const message = { type: 'market.quote', quote } as const;
    for (const s of this.#subscribers.values()) if (s.quotes) ctx.tell(s.ref, message);
  }

  snapshot(bars = 200): SymbolSnapshot {
    return {
      type: 'symbol.snapshot',
      symbol: this.props.symbol,
      ...(this.#quote === undefined ? {} : { quote: this.#quote }),
      bars: this.#bars.slice(-bars),
      indicators: this.#indicators,
      subscribers: this.#subscribers.size,
      synthetic: this.#synthetic,
    };
  }

  override inspect(): Record<string, unknown> {
    const last = this.#bars[this.#bars.length - 1];
    return { symbol: this.props.symbol, lastBarTime: last?.time, lastClose: last?.close, subscribers: this.#subscribers.size, synthetic: this.#synthetic, ...this.#indicators };
  }
}
