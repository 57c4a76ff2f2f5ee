import test from 'ava';
import { actorBacktestRunner, OptimizerActor, PARITY_TOLERANCE } from '../../actors/optimizer/index.js';
import type { OptimizerProtocol, OptimizerReply, OptimizerResult, OptimizeRequest } from '../../actors/optimizer/index.js';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';
import { eventually, testSystem } from '../helpers/system.js';
import { walkBars } from './helpers.js';

const bars = walkBars(500, 17);

/** Grids whose first signals come after the risk actor has 20 returns for VaR, so no order is denied. */
const LATE_GRIDS: Readonly<Record<string, string>> = {
  'sma-cross': 'fast=5..25:5,slow=30..70:10',
  'rsi-reversion': 'period=24..34:5,oversold=30|40,overbought=60|70',
  'bollinger-atr': 'period=20|25,k=1.5|2,atrPeriod=20,atrMultiple=2|3',
};

class Requester extends Actor<OptimizerReply, { target: ActorRef<OptimizerProtocol>; run: OptimizerProtocol; inbox: OptimizerReply[] }> {
  override started(ctx: ActorContext<OptimizerReply>): void {
    ctx.tell(this.props.target, this.props.run);
  }
  receive(msg: OptimizerReply): void {
    this.props.inbox.push(msg);
  }
}

for (const strategy of Object.keys(LATE_GRIDS)) {
  test(`the best ${strategy} combinations agree with the actor backtest within the pinned tolerance`, async (t) => {
    const { system } = testSystem();
    const optimizer = system.spawn(OptimizerActor, 'optimizer', {});
    const inbox: OptimizerReply[] = [];
    const request: OptimizeRequest = { strategy, symbol: 'WALK', grid: LATE_GRIDS[strategy]!, bars, backend: 'webasm', confirmTop: 4, slippageBps: 2 };
    system.spawn(Requester, 'requester', { target: optimizer, run: { type: 'optimizer.run', requestId: strategy, request }, inbox });
    await eventually(() => inbox.some((m) => m.type !== 'optimizer.progress'), 10_000_000);
    await system.shutdown();
    const result = inbox.at(-1) as OptimizerResult;
    t.is(result.type, 'optimizer.result', JSON.stringify(result));
    const rows = result.confirmation.rows;
    t.is(rows.length, 4);
    t.deepEqual(result.confirmation.tolerance, PARITY_TOLERANCE);
    for (const row of rows) {
      t.log(`#${row.rank} ${JSON.stringify(row.params)}: kernel ${row.kernel.finalEquity} / ${row.kernel.trades} trades, backtest ${row.backtest.finalEquity} / ${row.backtest.trades} trades, ${row.backtest.denials} denials, Δ ${JSON.stringify(row.diff)}`);
      t.true(row.backtest.trades > 0, 'the combination trades');
      t.is(row.backtest.denials, 0);
      t.true(row.withinTolerance, JSON.stringify(row));
    }
    t.is(result.confirmation.status, 'confirmed');
  });
}

test('a risk denial in the actor backtest shows up as a difference the kernel cannot see', async (t) => {
  // RSI(2) enters on the third bar, before the risk actor has the 20 returns VaR needs: denied.
  const figures = await actorBacktestRunner({
    strategy: 'rsi-reversion', params: { period: 2, oversold: 45, overbought: 55, notional: 10_000 }, bars: bars.slice(0, 60),
    initialCash: 100_000, commission: { kind: 'none' }, slippageBps: 0, tickSize: 0.01, periodsPerYear: 252,
  });
  t.true(figures.denials > 0);
});

test('the float64 reference reproduces the actor backtest of a combination that no risk check touches', async (t) => {
  const { prepareSweep, referenceSweep, comboParams } = await import('../../actors/optimizer/index.js');
  for (const strategy of Object.keys(LATE_GRIDS)) {
    const setup = prepareSweep({ strategy, symbol: 'WALK', grid: LATE_GRIDS[strategy]!, slippageBps: 2 }, bars);
    const raw = referenceSweep({ strategy, bars: setup.bars, grid: setup.grid, costs: setup.costs });
    let compared = 0;
    for (const i of [0, 1, Math.floor(setup.grid.combos / 2), setup.grid.combos - 1]) {
      const figures = await actorBacktestRunner({
        strategy, params: comboParams(setup.grid, i), bars, initialCash: 100_000, commission: setup.request.costs.commission, slippageBps: 2, tickSize: 0.01, periodsPerYear: 252,
      });
      if (figures.denials > 0) continue;
      compared++;
      t.is(raw[i * 4 + 3], figures.trades, `${strategy} #${i} trades`);
      t.true(Math.abs(raw[i * 4]! - figures.finalEquity) < 1e-6, `${strategy} #${i} final equity ${raw[i * 4]} vs ${figures.finalEquity}`);
      t.true(Math.abs(raw[i * 4 + 1]! - figures.sharpe) < 1e-9, `${strategy} #${i} sharpe ${raw[i * 4 + 1]} vs ${figures.sharpe}`);
      t.true(Math.abs(raw[i * 4 + 2]! - figures.maxDrawdown) < 1e-12, `${strategy} #${i} drawdown`);
    }
    t.true(compared >= 2, `${strategy}: ${compared} combinations without denials`);
  }
});
