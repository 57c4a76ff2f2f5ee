import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { BrokerProtocol } from '../broker/protocol.js';
import type { PortfolioProtocol } from '../portfolio/protocol.js';
import type { RiskProtocol } from '../risk/protocol.js';
import type { MarketFeed } from './protocol.js';

import { DEFAULT_VAR_WINDOW_RETURNS, ReturnWindows } from './return-windows.js';

/** Returns kept per symbol for the risk actor's VaR (a year of daily bars). */
export const DEFAULT_FEEDER_VAR_WINDOW_RETURNS = DEFAULT_VAR_WINDOW_RETURNS;

export interface OrderPathFeederProps {
  readonly broker?: ActorRef<BrokerProtocol>;
  readonly portfolios?: readonly ActorRef<PortfolioProtocol>[];
  readonly risk?: ActorRef<RiskProtocol>;
  readonly varWindow?: number;
}

/**
 * Subscribed to SymbolActors, it passes each bar on to the order path as a live node needs: the broker
 * (its paper venue fills waiting orders on it), each portfolio (marks, and the start of each new trading
 * day), and the risk actor (last price, and each symbol's recent returns for VaR). The backtest engine
 * does the same per time slice.
 */
export class OrderPathFeeder extends Actor<MarketFeed, OrderPathFeederProps> {
  #day: number | undefined;
  #windows: ReturnWindows | undefined;

  receive(msg: MarketFeed, ctx: ActorContext<MarketFeed>): void {
    if (msg.type !== 'market.bar') return;
    const { bar } = msg;
    // A bar of a new (UTC) date starts a trading day: day P&L and the daily loss limit count from here.
    const day = Math.floor(bar.time / 86_400_000);
    if (this.#day !== undefined && day > this.#day) for (const p of this.props.portfolios ?? []) ctx.tell(p, { type: 'portfolio.startDay', time: bar.time });
    if (this.#day === undefined || day > this.#day) this.#day = day;
    if (this.props.broker !== undefined) ctx.tell(this.props.broker, { type: 'broker.marketBar', bar });
    for (const p of this.props.portfolios ?? []) ctx.tell(p, { type: 'portfolio.markPrices', prices: { [bar.symbol]: bar.close }, time: bar.time });
    const risk = this.props.risk;
    if (risk === undefined) return;
    ctx.tell(risk, { type: 'risk.priceUpdate', symbol: bar.symbol, price: bar.close, time: bar.time });
    this.#windows ??= new ReturnWindows(this.props.varWindow);
    const returns = this.#windows.push(bar.symbol, bar.close);
    if (returns !== undefined) ctx.tell(risk, { type: 'risk.returnsUpdate', symbol: bar.symbol, returns });
  }
}
