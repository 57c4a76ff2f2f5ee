import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SimulatedClock } from '../../runtime/index.js';
import type { PortfolioSnapshotReply } from '../../actors/portfolio/protocol.js';
import type { SymbolSnapshot } from '../../actors/market/index.js';
import type { StrategyStatus } from '../../actors/strategy/index.js';
import { startEmbeddedHost } from '../../nodes/embedded/host.js';
import type { EmbeddedHost } from '../../nodes/embedded/host.js';

const env = { BIFROST_RISK_KEY: 'k'.repeat(64), BIFROST_OPERATOR_TOKEN: 'operator-token-for-tests' };

async function run(host: EmbeddedHost, clock: SimulatedClock, bars: number): Promise<void> {
  for (let i = 0; i < bars; i++) {
    clock.advance(1_000);
    await host.system.settled();
  }
}

async function portfolio(host: EmbeddedHost) {
  return (await host.system.ask<PortfolioSnapshotReply>(host.refs.portfolio, { type: 'portfolio.getSnapshot' }, 5_000)).snapshot;
}

test('the embedded host runs the synthetic feed through strategies, risk, the paper venue and the portfolio, and a restart recovers the portfolio', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bifrost-embedded-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const clock = new SimulatedClock(Date.UTC(2025, 0, 2));
  const options = { dataDir, env, clock, logger: pino({ level: 'silent' }), symbols: ['AAA', 'BBB'], feed: { kind: 'synthetic', seed: 5, everyMs: 1_000 } as const, strategies: [{ id: 'fast-sma', kind: 'sma-cross', symbols: ['AAA', 'BBB'], params: { fast: 3, slow: 8, notional: 5_000 } }] };

  const first = await startEmbeddedHost(options);
  t.is(first.feed, 'synthetic');
  await run(first, clock, 150);
  const snap = await first.system.ask<SymbolSnapshot>({ path: '/market/AAA' }, { type: 'symbol.getSnapshot' }, 5_000);
  t.is(snap.bars.length, 150);
  t.true(snap.synthetic, 'bars are labelled synthetic');
  const status = await first.system.ask<StrategyStatus>(first.refs.strategies['fast-sma']!, { type: 'strategy.getStatus' }, 5_000);
  t.true(status.fills > 0, `the strategy traded: ${JSON.stringify(status)}`);
  const before = await portfolio(first);
  t.true(before.fillIds.length > 0);
  const lastBarTime = snap.bars[snap.bars.length - 1]!.time;
  await first.stop();

  const second = await startEmbeddedHost(options);
  t.teardown(() => second.stop());
  const after = await portfolio(second);
  t.deepEqual(after.fillIds, before.fillIds);
  t.is(after.cash, before.cash);
  t.deepEqual(Object.keys(after.positions).sort(), Object.keys(before.positions).sort());
  await run(second, clock, 3);
  const next = await second.system.ask<SymbolSnapshot>({ path: '/market/AAA' }, { type: 'symbol.getSnapshot' }, 5_000);
  t.true(next.bars[0]!.time > lastBarTime, 'the synthetic feed continues after the stored bars');
});
