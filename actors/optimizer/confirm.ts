import type { BacktestFigures, BacktestRun, BacktestRunner } from './parity.js';

/**
 * Runs one combination through the actor backtest (`runBacktest`: strategy actor, RiskActor, BrokerActor with
 * the PaperVenue, PortfolioActor, on a simulated clock), with the sweep's costs and a tick-size instrument.
 * The backtest module is loaded on first use, so the optimizer barrel stays light.
 *
 * @example
 * const figures = await actorBacktestRunner({ strategy: 'sma-cross', params: { fast: 10, slow: 30 }, bars, initialCash: 100_000, commission: DEFAULT_COMMISSION, slippageBps: 0, tickSize: 0.01, periodsPerYear: 252 });
 */
export const actorBacktestRunner: BacktestRunner = async (run: BacktestRun): Promise<BacktestFigures> => {
  const { runBacktest } = await import('../backtest/engine.js');
  const symbols = [...new Set(run.bars.map((b) => b.symbol))];
  const result = await runBacktest({
    strategy: run.strategy,
    params: run.params,
    bars: run.bars,
    initialCash: run.initialCash,
    commission: run.commission,
    slippageBps: run.slippageBps,
    periodsPerYear: run.periodsPerYear,
    instruments: symbols.map((symbol) => ({ symbol, tickSize: run.tickSize, lotSize: 1, currency: 'USD', tradable: true, shortable: false })),
  });
  const m = result.metrics;
  return { finalEquity: m.finalEquity, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, trades: m.trades, denials: result.denials.length };
};
