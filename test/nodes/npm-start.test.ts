import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env = { ...process.env, BIFROST_RISK_KEY: 'k'.repeat(64), BIFROST_OPERATOR_TOKEN: 'operator-token-for-tests', BIFROST_LOG_LEVEL: 'info' };

interface Running {
  readonly child: ChildProcess;
  readonly ui: string;
  readonly inspector: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `npm start`'s entry and waits for its banner (the UI and inspector URLs). */
async function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import=tsx', join(root, 'nodes/embedded/main.ts'), '--data', dataDir, '--port', '0', '--metrics-port', '0', '--bar-ms', '20'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && !/metrics:/.test(out); i++) {
    if (child.exitCode !== null) throw new Error(`the node exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ui = /Bifrost web UI:\s+(\S+)/.exec(out)?.[1];
  const inspector = /inspector:\s+npx bifrost inspect nodes --url (\S+)/.exec(out)?.[1];
  if (ui === undefined || inspector === undefined) throw new Error(`no banner:\n${out}`);
  return { child, ui, inspector, output: () => out, exited };
}

function cli(...args: string[]): any {
  const r = spawnSync(process.execPath, ['--import=tsx', join(root, 'nodes/cli/main.ts'), ...args, '--json'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bifrost ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function eventually<T>(what: string, probe: () => T | undefined, tries = 120): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('npm start runs the embedded node: UI up, synthetic bars flow, trades go through risk and the paper venue, the inspector answers, SIGINT stops it, and a restart recovers the portfolio', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bifrost-start-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  const first = await start(dataDir);
  t.teardown(() => first.child.kill('SIGKILL'));
  const page = await fetch(first.ui);
  t.is(page.status, 200);
  t.regex(first.output(), /market data is SYNTHETIC/);

  const nodes = cli('inspect', 'nodes', '--url', first.inspector);
  t.like(nodes.nodes[0], { name: 'embedded', status: 'up' });

  const bars = await eventually('bars', () => {
    const summary = cli('inspect', 'actor', '/market/AAPL', '--url', first.inspector).actors[0].summary;
    return summary.lastBarTime !== undefined ? summary : undefined;
  });
  t.true(bars.synthetic);

  const filled = await eventually('a filled order', () => {
    const orders = cli('inspect', 'orders', '--url', first.inspector).orders as Array<{ status: string; strategyId: string }>;
    const done = orders.filter((o) => o.status === 'filled');
    return done.length > 0 ? done : undefined;
  });
  t.log(`${filled.length} filled orders, first from ${filled[0]!.strategyId}`);
  const before = await eventually('a portfolio with fills', () => {
    const s = cli('inspect', 'actor', '/trading/portfolio', '--url', first.inspector).actors[0].summary;
    return s.seq > 0 ? s : undefined;
  });

  first.child.kill('SIGINT');
  t.is(await first.exited, 0);
  t.regex(first.output(), /stopped cleanly/);

  const second = await start(dataDir);
  t.teardown(() => second.child.kill('SIGKILL'));
  const after = cli('inspect', 'actor', '/trading/portfolio', '--url', second.inspector).actors[0].summary;
  t.true(after.seq >= before.seq, `recovered to seq ${after.seq} (was at least ${before.seq} before the stop)`);
  t.true(after.eventsReplayed + after.recoveredFromSnapshotSeq >= before.seq);
  second.child.kill('SIGINT');
  t.is(await second.exited, 0);
});
