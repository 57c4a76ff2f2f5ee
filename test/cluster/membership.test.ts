import test from 'ava';
import { connect } from 'nats';
import { bucketNames, LeaderLease, openLeaseBucket } from '../../runtime/cluster/index.js';
import type { ClusterEvent, ClusterNode } from '../../runtime/cluster/index.js';
import { SystemClock } from '../../runtime/index.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import type { NatsCluster } from '../helpers/nats-cluster.js';
import { startNodes, waitFor } from './support.js';

let nats: NatsCluster;
let seq = 0;
const clusterName = (): string => `m${process.pid}-${++seq}`;

test.before(async () => {
  nats = await startNatsCluster();
});
test.after.always(async () => {
  await nats?.stop();
});

function events<T extends ClusterEvent['type']>(node: ClusterNode, type: T): Array<Extract<ClusterEvent, { type: T }>> {
  const out: Array<Extract<ClusterEvent, { type: T }>> = [];
  node.system.events.subscribe<Extract<ClusterEvent, { type: T }>>(type, (e) => out.push(e));
  return out;
}

const names = (nodes: readonly ClusterNode[]): string[] => nodes.map((n) => n.node);

test('every node sees every node come up, with its record', async (t) => {
  const nodes = await startNodes(t, nats.urls, clusterName(), [{ name: 'a', roles: ['trading'] }, { name: 'b', roles: ['gpu'] }, { name: 'c' }]);
  for (const node of nodes) await waitFor(`${node.node} sees 3 members`, () => node.membership.members().length === 3);
  const [a] = nodes;
  t.deepEqual(a!.membership.members().map((m) => m.name), ['a', 'b', 'c']);
  const b = a!.membership.record('b')!;
  t.deepEqual(b.roles, ['gpu']);
  t.is(b.pid, process.pid);
  t.true(b.startedAt > 0 && b.heartbeatAt >= b.startedAt);
  t.true(b.memory.rssBytes > 0);
  t.is(typeof b.version, 'string');
  t.true(a!.membership.isUp('c'));
});

test('a node that stops cleanly is seen down at once, reason left', async (t) => {
  const nodes = await startNodes(t, nats.urls, clusterName(), [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  await waitFor('a sees 3 members', () => nodes[0]!.membership.members().length === 3);
  const downs = events(nodes[0]!, 'cluster.nodeDown');
  const started = performance.now();
  await nodes[2]!.stop();
  await waitFor('c down at a', () => downs.length > 0);
  t.log(`down ${(performance.now() - started).toFixed(0)} ms after a clean stop`);
  t.like(downs[0], { node: 'c', reason: 'left' });
  t.deepEqual(nodes[0]!.membership.members().map((m) => m.name), ['a', 'b']);
});

test('a node whose connections die is marked down early as unreachable', async (t) => {
  // A long timeout, so only the probe path can mark it down however loaded the machine is.
  const nodes = await startNodes(t, nats.urls, clusterName(), [{ name: 'a' }, { name: 'b' }, { name: 'c' }], { nodeTimeoutMs: 10_000 });
  await waitFor('a sees 3 members', () => nodes[0]!.membership.members().length === 3);
  const downs = events(nodes[0]!, 'cluster.nodeDown');
  const started = performance.now();
  await nodes[2]!.kill();
  await waitFor('c down at a', () => downs.length > 0);
  t.log(`down ${(performance.now() - started).toFixed(0)} ms after the node went silent (timeout ${nodes[0]!.membership.nodeTimeoutMs} ms)`);
  t.like(downs[0], { node: 'c', reason: 'unreachable' });
});

test('a node that stops heartbeating but keeps its connection is marked down by heartbeat timeout', async (t) => {
  const nodes = await startNodes(t, nats.urls, clusterName(), [{ name: 'a' }, { name: 'b' }]);
  await waitFor('a sees 2 members', () => nodes[0]!.membership.members().length === 2);
  const downs = events(nodes[0]!, 'cluster.nodeDown');
  const ups = events(nodes[0]!, 'cluster.nodeUp');
  const started = performance.now();
  nodes[1]!.membership.kill(); // a hung process: the socket is open and answers probes, but no heartbeats
  await waitFor('b down at a', () => downs.length > 0);
  t.log(`down ${(performance.now() - started).toFixed(0)} ms after the last heartbeat stopped`);
  t.like(downs[0], { node: 'b', reason: 'heartbeat-timeout' });
  t.is(ups.length, 0);
});

test('one leader at a time; when it is killed another node takes the lease with a higher term', async (t) => {
  const nodes = await startNodes(t, nats.urls, clusterName(), [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd', leaderEligible: false }]);
  const leader = await waitFor('all agree on a leader', () => {
    const seen = new Set(nodes.map((n) => n.membership.leader));
    const only = [...seen][0];
    return seen.size === 1 && only !== undefined ? only : undefined;
  });
  t.not(leader, 'd');
  t.is(nodes.filter((n) => n.membership.isLeader).length, 1);
  const old = nodes.find((n) => n.node === leader)!;
  const term = old.membership.lease.term;
  const survivors = nodes.filter((n) => n !== old);
  const started = performance.now();
  await old.kill();
  const next = await waitFor('survivors agree on a new leader', () => {
    const seen = new Set(survivors.map((n) => n.membership.leader));
    const only = [...seen][0];
    return seen.size === 1 && only !== undefined && only !== leader ? only : undefined;
  });
  t.log(`leader ${leader} killed; ${next} took over after ${(performance.now() - started).toFixed(0)} ms`);
  t.not(next, 'd');
  t.true(names(survivors).includes(next));
  t.true(survivors.find((n) => n.node === next)!.membership.lease.term > term);
  t.is(survivors.filter((n) => n.membership.isLeader).length, 1);
});

test('contenders racing for a free lease never both hold it', async (t) => {
  const nc = await connect({ servers: nats.urls });
  t.teardown(() => nc.close());
  const name = clusterName();
  const js = nc.jetstream();
  const bucket = { js, kv: await openLeaseBucket(js, name, 3), name: bucketNames(name).lease };
  const clock = new SystemClock();
  const leases = ['x', 'y', 'z'].map((node) => new LeaderLease(bucket, { node, incarnation: `${node}-1`, eligible: true }, clock, 3_000, () => undefined));
  // Regression: with kv.create/kv.update (per-key expected revision) nats-server 2.9 let all three win.
  for (let round = 0; round < 11; round++) {
    await Promise.all(leases.map((l) => l.tick(() => false)));
    t.is(leases.filter((l) => l.isLeader).length, 1, `round ${round}`);
    if (round % 3 === 2) await leases.find((l) => l.isLeader)!.release();
  }
  const holder = leases.find((l) => l.isLeader)!;
  t.true(leases.every((l) => l.leader === holder.leader || l.leader === undefined));
});
