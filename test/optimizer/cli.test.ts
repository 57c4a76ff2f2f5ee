import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadCsv } from '../../actors/market/csv.js';
import { float32Reference, prepareSweep, rankResults } from '../../actors/optimizer/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function bifrost(...args: string[]) {
  return spawnSync(process.execPath, ['--import=tsx', 'nodes/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

test('optimize --json prints the backend, the combination count and the ranked results, best first', async (t) => {
  const r = bifrost('optimize', '--strategy', 'sma-cross', '--symbol', 'ALFA', '--csv', 'test/fixtures/ohlcv/ALFA.csv', '--grid', 'fast=2..6,slow=8..20:4', '--json', '--top', '5', '--slippage-bps', '2');
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { backend: string; combos: number; results: Array<{ params: Record<string, number>; metrics: Record<string, number> }> };
  t.deepEqual(Object.keys(out), ['backend', 'combos', 'results']);
  t.is(out.combos, 20);
  t.true(['webasm', 'webgpu', 'webgl2', 'webgl', 'headlessgl', 'cpu'].includes(out.backend));
  t.is(out.results.length, 5);
  t.true(out.results.every((x, i) => i === 0 || x.metrics['sharpe']! <= out.results[i - 1]!.metrics['sharpe']!));
  t.deepEqual(Object.keys(out.results[0]!.metrics).sort(), ['cagr', 'calmar', 'finalEquity', 'maxDrawdown', 'sharpe', 'totalReturn', 'trades']);
  t.regex(r.stderr, /progress: 20\/20 combinations, chunk 1\/1/);
  if (out.backend === 'webasm') {
    const { bars } = await loadCsv('test/fixtures/ohlcv/ALFA.csv');
    const setup = prepareSweep({ strategy: 'sma-cross', symbol: 'ALFA', grid: 'fast=2..6,slow=8..20:4', top: 5, slippageBps: 2 }, bars);
    const raw = float32Reference({ strategy: 'sma-cross', bars: setup.bars, grid: setup.grid, costs: setup.costs, approach: 'indexed' });
    const expected = rankResults(raw, setup.grid, 'sharpe', 5, 100_000, setup.years).map((x) => ({ params: x.params, metrics: x.metrics }));
    t.deepEqual(out.results, JSON.parse(JSON.stringify(expected)));
  }
});

test('optimize prints a table ranked by the chosen objective', (t) => {
  const r = bifrost('optimize', '--strategy', 'rsi-reversion', '--csv', 'test/fixtures/ohlcv/ALFA.csv', '--grid', 'period=2..6,oversold=30|40,overbought=60|70', '--objective', 'totalReturn', '--commission', 'bps:5:1');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /rsi-reversion on ALFA: 60 bars 2024-01-02\.\.2024-03-25, 20 combinations, ranked by totalReturn/);
  t.regex(r.stdout, /#\s+period\s+oversold\s+overbought\s+notional\s+sharpe\s+return/);
  const returns = r.stdout.split('\n').filter((l) => /^\s*\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[6]!.replace('%', '')));
  t.is(returns.length, 10);
  t.deepEqual(returns, [...returns].sort((a, b) => b - a));
});

const bad: Array<{ name: string; args: string[]; says: RegExp }> = [
  { name: 'fast >= slow everywhere', args: ['--strategy', 'sma-cross', '--csv', 'test/fixtures/ohlcv/ALFA.csv', '--grid', 'fast=30..40:5,slow=10..20:5'], says: /no valid combination among 9: fast \(30\) must be less than slow \(10\)/ },
  { name: 'an empty range', args: ['--strategy', 'sma-cross', '--csv', 'test/fixtures/ohlcv/ALFA.csv', '--grid', 'fast=9..2,slow=20'], says: /fast: empty range 9\.\.2:1/ },
  { name: 'a missing --grid', args: ['--strategy', 'sma-cross', '--csv', 'test/fixtures/ohlcv/ALFA.csv'], says: /--grid is required/ },
  { name: 'an unknown objective', args: ['--strategy', 'sma-cross', '--csv', 'test/fixtures/ohlcv/ALFA.csv', '--grid', 'fast=2', '--objective', 'profit'], says: /objective: "profit" is not one of sharpe, totalReturn, calmar/ },
  { name: 'a bad commission', args: ['--strategy', 'sma-cross', '--csv', 'test/fixtures/ohlcv/ALFA.csv', '--grid', 'fast=2', '--commission', 'flat:3'], says: /--commission: cannot read "flat:3"/ },
  { name: 'a missing CSV', args: ['--strategy', 'sma-cross', '--csv', 'test/fixtures/ohlcv/NOPE.csv', '--grid', 'fast=2'], says: /NOPE\.csv/ },
];
for (const row of bad) {
  test(`optimize exits non-zero with a clear message on ${row.name}`, (t) => {
    const r = bifrost('optimize', ...row.args);
    t.is(r.status, 2, r.stdout);
    t.regex(r.stderr, row.says);
    t.is(r.stdout, '');
  });
}
