import { returnWindow } from '../market/return-windows.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { PortfolioProtocol } from '../portfolio/protocol.js';
import type { RiskProtocol } from '../risk/protocol.js';
import type { MarketTape } from './market-tape.js';

/**
 * Brings the risk actor (and, lazily marked, the portfolio) up to a time slice in one go, instead of a
 * message per bar: each symbol whose latest close changed since the last catch-up gets its price and its
 * returns window as of that close (what `ReturnWindows` would hold after being fed every bar), and the
 * portfolio one mark with those closes. Afterwards a risk check sees exactly the prices, returns and
 * marks it would have seen had it been fed every bar.
 *
 * Without the pre-trade VaR check no check reads returns; only the risk actor's display VaR would, and
 * nothing can ask a backtest's private risk actor for it. Then windows are not sent at all (`varWindow` 0):
 * they were most of a catch-up's cost (a 252-return copy per symbol, and the risk actor's copy of it).
 */
export class MarketCatchUp {
  /** Last slice taken into account. */
  #through = -1;
  /** Per symbol: position of its latest close up to `#through`, -1 before its first. */
  readonly #latest: Int32Array;
  /** Per symbol: position of the close last sent. */
  readonly #sent: Int32Array;

  constructor(
    private readonly tape: MarketTape,
    /** Returns per window; 0 sends none. */
    private readonly varWindow: number,
  ) {
    this.#latest = new Int32Array(tape.series.length).fill(-1);
    this.#sent = new Int32Array(tape.series.length).fill(-1);
  }

  /**
   * Tells `risk` (and `portfolio`, when given) everything that changed up to and including slice `k`.
   * Returns whether it sent anything (nothing when every symbol's latest close was sent before).
   */
  send(k: number, system: ActorSystem, risk: ActorRef<RiskProtocol>, portfolio: ActorRef<PortfolioProtocol> | undefined): boolean {
    const { tape } = this;
    for (let b = tape.sliceStart[this.#through + 1]!, end = tape.sliceStart[k + 1]!; b < end; b++) this.#latest[tape.symbolOf[b]!] = tape.positionOf[b]!;
    this.#through = Math.max(this.#through, k);
    let prices: Record<string, number> | undefined;
    for (let s = 0; s < this.#latest.length; s++) {
      const position = this.#latest[s]!;
      if (position === this.#sent[s]) continue;
      this.#sent[s] = position;
      const series = tape.series[s]!;
      // The close from the tape's array, not the bar: the bar itself is cold in memory by now.
      (prices ??= {})[series.symbol] = tape.closes[s]![position]!;
      // The window after close `position`: the formula the live feeder's ReturnWindows uses.
      const returns = this.varWindow > 0 ? returnWindow(tape.closes[s]!, position, this.varWindow) : undefined;
      if (returns !== undefined) system.tell(risk, { type: 'risk.returnsUpdate', symbol: series.symbol, returns });
    }
    if (prices === undefined) return false;
    // One message for all the changed symbols, not one per symbol: the risk actor and the portfolio each
    // take the whole set at once (and share it, frozen).
    const time = tape.timeOf(k);
    Object.freeze(prices);
    system.tell(risk, { type: 'risk.pricesUpdate', prices, time });
    if (portfolio !== undefined) system.tell(portfolio, { type: 'portfolio.markPrices', prices, time });
    return true;
  }
}
