import test from 'ava';
import { chooseNode, PlacementConflictError } from '../../runtime/cluster/index.js';
import type { ClusterEvent, ClusterNode, NodeRecord, PlacementEntry } from '../../runtime/cluster/index.js';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef } from '../../runtime/index.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import type { NatsCluster } from '../helpers/nats-cluster.js';
import { startNodes, waitFor } from './support.js';
import type { NodeSpec } from './support.js';

type WhereMsg = { readonly type: 'where.ask' };
type WhereReply = { readonly type: 'where.reply'; readonly node: string; readonly epoch: number; readonly label: unknown };

/** Says which node it runs on and with which epoch and props. */
class Where extends Actor<WhereMsg, { epoch: number; label?: string }> {
  receive(_msg: WhereMsg, ctx: ActorContext<WhereMsg>): void {
    ctx.reply<WhereReply>({ type: 'where.reply', node: ctx.system.node, epoch: this.props.epoch, label: this.props.label });
  }
}

const RULES = { optimizer: ['gpu', 'trading'], worker: ['trading'] } as const;
const KINDS = { optimizer: Where, worker: Where, free: Where };

let nats: NatsCluster;
let seq = 0;

test.before(async () => {
  nats = await startNatsCluster();
});
test.after.always(async () => {
  await nats?.stop();
});

async function cluster(t: Parameters<typeof startNodes>[0], specs: readonly NodeSpec[], extra: Parameters<typeof startNodes>[4] = {}): Promise<ClusterNode[]> {
  const nodes = await startNodes(t, nats.urls, `p${process.pid}-${++seq}`, specs.map((s) => ({ ...s, kinds: KINDS })), { placementRules: RULES, ...extra });
  await waitFor('full membership and a leader', () => nodes.every((n) => n.membership.members().length === specs.length && n.membership.leader !== undefined));
  return nodes;
}

/** Asks placed actor kind/name where it runs, through `via`'s view of the table, retrying until it answers. */
async function where(via: ClusterNode, kind: string, name: string, predicate: (r: WhereReply) => boolean = () => true): Promise<WhereReply> {
  return waitFor(`${kind}/${name} to answer`, async () => {
    const ref = via.refOf<WhereMsg>(kind, name);
    if (ref === undefined) return undefined;
    const reply = await via.system.ask<WhereReply, WhereMsg>(ref, { type: 'where.ask' }, 500);
    return predicate(reply) ? reply : undefined;
  });
}

function events<T extends ClusterEvent['type']>(node: ClusterNode, type: T): Array<Extract<ClusterEvent, { type: T }>> {
  const out: Array<Extract<ClusterEvent, { type: T }>> = [];
  node.system.events.subscribe<Extract<ClusterEvent, { type: T }>>(type, (e) => out.push(e));
  return out;
}

test('the leader places actors on nodes with the first matching role, least loaded first, with epoch 1', async (t) => {
  const [a, , c] = await cluster(t, [{ name: 'a', roles: ['trading'] }, { name: 'b', roles: ['gpu'] }, { name: 'c', roles: ['trading'] }, { name: 'client' }]);
  await a!.place({ kind: 'optimizer', name: 'opt', props: { label: 'sweep' } });
  await a!.place({ kind: 'worker', name: 'w1' });
  await c!.place({ kind: 'worker', name: 'w2' });
  const opt = await where(c!, 'optimizer', 'opt');
  t.deepEqual(opt, { type: 'where.reply', node: 'b', epoch: 1, label: 'sweep' });
  const w1 = await where(a!, 'worker', 'w1');
  const w2 = await where(a!, 'worker', 'w2');
  t.deepEqual([w1.node, w2.node].sort(), ['a', 'c'], 'two workers spread over the two trading nodes');
  t.is(a!.table.get('worker', 'w1')!.epoch, 1);
});

test('when the preferred role has no live node the kind falls back to the next role with a higher epoch', async (t) => {
  const nodes = await cluster(t, [{ name: 'a', roles: ['trading'] }, { name: 'b', roles: ['gpu'] }, { name: 'client' }]);
  const [a, b, client] = nodes;
  const deactivated = events(b!, 'cluster.actorDeactivated');
  await client!.place({ kind: 'optimizer', name: 'opt' });
  t.is((await where(client!, 'optimizer', 'opt')).node, 'b');
  const started = performance.now();
  await b!.stop();
  const moved = await where(client!, 'optimizer', 'opt', (r) => r.node === 'a');
  t.log(`re-placed on a ${(performance.now() - started).toFixed(0)} ms after b left`);
  t.is(moved.epoch, 2);
  t.like(deactivated[0], { id: 'optimizer/opt', reason: 'stopping' });
  t.is(b!.system.lookup('/opt'), undefined);
  t.truthy(a!.system.lookup('/opt'));
});

test('an actor no live node may host stays pending and is placed once such a node joins', async (t) => {
  const [a] = await cluster(t, [{ name: 'a', roles: ['data'] }]);
  const pending = events(a!, 'cluster.placementPending');
  await a!.place({ kind: 'worker', name: 'w' });
  await waitFor('pending reported', () => pending.length > 0);
  t.like(pending[0], { id: 'worker/w' });
  t.regex(pending[0]!.reason, /trading/);
  await startNodes(t, nats.urls, a!.transport.cluster, [{ name: 'late', roles: ['trading'], kinds: KINDS }], { placementRules: RULES });
  t.is((await where(a!, 'worker', 'w')).node, 'late');
});

test('removing an entry stops the actor on its node', async (t) => {
  const [a, client] = await cluster(t, [{ name: 'a', roles: ['trading'] }, { name: 'client' }]);
  const deactivated = events(a!, 'cluster.actorDeactivated');
  await client!.place({ kind: 'worker', name: 'gone' });
  await where(client!, 'worker', 'gone');
  await client!.unplace('worker', 'gone');
  await waitFor('stopped on a', () => deactivated.length > 0);
  t.like(deactivated[0], { id: 'worker/gone', reason: 'removed' });
  t.is(a!.system.lookup('/gone'), undefined);
});

test('placing an actor again with the same props is a no-op; with other props it conflicts', async (t) => {
  const [a, client] = await cluster(t, [{ name: 'a', roles: ['trading'] }, { name: 'client' }]);
  await client!.place({ kind: 'worker', name: 'dup', props: { label: 'x' } });
  await where(client!, 'worker', 'dup');
  const again = await a!.place({ kind: 'worker', name: 'dup', props: { label: 'x' } });
  t.is(again.epoch, 1, 'still the assigned entry');
  await t.throwsAsync(a!.place({ kind: 'worker', name: 'dup', props: { label: 'y' } }), { instanceOf: PlacementConflictError });
  await t.throwsAsync(a!.place({ kind: 'worker', name: 'bad/name' }), { code: 'CLUSTER_INVALID_OPTIONS' });
});

test('the activation hook runs before spawn with the entry; when it rejects the actor does not start', async (t) => {
  const seen: PlacementEntry[] = [];
  const [a, client] = await cluster(t, [{ name: 'a', roles: ['trading'] }, { name: 'client' }], {
    beforeActivate: async (entry) => {
      seen.push(entry);
      if (entry.name === 'refused') throw new Error('fenced elsewhere');
    },
  });
  const failed = events(a!, 'cluster.activationFailed');
  await client!.place({ kind: 'worker', name: 'ok' });
  await client!.place({ kind: 'worker', name: 'refused' });
  await where(client!, 'worker', 'ok');
  await waitFor('activation failure', () => failed.length > 0);
  t.like(failed[0], { id: 'worker/refused', epoch: 1, error: { message: 'fenced elsewhere' } });
  t.is(a!.system.lookup('/refused'), undefined);
  t.deepEqual(seen.map((e) => `${e.id}@${e.node}#${e.epoch}`).sort(), ['worker/ok@a#1', 'worker/refused@a#1']);
});

const node = (name: string, roles: string[]): NodeRecord => ({ name, roles, incarnation: name, host: 'h', pid: 1, leaderEligible: true, startedAt: 0, version: 'v', heartbeatAt: 0, actors: 0, memory: { rssBytes: 0, heapUsedBytes: 0 } });

for (const [title, kind, members, load, expected] of [
  ['first role wins over a less loaded node of a later role', 'optimizer', [node('g', ['gpu']), node('t', ['trading'])], { g: 5, t: 0 }, 'g'],
  ['falls back to the second role when no node has the first', 'optimizer', [node('t1', ['trading']), node('t2', ['trading'])], { t1: 2, t2: 1 }, 't2'],
  ['least loaded among the matching nodes, ties by name', 'worker', [node('b', ['trading']), node('a', ['trading'])], { a: 1, b: 1 }, 'a'],
  ['no node with a listed role: nothing', 'worker', [node('g', ['gpu'])], {}, undefined],
  ['a kind without a rule goes to any node with a role, never to a role-less one', 'free', [node('x', []), node('y', ['data'])], {}, 'y'],
] as const) {
  test(`chooseNode: ${title}`, (t) => {
    const chosen = chooseNode(kind, RULES, members, new Map(Object.entries(load)));
    t.is(chosen?.name, expected);
  });
}

test('a ref from refOf is a plain serialisable ref', async (t) => {
  const [, client] = await cluster(t, [{ name: 'a', roles: ['trading'] }, { name: 'client' }]);
  await client!.place({ kind: 'worker', name: 'r' });
  await where(client!, 'worker', 'r');
  const ref: ActorRef<WhereMsg> | undefined = client!.refOf<WhereMsg>('worker', 'r');
  t.deepEqual(ref, { node: 'a', path: '/r' });
});
