import test from 'ava';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Actor } from '../../runtime/index.js';
import type { NodeRow, OrderListView, PlacementView, RiskView } from '../../actors/inspector/index.js';
import { freePorts } from '../helpers/free-port.js';
import { HOST_ENV, marketOrder, OPERATOR_TOKEN, parsePrometheusText, runCli, spawnCli, startInspectedHost, submitOrder } from './support.js';
import type { InspectedHost } from './support.js';

// One embedded host (simulated clock, no strategies) with its inspector and HTTP server for the whole file;
// the CLI runs as a child process against it, as an operator would run it.

/** Its first message never finishes until the test lets go, so the rest wait in its mailbox: a stuck actor. */
let release: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (release = resolve));
class Stuck extends Actor<{ readonly type: 'stuck.work' }> {
  receive(): Promise<void> {
    return gate;
  }
}

/** Fails on every message, so its supervisor restarts it. */
class Flaky extends Actor<{ readonly type: 'flaky.boom' }> {
  receive(): void {
    throw new Error('flaky failed on purpose');
  }
}

let h: InspectedHost;
let url: string;
const ANSI = /\x1b\[/;

test.before(async () => {
  h = await startInspectedHost();
  url = h.server.url;
  const filled = await submitOrder(h.host, marketOrder(h.host, 'AAA'));
  if (filled.type !== 'broker.orderUpdate') throw new Error(`set-up order was denied: ${JSON.stringify(filled)}`);
  await h.run(2); // the paper venue fills it on the next bar
  // From here on nothing waits for the system to settle: the stuck actor never would.
  const stuck = h.host.system.spawn(Stuck, 'stuck', undefined, { kind: 'stuck' });
  for (let i = 0; i < 5; i++) h.host.system.tell(stuck, { type: 'stuck.work' });
  const flaky = h.host.system.spawn(Flaky, 'flaky', undefined, { kind: 'flaky' });
  h.host.system.tell(flaky, { type: 'flaky.boom' });
  h.host.system.tell({ path: '/nowhere' }, { type: 'test.lost' });
  while (h.host.system.statsOf('/flaky')?.restarts !== 1 || h.host.system.statsOf('/stuck')?.mailboxDepth !== 4) await new Promise((r) => setTimeout(r, 5));
});

test.after.always(async () => {
  release();
  await h?.stop();
});

const cli = (...args: string[]) => runCli([...args, '--url', url]);
const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

const COMMANDS: ReadonlyArray<{ name: string; args: string[]; human: RegExp[]; check: (t: import('ava').ExecutionContext, out: any) => void }> = [
  {
    name: 'nodes',
    args: ['inspect', 'nodes'],
    human: [/^NODE\s+HOST\s+ROLES\s+STATUS\s+HEARTBEAT\s+UPTIME\s+VERSION\s+ACTORS\s+MSG\/S\s+MEMORY$/m, /^embedded\s+\S+\s+data,trading,gpu\s+up\s/m],
    check: (t, out: { nodes: NodeRow[] }) => {
      t.is(out.nodes.length, 1);
      t.like(out.nodes[0], { name: 'embedded', status: 'up', heartbeatAgeMs: null, version: '0.1.0' });
      t.true(out.nodes[0]!.actors! > 5 && out.nodes[0]!.rssBytes! > 0 && out.nodes[0]!.uptimeMs! > 0);
    },
  },
  {
    name: 'tree',
    args: ['inspect', 'tree'],
    human: [/^node embedded$/m, /^ACTOR\s+KIND\s+STATE\s+RESTARTS\s+MAILBOX$/m, /^\/trading\s+supervisor\s+running/m, /^├─ broker\s+broker\s+running/m, /^\/flaky\s+flaky\s+running\s+1\s+0$/m],
    check: (t, out) => {
      const trading = out.nodes[0].roots.find((r: { path: string }) => r.path === '/trading');
      t.deepEqual(trading.children.map((c: { path: string }) => c.path), ['/trading/portfolio', '/trading/broker', '/trading/risk', '/trading/feeder']);
      t.like(out.nodes[0].roots.find((r: { path: string }) => r.path === '/stuck'), { state: 'running', mailboxDepth: 4 });
    },
  },
  {
    name: 'actor',
    args: ['inspect', 'actor', '/trading/risk'],
    human: [/^path\s+\/trading\/risk$/m, /^kind\s+risk$/m, /^placement\s+not placed \(local\)$/m, /^mailbox\s+0 \(high-water \d+, capacity 1,000,000\)$/m, /^state summary:$/m, /^\s+tradingState\s+(ACTIVE|HALTED|REDUCING)$/m],
    check: (t, out) => {
      t.like(out.actors[0], { node: 'embedded', path: '/trading/risk', placement: null, stats: { kind: 'risk', state: 'running', errors: 0 } });
      t.is(out.actors[0].summary.riskId, 'risk');
    },
  },
  {
    name: 'placement',
    args: ['inspect', 'placement'],
    human: [/^not clustered/m],
    check: (t, out: PlacementView) => t.deepEqual(out, { clustered: false, cluster: null, leader: null, term: null, entries: [] }),
  },
  {
    name: 'deadletters',
    args: ['inspect', 'deadletters'],
    human: [/^node embedded: \d+ dead letters \(.*unknown \d/m, /^TIME\s+REASON\s+TYPE\s+RECIPIENT\s+SENDER\s+DETAIL$/m, /unknown\s+test\.lost\s+\/nowhere/],
    check: (t, out) => {
      t.true(out.nodes[0].total >= 1);
      t.true(out.nodes[0].recent.some((d: { messageType: string; reason: string }) => d.messageType === 'test.lost' && d.reason === 'unknown'));
      t.false(JSON.stringify(out).includes('"message"'), 'dead letters are listed without their messages');
    },
  },
  {
    name: 'orders',
    args: ['inspect', 'orders', '--portfolio', 'main'],
    human: [/^\d+ orders? at \/trading\/broker \(node embedded\)$/m, /^CLIENT ORDER ID\s+PORTFOLIO\s+STRATEGY\s+SYMBOL\s+SIDE\s+TYPE\s+QTY\s+PRICE\s+FILLED\s+AVG PRICE\s+STATUS\s+UPDATED$/m, /^insp-\S+\s+main\s+operator-test\s+AAA\s+buy\s+market\s+1\s+-\s+1\s+[\d.]+\s+filled/m],
    check: (t, out: OrderListView) => {
      t.true(out.total >= 1);
      t.like(out.orders[0], { portfolioId: 'main', symbol: 'AAA', status: 'filled', filledQuantity: 1 });
    },
  },
  {
    name: 'risk',
    args: ['inspect', 'risk'],
    human: [/^trading state: (ACTIVE|HALTED|REDUCING)\s+\(risk risk at \/trading\/risk, node embedded\)$/m, /^PORTFOLIO\s+MEASURE\s+VALUE\s+LIMIT\s+USED$/m, /^main\s+gross exposure\s+[\d,.]+\s+250,000\s+[\d.]+%$/m, /^main\s+open orders\s+\d+\s+50\s/m],
    check: (t, out: RiskView) => {
      t.is(out.riskId, 'risk');
      t.is(out.limits.maxGrossExposure, 250_000);
      const gross = out.utilisation.find((u) => u.portfolioId === 'main' && u.measure === 'grossExposure')!;
      t.true(gross.value! > 0 && gross.utilisation! > 0 && gross.utilisation! < 0.01);
    },
  },
];

for (const c of COMMANDS) {
  test(`inspect ${c.name} answers in aligned human form and in JSON, exit 0`, async (t) => {
    const [human, machine] = await Promise.all([cli(...c.args), cli(...c.args, '--json')]);
    t.is(human.code, 0, human.stderr);
    t.is(machine.code, 0, machine.stderr);
    t.false(ANSI.test(human.stdout), 'no colour when stdout is not a terminal');
    for (const re of c.human) t.regex(human.stdout, re);
    c.check(t, json(machine.stdout));
  });
}

test('inspect actor shows the mailbox of a stuck actor and the last error and restarts of a failing one', async (t) => {
  const stuck = await cli('inspect', 'actor', '/stuck', '--json');
  t.like(json<any>(stuck.stdout).actors[0].stats, { mailboxDepth: 4, mailboxHighWater: 5, processed: 1 });
  const flaky = await cli('inspect', 'actor', '/flaky');
  t.regex(flaky.stdout, /^last error\s+Error: flaky failed on purpose/m);
  t.regex(flaky.stdout, /^restarts\s+1$/m);
});

test('an unknown actor path, a node the endpoint does not serve and bad usage fail with clear messages', async (t) => {
  const missing = await cli('inspect', 'actor', '/no/such/actor');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no actor at \/no\/such\/actor on node embedded/);
  const other = await cli('inspect', 'tree', '--node', 'gpu');
  t.is(other.code, 1);
  t.regex(other.stderr, /serves node embedded, not gpu; use --nats/);
  const bad = await runCli(['inspect', 'everything']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown view "everything"; one of nodes, tree, actor, placement, deadletters, orders, risk/);
  const noPath = await runCli(['inspect', 'actor']);
  t.is(noPath.code, 2);
  const wrongOption = await runCli(['inspect', 'nodes', '--open']);
  t.is(wrongOption.code, 2);
  t.regex(wrongOption.stderr, /inspect nodes takes no --open/);
});

test('an unreachable node or cluster is reported with where the CLI tried, exit 1', async (t) => {
  const [port] = await freePorts(1); // nothing listens there
  const http = await runCli(['inspect', 'nodes', '--url', `http://127.0.0.1:${port}`]);
  t.is(http.code, 1);
  t.is(http.stderr, `bifrost inspect: cannot reach the Bifrost node at http://127.0.0.1:${port}: ECONNREFUSED (is the node running, and is this its inspector port?)\n`);
  const nats = await runCli(['inspect', 'nodes', '--nats', `nats://127.0.0.1:${port}`, '--cluster', 'prod']);
  t.is(nats.code, 1);
  t.regex(nats.stderr, new RegExp(`^bifrost inspect: cannot reach NATS at nats://127\\.0\\.0\\.1:${port}: `, 'm'));
  const halt = await runCli(['halt', '--reason', 'test', '--url', `http://127.0.0.1:${port}`], { BIFROST_OPERATOR_TOKEN: OPERATOR_TOKEN });
  t.is(halt.code, 1);
  t.regex(halt.stderr, /^bifrost halt: cannot reach the Bifrost node at http:/m);
});

test.serial('halt denies new orders with TRADING_HALTED, reduce lets only reducing orders through, resume accepts them again; each change is journaled with who and why', async (t) => {
  const env = { BIFROST_OPERATOR_TOKEN: OPERATOR_TOKEN, BIFROST_OPERATOR: 'alice' };
  const halted = await runCli(['halt', '--reason', 'venue outage', '--url', url, '--json'], env);
  t.is(halted.code, 0, halted.stderr);
  t.like(json<any>(halted.stdout), { type: 'inspector.tradingStateSet', from: 'ACTIVE', to: 'HALTED', trigger: 'operator', by: 'alice', reason: 'venue outage' });
  const denied = await submitOrder(h.host, marketOrder(h.host, 'AAA'));
  t.is(denied.type, 'risk.orderDenied');
  t.is(denied.type === 'risk.orderDenied' ? denied.denial.code : undefined, 'TRADING_HALTED');

  const reduced = await runCli(['reduce', '--reason', 'winding down', '--url', url], env);
  t.is(reduced.code, 0, reduced.stderr);
  t.regex(reduced.stdout, /^trading state HALTED -> REDUCING by alice at .*: winding down$/m);
  const buy = await submitOrder(h.host, marketOrder(h.host, 'AAA'));
  t.is(buy.type === 'risk.orderDenied' ? buy.denial.code : buy.type, 'REDUCING_ONLY');

  const resumed = await runCli(['resume', '--reason', 'venue back', '--url', url], env);
  t.is(resumed.code, 0, resumed.stderr);
  const accepted = await submitOrder(h.host, marketOrder(h.host, 'BBB'));
  t.is(accepted.type, 'broker.orderUpdate');

  const risk = json<RiskView>((await cli('inspect', 'risk', '--json')).stdout);
  t.is(risk.tradingState, 'ACTIVE');
  t.deepEqual(risk.history.slice(-3).map((c) => [c.from, c.to, c.by, c.reason]), [['ACTIVE', 'HALTED', 'alice', 'venue outage'], ['HALTED', 'REDUCING', 'alice', 'winding down'], ['REDUCING', 'ACTIVE', 'alice', 'venue back']]);
  const metrics = parsePrometheusText(await h.server.metrics.text());
  const denials = metrics.get('bifrost_risk_denials_total')!.samples;
  t.is(denials.find((s) => s.labels.code === 'TRADING_HALTED')?.value, 1);
  t.is(denials.find((s) => s.labels.code === 'REDUCING_ONLY')?.value, 1);
});

test.serial('a missing operator token is a usage error (exit 2), a wrong one is refused (exit 3), and neither changes the trading state', async (t) => {
  const missing = await runCli(['halt', '--reason', 'x', '--url', url]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /^bifrost halt: \$BIFROST_OPERATOR_TOKEN is not set/m);
  const wrong = await runCli(['halt', '--reason', 'x', '--url', url], { BIFROST_OPERATOR_TOKEN: 'not-the-operator-token' });
  t.is(wrong.code, 3);
  t.regex(wrong.stderr, /^bifrost halt: refused: UNAUTHORISED: the operator credential is missing or does not match$/m);
  t.false(wrong.stderr.includes('not-the-operator-token'));
  const wrongJson = await runCli(['halt', '--reason', 'x', '--url', url, '--json'], { BIFROST_OPERATOR_TOKEN: 'not-the-operator-token' });
  t.is(wrongJson.code, 3);
  t.like(json<any>(wrongJson.stdout), { type: 'inspector.refused', refusal: 'UNAUTHORISED' });
  const noReason = await runCli(['halt', '--url', url], { BIFROST_OPERATOR_TOKEN: OPERATOR_TOKEN });
  t.is(noReason.code, 2);
  t.regex(noReason.stderr, /--reason TEXT is required/);
  // Straight at the server: no bearer header, and a token in the body instead of the header.
  const raw = await fetch(`${url}/inspect`, { method: 'POST', body: JSON.stringify({ type: 'inspector.setTradingState', to: 'HALTED', reason: 'x', operator: 'mallory', operatorToken: OPERATOR_TOKEN }) });
  t.is(raw.status, 401);
  t.like(await raw.json(), { type: 'inspector.refused', refusal: 'UNAUTHORISED' });
  t.is(json<RiskView>((await cli('inspect', 'risk', '--json')).stdout).tradingState, 'ACTIVE');
  const accepted = await submitOrder(h.host, marketOrder(h.host, 'BBB'));
  t.is(accepted.type, 'broker.orderUpdate');
});

test('/metrics parses as Prometheus text and carries every bifrost metric', async (t) => {
  const response = await fetch(`${url}/metrics`);
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusText(await response.text());
  const expected: Record<string, string> = {
    bifrost_actors: 'gauge',
    bifrost_mailbox_depth: 'gauge',
    bifrost_messages_processed_total: 'counter',
    bifrost_actor_restarts_total: 'counter',
    bifrost_dead_letters_total: 'counter',
    bifrost_ask_duration_seconds: 'histogram',
    bifrost_orders: 'gauge',
    bifrost_risk_denials_total: 'counter',
    bifrost_trading_state: 'gauge',
  };
  for (const [name, type] of Object.entries(expected)) t.is(families.get(name)?.type, type, name);
  const value = (name: string, labels: Record<string, string> = {}) => families.get(name)!.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  t.true(value('bifrost_actors')! >= 10);
  t.is(value('bifrost_mailbox_depth', { path: '/stuck' }), 4);
  t.true(value('bifrost_messages_processed_total')! > 0);
  t.true(value('bifrost_actor_restarts_total')! >= 1);
  t.true(value('bifrost_dead_letters_total', { reason: 'unknown' })! >= 1);
  t.true(value('bifrost_orders', { state: 'filled' })! >= 1);
  t.is(families.get('bifrost_trading_state')!.samples.filter((s) => s.value === 1).length, 1);
  t.true(families.get('bifrost_actors')!.samples.every((s) => s.labels.node === 'embedded'));
  t.true(families.has('process_resident_memory_bytes'));
});

test('--watch refreshes with one JSON document per line until interrupted, exit 0', async (t) => {
  const child = spawnCli(['inspect', 'nodes', '--url', url, '--json', '--watch', '0.2']);
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve) => reader.on('line', (line) => lines.push(line) >= 2 && resolve()));
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  t.is(code, 0);
  for (const line of lines.slice(0, 2)) t.is(json<{ nodes: NodeRow[] }>(line).nodes[0]!.name, 'embedded');
});

test('the inspector server refuses malformed queries and unknown routes', async (t) => {
  const bad = await fetch(`${url}/inspect`, { method: 'POST', body: '{"type":"inspector.actor","path":"no-slash"}' });
  t.is(bad.status, 400);
  t.like(await bad.json(), { type: 'inspector.error', code: 'BAD_REQUEST' });
  const notJson = await fetch(`${url}/inspect`, { method: 'POST', body: 'halt please' });
  t.is(notJson.status, 400);
  t.is((await fetch(`${url}/nowhere`)).status, 404);
  t.is((await fetch(`${url}/inspect`)).status, 405);
  t.deepEqual(await (await fetch(`${url}/healthz`)).json(), { ok: true, node: 'embedded' });
  t.is(HOST_ENV.BIFROST_OPERATOR_TOKEN, OPERATOR_TOKEN);
});
