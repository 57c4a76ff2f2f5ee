import test from 'ava';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { NodeRow, OrderListView, PlacementView, RiskView } from '../../actors/inspector/index.js';
import type { BrokerOrderUpdate } from '../../actors/broker/protocol.js';
import type { RiskOrderDenied } from '../../actors/risk/protocol.js';
import { ActorSystem } from '../../runtime/index.js';
import { bucketNames, PlacementTable } from '../../runtime/cluster/index.js';
import { NatsTransport } from '../../runtime/transport/index.js';
import { NatsInspectorClient } from '../../nodes/inspector/nats-client.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import type { NatsCluster } from '../helpers/nats-cluster.js';
import type { InspectorNodeConfig } from './fixtures/cluster-node.js';
import { HOST_ENV, OPERATOR_TOKEN, parsePrometheusText, runCli } from './support.js';

// Three node processes (trading, data, gpu) on a three-server NATS cluster; the CLI reaches them over NATS
// as an operator would. The tests run in order: the last one kills a node.

const FIXTURE = fileURLToPath(new URL('./fixtures/cluster-node.ts', import.meta.url));
const cluster = `insp${process.pid}`;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

interface Node {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
}

let nats: NatsCluster;
let dataDir: string;
const nodes = new Map<string, Node>();
let tester: ActorSystem;
let transport: NatsTransport;

function startNode(config: InspectorNodeConfig): Promise<Node> {
  const child = spawn(process.execPath, ['--import=tsx', FIXTURE, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${config.node} not ready in 60 s:\n${stderr}`)), 60_000);
    child.once('exit', () => reject(new Error(`node ${config.node} exited during start-up:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { type: string; url: string };
      if (event.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ name: config.node, child, url: event.url });
    });
  });
}

const overNats = (...args: string[]) => runCli([...args, '--nats', nats.urls.join(','), '--cluster', cluster]);
const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await check().catch((error: unknown) => void (last = error));
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function withClient<T>(use: (client: NatsInspectorClient) => Promise<T>): Promise<T> {
  const client = await NatsInspectorClient.connect({ servers: nats.urls, cluster });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

test.before(async () => {
  nats = await startNatsCluster();
  dataDir = mkdtempSync(join(tmpdir(), 'bifrost-inspector-cluster-'));
  const base = { cluster, servers: nats.urls, dataDir, env: HOST_ENV };
  const started = await Promise.all([
    startNode({ ...base, node: 'trading', roles: ['trading'], trading: true }),
    startNode({ ...base, node: 'data', roles: ['data'], trading: false }),
    startNode({ ...base, node: 'gpu', roles: ['gpu'], trading: false }),
  ]);
  for (const n of started) nodes.set(n.name, n);
  tester = ActorSystem.create({ node: 'tester', logger: pino({ level: 'silent' }) });
  transport = await NatsTransport.connect(tester, { cluster, servers: nats.urls, acceptUnregisteredTypes: true });
  await eventually('three live nodes answering', () => withClient(async (c) => ((await c.nodes()).filter((r) => r.status === 'up' && r.error === undefined).length === 3 ? true : undefined)));
  // Placed once every node is up, so the leader sees the gpu node when it assigns.
  const js = transport.connection.jetstream();
  const table = new PlacementTable({ js, kv: await js.views.kv(bucketNames(cluster).placement, { bindOnly: true }), name: bucketNames(cluster).placement }, tester.clock, () => undefined);
  await table.start();
  await table.place({ kind: 'note', name: 'note-1' });
  table.stop();
  await eventually('note-1 placed on gpu', () => withClient(async (c) => ((await c.placement()).entries.find((e) => e.id === 'note/note-1')?.node === 'gpu' ? true : undefined)));
});

test.after.always(async () => {
  await transport?.close();
  await tester?.shutdown();
  await Promise.all([...live].map((child) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
  await nats?.stop();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

function submit(symbol: string): Promise<RiskOrderDenied | BrokerOrderUpdate> {
  const order = { clientOrderId: `cl-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, portfolioId: 'main', strategyId: 'operator-test', symbol, side: 'buy', type: 'market', quantity: 1, tif: 'day', createdAt: Date.now() };
  return tester.ask<RiskOrderDenied | BrokerOrderUpdate>({ node: 'trading', path: '/trading/risk' }, { type: 'risk.submitOrder', order }, 10_000);
}

test.serial('inspect nodes over NATS lists the three nodes with their roles, heartbeat, uptime, version, actors, msg/s and memory', async (t) => {
  const [human, machine] = await Promise.all([overNats('inspect', 'nodes'), overNats('inspect', 'nodes', '--json')]);
  t.is(human.code, 0, human.stderr);
  t.is(machine.code, 0, machine.stderr);
  t.regex(human.stdout, /^NODE\s+HOST\s+ROLES\s+STATUS\s+HEARTBEAT\s+UPTIME\s+VERSION\s+ACTORS\s+MSG\/S\s+MEMORY$/m);
  for (const [name, role] of [['data', 'data'], ['gpu', 'gpu'], ['trading', 'trading']]) t.regex(human.stdout, new RegExp(`^${name}( \\*)?\\s+\\S+\\s+${role}\\s+up\\s`, 'm'));
  const rows = json<{ nodes: NodeRow[] }>(machine.stdout).nodes;
  t.deepEqual(rows.map((r) => [r.name, r.status]), [['data', 'up'], ['gpu', 'up'], ['trading', 'up']]);
  t.is(rows.filter((r) => r.leader).length, 1);
  for (const r of rows) {
    // Freshness is what `up` (asserted above) means; a wall-clock bound here would only measure the machine's load.
    t.true(typeof r.heartbeatAgeMs === 'number' && r.heartbeatAgeMs >= 0, `${r.name} heartbeat ${r.heartbeatAgeMs}`);
    t.true(r.uptimeMs! > 0 && r.actors! >= 1 && r.rssBytes! > 0 && r.msgPerSec !== null, JSON.stringify(r));
  }
});

test.serial('tree, actor, placement, deadletters, orders and risk answer over NATS in human and JSON form', async (t) => {
  const runs = await Promise.all([
    overNats('inspect', 'tree'),
    overNats('inspect', 'tree', '--node', 'trading', '--json'),
    overNats('inspect', 'actor', '/note-1'),
    overNats('inspect', 'actor', '/trading/risk', '--json'),
    overNats('inspect', 'placement'),
    overNats('inspect', 'placement', '--json'),
    overNats('inspect', 'deadletters', '--node', 'gpu'),
    overNats('inspect', 'deadletters', '--json'),
    overNats('inspect', 'orders', '--open'),
    overNats('inspect', 'orders', '--json'),
    overNats('inspect', 'risk'),
    overNats('inspect', 'risk', '--json'),
  ]);
  for (const r of runs) t.is(r.code, 0, r.stderr);
  const [tree, treeJson, note, risk, placement, placementJson, dead, deadJson, orders, ordersJson, riskHuman, riskJson] = runs.map((r) => r.stdout);
  t.regex(tree!, /^node data$/m);
  t.regex(tree!, /^node gpu$/m);
  t.regex(tree!, /^\/note-1\s+note\s+running/m);
  t.regex(tree!, /^node trading$/m);
  t.is(json<any>(treeJson!).nodes.length, 1);
  t.true(json<any>(treeJson!).nodes[0].roots.some((r: { path: string }) => r.path === '/trading'));
  t.regex(note!, /^node\s+gpu$/m);
  t.regex(note!, /^placement\s+note\/note-1, epoch 1, on gpu$/m);
  t.like(json<any>(risk!).actors[0], { node: 'trading', path: '/trading/risk', stats: { kind: 'risk' } });
  t.regex(placement!, new RegExp(`^cluster ${cluster}, leader (data|gpu|trading) \\(term \\d+\\)$`, 'm'));
  t.regex(placement!, /^note\/note-1\s+\/note-1\s+gpu\s+up\s+1\s/m);
  t.like(json<PlacementView>(placementJson!), { clustered: true, cluster, entries: [{ id: 'note/note-1', node: 'gpu', epoch: 1, nodeStatus: 'up' }] });
  t.regex(dead!, /^node gpu: /m);
  t.deepEqual(json<any>(deadJson!).nodes.map((n: { node: string }) => n.node), ['data', 'gpu', 'trading']);
  t.regex(orders!, /^\d+ orders? at trading\/trading\/broker \(node (data|gpu|trading)\)$/m);
  t.is(json<OrderListView>(ordersJson!).broker, 'trading/trading/broker');
  t.regex(riskHuman!, /^trading state: ACTIVE\s+\(risk risk at trading\/trading\/risk, node trading\)$/m);
  t.like(json<RiskView>(riskJson!), { riskId: 'risk', tradingState: 'ACTIVE' });
});

test.serial('over NATS: halt denies new orders with TRADING_HALTED, resume accepts them, a wrong token is refused', async (t) => {
  const env = { BIFROST_OPERATOR_TOKEN: OPERATOR_TOKEN, BIFROST_OPERATOR: 'bob' };
  await eventually('an order accepted before the halt', async () => ((await submit('AAA')).type === 'broker.orderUpdate' ? true : undefined));
  const wrong = await runCli(['halt', '--reason', 'x', '--nats', nats.urls.join(','), '--cluster', cluster], { BIFROST_OPERATOR_TOKEN: 'not-the-operator-token' });
  t.is(wrong.code, 3);
  t.regex(wrong.stderr, /refused: UNAUTHORISED/);
  const halt = await runCli(['halt', '--reason', 'cluster drill', '--nats', nats.urls.join(','), '--cluster', cluster, '--json'], env);
  t.is(halt.code, 0, halt.stderr);
  t.like(json<any>(halt.stdout), { type: 'inspector.tradingStateSet', from: 'ACTIVE', to: 'HALTED', by: 'bob', reason: 'cluster drill' });
  const denied = await submit('AAA');
  t.is(denied.type === 'risk.orderDenied' ? denied.denial.code : denied.type, 'TRADING_HALTED');
  const resume = await runCli(['resume', '--reason', 'drill over', '--nats', nats.urls.join(','), '--cluster', cluster], env);
  t.is(resume.code, 0, resume.stderr);
  t.regex(resume.stdout, /^trading state HALTED -> ACTIVE by bob at .*: drill over$/m);
  t.is((await submit('BBB')).type, 'broker.orderUpdate');
  const metrics = parsePrometheusText(await (await fetch(`${nodes.get('trading')!.url}/metrics`)).text());
  t.is(metrics.get('bifrost_risk_denials_total')!.samples.find((s) => s.labels.code === 'TRADING_HALTED')?.value, 1);
  t.is(metrics.get('bifrost_trading_state')!.samples.find((s) => s.value === 1)?.labels.state, 'ACTIVE');
  t.true(metrics.get('bifrost_orders')!.samples.some((s) => s.value > 0));
  // Nodes that host no order-path actor export no order or trading-state series (no double counting).
  const gpu = parsePrometheusText(await (await fetch(`${nodes.get('gpu')!.url}/metrics`)).text());
  t.is(gpu.get('bifrost_orders')!.samples.length, 0);
  t.true(gpu.get('bifrost_actors')!.samples[0]!.value >= 2);
});

test.serial('a SIGKILLed node shows as down within the membership TTL, with its last heartbeat age, and its placed actor moves', async (t) => {
  const gpu = nodes.get('gpu')!;
  gpu.child.kill('SIGKILL');
  const down = await eventually('gpu down in inspect nodes --json', async () => {
    const r = await overNats('inspect', 'nodes', '--json');
    const row = json<{ nodes: NodeRow[] }>(r.stdout).nodes.find((n) => n.name === 'gpu');
    return row?.status === 'down' ? { r, row } : undefined;
  });
  t.is(down.r.code, 0);
  t.like(down.row, { status: 'down', uptimeMs: null, msgPerSec: null });
  t.true(down.row.heartbeatAgeMs! > 1_500, `last heartbeat ${down.row.heartbeatAgeMs} ms ago`);
  const human = await overNats('inspect', 'nodes');
  t.regex(human.stdout, /^gpu\s+\S+\s+gpu\s+down \((unreachable|heartbeat-timeout)\)\s+\d/m);
  t.regex(human.stdout, /^data( \*)?\s+\S+\s+data\s+up\s/m);
  // A cluster node's own HTTP endpoint answers from its membership view: every node seen, the dead one too.
  const viewed = await eventually('gpu down at the data node', async () => {
    const rows = json<{ nodes: NodeRow[] }>((await runCli(['inspect', 'nodes', '--url', nodes.get('data')!.url, '--json'])).stdout).nodes;
    return rows.find((n) => n.name === 'gpu')?.status === 'down' ? rows : undefined;
  });
  t.deepEqual(viewed.map((n) => [n.name, n.status]), [['data', 'up'], ['gpu', 'down'], ['trading', 'up']]);
  t.true(viewed.find((n) => n.name === 'trading')!.msgPerSec !== null, 'live nodes answer for themselves');
  const moved = await eventually('note-1 re-placed on data', async () => {
    const view = await withClient((c) => c.placement());
    const entry = view.entries.find((e) => e.id === 'note/note-1');
    return entry?.node === 'data' ? entry : undefined;
  });
  t.is(moved.epoch, 2);
  const tree = await overNats('inspect', 'tree', '--node', 'gpu');
  t.is(tree.code, 1);
  t.regex(tree.stderr, /cannot reach node gpu/);
});
