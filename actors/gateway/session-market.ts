import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { Bar } from '../domain/bar.js';
import type { Quote } from '../domain/quote.js';
import type { SymbolProtocol, SymbolSnapshot } from '../market/protocol.js';
import { isSyntheticBar } from '../market/synthetic-feed.js';
import { DEFAULT_SNAPSHOT_BARS } from './config.js';
import type { GatewayScope } from './config.js';
import { GATEWAY_ERROR_CODES, GatewayRequestError } from './errors.js';
import type { Outbox } from './outbox.js';
import { OverlayTracker, overlaysOf } from './overlays.js';
import { chartBar } from './protocol.js';
import type { MarketSnapshotCommand, OverlayPoint, ServerEvent } from './protocol.js';
import type { SessionProtocol } from './session-protocol.js';

/** Most bars a SymbolActor keeps, so the most a snapshot can hold. */
export const MAX_SNAPSHOT_BARS = 500;

/**
 * The symbols a session follows: subscriptions at their SymbolActors, the chart overlays of each (kept
 * bar by bar), and bars and quotes offered to the outbox latest-wins per symbol.
 */
export class SessionMarket {
  readonly #trackers = new Map<string, OverlayTracker>();

  constructor(
    private readonly ctx: ActorContext<SessionProtocol>,
    private readonly scope: GatewayScope,
    private readonly outbox: Outbox,
  ) {}

  list(): string[] {
    return [...this.#trackers.keys()];
  }

  /** Throws UNKNOWN_SYMBOL unless the symbol is in the node's universe. */
  check(symbol: string): void {
    if (!this.scope.symbols.includes(symbol)) throw new GatewayRequestError(GATEWAY_ERROR_CODES.unknownSymbol, `${symbol} is not in this node's universe (known: ${this.scope.symbols.join(', ')})`);
  }

  #ref(symbol: string): ActorRef<SymbolProtocol> {
    const market = this.scope.targets.marketData;
    const path = `${market.path}/${symbol}`;
    return (market.node === undefined ? { path } : { node: market.node, path }) as ActorRef<SymbolProtocol>;
  }

  /**
   * Subscribes at the SymbolActor itself, then reads its snapshot: from the same sender, the snapshot is
   * answered after the subscription took effect, so no bar falls between the two (one in both counts once).
   */
  async watch(symbol: string): Promise<void> {
    if (this.#trackers.has(symbol)) return;
    const { ctx } = this;
    const ref = this.#ref(symbol);
    ctx.tell(ref, { type: 'symbol.subscribe', subscriber: ctx.self, quotes: true });
    const tracker = new OverlayTracker();
    this.#trackers.set(symbol, tracker);
    const snapshot = await ctx.ask<SymbolSnapshot>(ref, { type: 'symbol.getSnapshot', bars: MAX_SNAPSHOT_BARS }, this.scope.tuning.askTimeoutMs);
    const overlays = snapshot.bars.map((bar) => tracker.update(bar) ?? { time: bar.time });
    // The last two bars give the ticker its price and change before the next bar comes.
    for (let i = Math.max(0, snapshot.bars.length - 2); i < snapshot.bars.length; i++) this.outbox.send(barEvent(snapshot.bars[i]!, overlays[i]!, 0));
  }

  unwatch(symbol: string): void {
    if (!this.#trackers.delete(symbol)) return;
    this.ctx.tell(this.#ref(symbol), { type: 'symbol.unsubscribe', subscriber: this.ctx.self });
    this.outbox.forget(`bar:${symbol}`);
    this.outbox.forget(`quote:${symbol}`);
  }

  close(): void {
    for (const symbol of this.list()) this.unwatch(symbol);
  }

  onBar(bar: Bar): void {
    const overlay = this.#trackers.get(bar.symbol)?.update(bar);
    if (overlay === undefined) return; // not followed, or already seen in the snapshot
    this.outbox.offer(`bar:${bar.symbol}`, (dropped) => barEvent(bar, overlay, dropped));
  }

  onQuote(quote: Quote): void {
    if (!this.#trackers.has(quote.symbol)) return;
    const q = { symbol: quote.symbol, time: quote.time, bid: quote.bid, ask: quote.ask, ...(quote.last === undefined ? {} : { last: quote.last }) };
    this.outbox.offer(`quote:${quote.symbol}`, (dropped) => ({ type: 'market.quote', quote: q, dropped }));
  }

  /** The chart's bars with their overlays (warmed up on the bars before the first shown). */
  async snapshot(cmd: MarketSnapshotCommand): Promise<ServerEvent> {
    this.check(cmd.symbol);
    const shown = Math.min(MAX_SNAPSHOT_BARS, cmd.bars ?? DEFAULT_SNAPSHOT_BARS);
    const s = await this.ctx.ask<SymbolSnapshot>(this.#ref(cmd.symbol), { type: 'symbol.getSnapshot', bars: MAX_SNAPSHOT_BARS }, this.scope.tuning.askTimeoutMs);
    return {
      type: 'market.snapshot', ...(cmd.id === undefined ? {} : { id: cmd.id }), symbol: s.symbol, bars: s.bars.slice(-shown).map(chartBar), overlays: overlaysOf(s.bars).slice(-shown),
      indicators: { ...s.indicators }, ...(s.quote === undefined ? {} : { quote: s.quote }), synthetic: s.synthetic || this.scope.feed === 'synthetic',
    };
  }
}

function barEvent(bar: Bar, overlay: OverlayPoint, dropped: number): ServerEvent {
  return { type: 'market.bar', symbol: bar.symbol, bar: chartBar(bar), overlay, synthetic: isSyntheticBar(bar), dropped };
}
