// Failover with real node processes: a persistent counter placed on one of three worker nodes survives
// its node's SIGKILL (recovered from PostgreSQL on a survivor with a higher epoch), and an owner that was
// SIGSTOPped through the failover cannot write when it resumes (fenced).
import test from 'ava';
import { pino } from 'pino';
import { ClusterNode } from '../../runtime/cluster/index.js';
import type { ClusterEvent } from '../../runtime/cluster/index.js';
import { ActorSystem } from '../../runtime/index.js';
import type { Persistence } from '../../persistence/index.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import type { NatsCluster } from '../helpers/nats-cluster.js';
import { postgresBackend } from '../persistence/backends.js';
import { counterRegistry } from './fixtures/counter.js';
import type { CounterMsg, CounterTotal } from './fixtures/counter.js';
import { NodeProcess } from './node-process.js';
import { waitFor } from './support.js';

const backend = postgresBackend();
const CLUSTER = 'failover';
let nats: NatsCluster;
let client: ClusterNode;
let store: Persistence;
const nodes = new Map<string, NodeProcess>();

test.before(async () => {
  nats = await startNatsCluster();
  const storage = await backend.createStorage();
  const [, pgUrl, schema] = storage.args as [string, string, string];
  store = await storage.open(); // migrates the schema before the nodes race to
  for (const name of ['n1', 'n2', 'n3']) {
    nodes.set(name, new NodeProcess({ node: name, cluster: CLUSTER, servers: [nats.urls[Number(name[1]) - 1]!], roles: ['worker'], pgUrl, schema }));
  }
  await Promise.all([...nodes.values()].map((n) => n.waitFor('ready', (l) => l.type === 'ready')));
  const system = ActorSystem.create({ node: 'client', logger: pino({ level: 'silent' }) });
  client = await ClusterNode.start({ system, clusterName: CLUSTER, servers: nats.urls, leaderEligible: false, transport: { registry: counterRegistry() } });
  await waitFor('all four members', () => client.membership.members().length === 4, 30_000);
});

test.after.always(async () => {
  await Promise.all([...nodes.values()].map((n) => n.kill()));
  await client?.stop().catch(() => undefined);
  await client?.system.shutdown();
  await store?.close();
  await nats?.stop();
  await backend.cleanup();
});

/** Asks the counter wherever the client's table says it is now; undefined until it answers. */
async function askCounter(name: string, msg: CounterMsg, timeoutMs = 1_000): Promise<CounterTotal | undefined> {
  const ref = client.refOf<CounterMsg>('counter', name);
  if (ref === undefined) return undefined;
  return client.system.ask<CounterTotal, CounterMsg>(ref, msg, timeoutMs).catch(() => undefined);
}

async function placeAndFill(name: string, adds: number): Promise<CounterTotal> {
  await client.place({ kind: 'counter', name, props: { id: name } });
  await waitFor(`${name} to answer`, () => askCounter(name, { type: 'counter.get' }), 30_000);
  let last: CounterTotal | undefined;
  for (let n = 1; n <= adds; n++) last = await client.system.ask<CounterTotal, CounterMsg>(client.refOf<CounterMsg>('counter', name)!, { type: 'counter.add', n }, 5_000);
  return last!;
}

test.serial('a SIGKILLed node\'s counter serves again from a survivor with its state and a higher epoch', async (t) => {
  const before = await placeAndFill('c1', 10);
  t.like(before, { total: 55, count: 10, epoch: 1 });
  const owner = nodes.get(before.node)!;
  const seen: Array<[string, number]> = [];
  const t0 = performance.now();
  client.system.events.subscribe<ClusterEvent>(['cluster.nodeDown'], (e) => seen.push([`client saw ${e.type} ${'node' in e ? e.node : ''}`, performance.now() - t0]));
  const off = client.table.onChange((id, v) => {
    if (id === 'counter/c1' && v !== undefined) seen.push([`table: counter/c1 -> ${v.entry.node} epoch ${v.entry.epoch}`, performance.now() - t0]);
  });
  const killedAt = performance.now();
  await owner.kill();
  const after = await waitFor('the counter on a survivor', async () => {
    const r = await askCounter('c1', { type: 'counter.get' }, 300);
    return r !== undefined && r.node !== owner.name ? r : undefined;
  }, 30_000);
  const failoverMs = performance.now() - killedAt;
  off();
  seen.push(['first answer from the survivor', failoverMs]);
  t.log(`failover after SIGKILL of ${owner.name}: ${failoverMs.toFixed(0)} ms`);
  for (const [what, at] of seen) t.log(`  +${at.toFixed(0)} ms ${what}`);
  t.like(after, { total: 55, count: 10, epoch: 2 });
  t.not(after.node, owner.name);
  const more = await client.system.ask<CounterTotal, CounterMsg>(client.refOf<CounterMsg>('counter', 'c1')!, { type: 'counter.add', n: 5 }, 5_000);
  t.like(more, { total: 60, count: 11 });
  t.is(await store.journal.currentEpoch('counter-c1'), 2);
});

test.serial('an owner SIGSTOPped through a failover cannot write when it resumes: its append is fenced', async (t) => {
  const before = await placeAndFill('c2', 5);
  t.is(before.total, 15);
  const zombie = nodes.get(before.node)!;
  client.system.tell(client.refOf<CounterMsg>('counter', 'c2')!, { type: 'counter.slowAdd', n: 100, delayMs: 2_000 });
  await zombie.waitFor('slowAdd received', (l) => l.type === 'counter.slowAddReceived');
  zombie.signal('SIGSTOP');
  const stoppedAt = performance.now();
  const after = await waitFor('the counter on another node', async () => {
    const r = await askCounter('c2', { type: 'counter.get' }, 300);
    return r !== undefined && r.node !== zombie.name ? r : undefined;
  }, 30_000);
  t.log(`failover after SIGSTOP of ${zombie.name}: ${(performance.now() - stoppedAt).toFixed(0)} ms (heartbeat timeout; probes still answered by the server)`);
  t.like(after, { total: 15, count: 5, epoch: before.epoch + 1 });

  zombie.signal('SIGCONT');
  const fenced = await zombie.waitFor('persistence.fenced', (l) => l.type === 'persistence.fenced', 30_000);
  t.like(fenced, { persistenceId: 'counter-c2', epoch: before.epoch, error: { code: 'JOURNAL_FENCED' } });
  await zombie.waitFor('the zombie letting go of c2', (l) => l.type === 'cluster.actorDeactivated' && l.id === 'counter/c2', 30_000).catch(() => undefined);

  const now = await client.system.ask<CounterTotal, CounterMsg>(client.refOf<CounterMsg>('counter', 'c2')!, { type: 'counter.get' }, 5_000);
  t.like(now, { total: 15, count: 5, node: after.node }, 'the zombie\'s slowAdd never reached the journal');
  const events: unknown[] = [];
  for await (const entry of store.journal.read('counter-c2')) events.push(entry.event);
  t.deepEqual(events, [1, 2, 3, 4, 5].map((n) => ({ n })));
  t.is(await store.journal.currentEpoch('counter-c2'), before.epoch + 1);
});
