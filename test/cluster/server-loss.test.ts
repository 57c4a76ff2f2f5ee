// One of three NATS servers dies and stays down. nats-server (seen with 2.9.10) may then place a watch's
// ephemeral consumer on the dead server's replica, and that create is never answered: about half of them,
// still half a minute after the kill. Joining the cluster starts two watches (placement table, membership),
// so before the watches were asked for again most joins failed. Each join here must start, and see the
// table and the members.
import test from 'ava';
import { ClusterNode, ClusterJoinError } from '../../runtime/cluster/index.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { clusterSystem, startNodes, waitFor } from './support.js';

const CLUSTER = 'server-loss';
const JOINS = 6;

test('after one of three NATS servers dies for good, nodes still join: each of six joins starts and sees the placement table and the members', async (t) => {
  const nats = await startNatsCluster();
  t.teardown(() => nats.stop());
  // `first` is connected to server 0; server 1 is the one that dies.
  const [first] = await startNodes(t, nats.urls, CLUSTER, [{ name: 'first' }]);
  await first!.place({ kind: 'nowhere', name: 'entry', props: { n: 1 } });
  await nats.kill(1);

  const joins: string[] = [];
  for (let i = 0; i < JOINS; i++) {
    const system = clusterSystem(`late-${i}`);
    t.teardown(() => system.shutdown());
    const started = performance.now();
    const node = await ClusterNode.start({ system, clusterName: CLUSTER, servers: nats.urls, leaderEligible: false, transport: { acceptUnregisteredTypes: true } });
    joins.push(`${(performance.now() - started).toFixed(0)} ms`);
    t.teardown(() => node.stop().catch(() => undefined));
    t.deepEqual(node.table.get('nowhere', 'entry')?.props, { n: 1 }, `join ${i} loaded the placement table`);
    await waitFor(`join ${i} to see the first node`, () => node.membership.members().some((m) => m.name === 'first'), 10_000);
    await node.stop();
  }
  t.log(`joins after the kill: ${joins.join(', ')}`);
});

test('a join that cannot finish names the step that failed', async (t) => {
  const nats = await startNatsCluster();
  t.teardown(() => nats.stop());
  const system = clusterSystem('lonely');
  t.teardown(() => system.shutdown());
  // JetStream needs two of its three servers: with one left, opening the first bucket cannot succeed.
  await nats.kill(1);
  await nats.kill(2);
  const error = await t.throwsAsync(ClusterNode.start({ system, clusterName: CLUSTER, servers: [nats.urls[0]!], transport: { acceptUnregisteredTypes: true } }), { instanceOf: ClusterJoinError });
  t.is(error?.code, 'CLUSTER_JOIN_FAILED');
  t.is(error?.step, 'opening the membership bucket');
  t.regex(error?.message ?? '', /^joining the cluster failed while opening the membership bucket: /);
  t.truthy(error?.cause);
});
