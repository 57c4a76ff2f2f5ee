import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { Cancellable } from '../../runtime/clock.js';
import { errorInfo } from '../../runtime/events.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { Bar, Interval } from '../domain/bar.js';
import { loadCsv } from './csv.js';
import type { MarketDataProtocol, MarketDataReply, ReplaySpeed, SymbolProtocol } from './protocol.js';
import { BAR_STORE, HISTORY_SOURCE } from './services.js';
import { SymbolActor } from './symbol-actor.js';
import { SyntheticFeed } from './synthetic-feed.js';

export interface MarketDataProps {
  /** One SymbolActor child is spawned per symbol, named by the symbol. */
  readonly symbols: readonly string[];
  /** Bars kept per SymbolActor. */
  readonly barsKept?: number;
}

/**
 * The market-data root: owns one SymbolActor per symbol and feeds them from history (yahoo-finance2 into
 * the bar store), CSV files, a replay of the store, or the synthetic feed. Bars go from here straight to
 * each symbol's actor, and from there straight to subscribers; nothing routes through a supervisor per bar.
 */
export class MarketDataActor extends Actor<MarketDataProtocol, MarketDataProps> {
  readonly #symbols = new Map<string, ActorRef<SymbolProtocol>>();
  #timer: Cancellable | undefined;
  #pending: Bar[] = [];
  #cursor = 0;
  #perTick = 1;
  #feed: SyntheticFeed | undefined;

  override started(ctx: ActorContext<MarketDataProtocol>): void {
    for (const symbol of this.props.symbols) {
      this.#symbols.set(symbol, ctx.spawn(SymbolActor, symbol, { symbol, ...(this.props.barsKept === undefined ? {} : { barsKept: this.props.barsKept }) }, { restart: 'permanent', mailbox: { capacity: 1_000_000 } }));
    }
  }

  async receive(msg: MarketDataProtocol, ctx: ActorContext<MarketDataProtocol>): Promise<void> {
    switch (msg.type) {
      case 'marketData.load':
        return this.#load(msg.symbol, msg.interval, msg.from, msg.to, ctx);
      case 'marketData.importCsv':
        return this.#importCsv(msg.path, msg.symbol, msg.interval, ctx);
      case 'marketData.replay':
        return this.#replay(msg.interval, msg.from, msg.to, msg.speed, ctx);
      case 'marketData.startSynthetic':
        return this.#startSynthetic(msg.seed, msg.start, msg.interval ?? '1d', msg.everyMs, msg.initialPrices, ctx);
      case 'marketData.tick':
        return this.#tick(ctx);
      case 'marketData.stop':
        this.#stopFeeds();
        return;
      case 'marketData.subscribe': {
        const symbol = this.#symbols.get(msg.symbol);
        if (symbol === undefined) return ctx.reply<MarketDataReply>({ type: 'marketData.failed', code: 'UNKNOWN_SYMBOL', message: `no symbol ${msg.symbol} (known: ${[...this.#symbols.keys()].join(', ')})` });
        ctx.tell(symbol, { type: 'symbol.subscribe', subscriber: msg.subscriber, ...(msg.quotes === undefined ? {} : { quotes: msg.quotes }) });
        return;
      }
    }
  }

  #fail(ctx: ActorContext<MarketDataProtocol>, error: unknown): void {
    const info = errorInfo(error);
    ctx.reply<MarketDataReply>({ type: 'marketData.failed', code: info.code ?? info.name, message: info.message });
  }

  async #load(symbol: string, interval: Interval, from: number, to: number, ctx: ActorContext<MarketDataProtocol>): Promise<void> {
    const source = ctx.system.services.find(HISTORY_SOURCE);
    if (source === undefined) return this.#fail(ctx, new Error('no history source is configured on this node (offline mode)'));
    try {
      const bars = await source.fetchBars(symbol, interval, from, to);
      await ctx.system.services.get(BAR_STORE).upsert(bars);
      ctx.reply<MarketDataReply>({ type: 'marketData.loaded', symbol, bars: bars.length });
    } catch (error) {
      this.#fail(ctx, error);
    }
  }

  async #importCsv(path: string, symbol: string | undefined, interval: Interval | undefined, ctx: ActorContext<MarketDataProtocol>): Promise<void> {
    try {
      const result = await loadCsv(path, { ...(symbol === undefined ? {} : { symbol }), ...(interval === undefined ? {} : { interval }) });
      await ctx.system.services.get(BAR_STORE).upsert(result.bars);
      ctx.reply<MarketDataReply>({ type: 'marketData.loaded', symbol: result.symbol, bars: result.bars.length });
    } catch (error) {
      this.#fail(ctx, error);
    }
  }

  async #replay(interval: Interval, from: number, to: number, speed: ReplaySpeed, ctx: ActorContext<MarketDataProtocol>): Promise<void> {
    if (speed !== 'max' && !(speed > 0)) return this.#fail(ctx, new RangeError(`replay speed must be 'max' or a positive number of bars per second, got ${speed}`));
    this.#stopFeeds();
    const store = ctx.system.services.get(BAR_STORE);
    const bars: Bar[] = [];
    for (const symbol of this.#symbols.keys()) bars.push(...(await store.range(symbol, interval, from, to)));
    // Time order across symbols; ties in symbol order, so a replay is deterministic.
    bars.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    if (speed === 'max') {
      for (const bar of bars) this.#send(bar, ctx);
    } else {
      this.#pending = bars;
      this.#cursor = 0;
      const everyMs = Math.max(1, Math.round(1_000 / speed));
      this.#perTick = Math.max(1, Math.round((speed * everyMs) / 1_000));
      this.#timer = ctx.schedule(everyMs, { type: 'marketData.tick' }, { intervalMs: everyMs });
    }
    ctx.reply<MarketDataReply>({ type: 'marketData.replayed', bars: bars.length });
  }

  #startSynthetic(seed: number, start: number, interval: Interval, everyMs: number, initialPrices: Readonly<Record<string, number>> | undefined, ctx: ActorContext<MarketDataProtocol>): void {
    if (!(everyMs > 0)) return this.#fail(ctx, new RangeError(`everyMs must be positive, got ${everyMs}`));
    this.#stopFeeds();
    try {
      this.#feed = new SyntheticFeed({ symbols: [...this.#symbols.keys()], seed, start, interval, ...(initialPrices === undefined ? {} : { initialPrices }) });
    } catch (error) {
      return this.#fail(ctx, error);
    }
    ctx.log.warn({ syntheticSeed: seed, interval, everyMs, symbols: [...this.#symbols.keys()] }, 'market data is SYNTHETIC (regime-switching geometric Brownian motion), not real prices');
    this.#timer = ctx.schedule(everyMs, { type: 'marketData.tick' }, { intervalMs: everyMs });
    ctx.reply<MarketDataReply>({ type: 'marketData.started', source: 'synthetic' });
  }

  #tick(ctx: ActorContext<MarketDataProtocol>): void {
    if (this.#feed !== undefined) {
      const bars = this.#feed.next();
      for (const bar of bars) this.#send(bar, ctx);
      const store = ctx.system.services.find(BAR_STORE);
      store?.upsert(bars).catch((error: unknown) => ctx.system.events.publish({ type: 'market.storeFailed', at: ctx.clock.now(), error: errorInfo(error) }));
      return;
    }
    const end = Math.min(this.#pending.length, this.#cursor + this.#perTick);
    for (; this.#cursor < end; this.#cursor++) this.#send(this.#pending[this.#cursor]!, ctx);
    if (this.#cursor >= this.#pending.length) this.#stopFeeds();
  }

  #send(bar: Bar, ctx: ActorContext<MarketDataProtocol>): void {
    const symbol = this.#symbols.get(bar.symbol);
    if (symbol !== undefined) ctx.tell(symbol, { type: 'symbol.bar', bar });
  }

  #stopFeeds(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#feed = undefined;
    this.#pending = [];
  }

  override stopped(): void {
    this.#stopFeeds();
  }

  override inspect(): Record<string, unknown> {
    return { symbols: [...this.#symbols.keys()], source: this.#feed !== undefined ? 'synthetic' : this.#pending.length > 0 ? 'replay' : 'idle', replayCursor: this.#cursor, replayTotal: this.#pending.length };
  }
}
