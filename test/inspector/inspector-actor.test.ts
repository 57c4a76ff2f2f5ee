import test from 'ava';
import { pino } from 'pino';
import { Actor, ActorSystem } from '../../runtime/index.js';
import type { ActorContext, Message } from '../../runtime/index.js';
import { INSPECTOR_CLUSTER_VIEW, SystemInspector } from '../../actors/inspector/index.js';
import type { InspectorClusterView, InspectorReply } from '../../actors/inspector/index.js';
import type { PlacementEntry } from '../../runtime/cluster/index.js';

/** Answers `broker.getOrders` with no orders, as a broker with an empty book does. */
class EmptyBroker extends Actor<Message> {
  receive(msg: Message, ctx: ActorContext<Message>): void {
    if (msg.type === 'broker.getOrders') ctx.reply({ type: 'broker.orders', orders: [] });
  }
}
class Desk extends Actor<Message> {
  override started(ctx: ActorContext<Message>): void {
    ctx.spawn(EmptyBroker, 'broker', undefined, { kind: 'broker' });
  }
  receive(): void {}
}

const deskEntry: PlacementEntry = { id: 'desk/desk', kind: 'desk', name: 'desk', path: '/desk', node: 'n1', incarnation: 'i', epoch: 3, props: {}, assignedAt: 1 };

/** A cluster view of one node, n1, hosting the placed desk. */
function view(system: ActorSystem): InspectorClusterView {
  const record = { name: 'n1', incarnation: 'i', host: 'h', pid: 1, roles: ['trading'], leaderEligible: true, startedAt: 0, version: '0.1.0', heartbeatAt: system.clock.now(), actors: 3, memory: { rssBytes: 1, heapUsedBytes: 1 } };
  return {
    cluster: 'c',
    nodes: () => [{ record, status: 'up' }],
    leader: () => ({ node: 'n1', term: 2 }),
    placement: () => [deskEntry],
    refOf: (kind, name) => (kind === 'desk' && name === 'desk' ? { node: 'n1', path: '/desk' } : undefined),
  };
}

async function setUp(t: { teardown(fn: () => Promise<void>): void }, clustered: boolean) {
  const system = ActorSystem.create({ node: 'n1', logger: pino({ level: 'silent' }) });
  t.teardown(() => system.shutdown());
  if (clustered) system.services.provide(INSPECTOR_CLUSTER_VIEW, view(system));
  system.spawn(Desk, 'desk', undefined, { kind: 'desk' });
  const inspector = system.spawn(SystemInspector, 'inspector', { targets: { broker: { placed: { kind: 'desk', name: 'desk' }, child: 'broker' } } }, { kind: 'inspector' });
  await system.settled();
  const ask = (q: Message & Record<string, unknown>) => system.ask<InspectorReply>(inspector, q as never, 2_000);
  return { system, ask };
}

test('a target inside a placed unit is found through the placement table, and its actors show the unit epoch', async (t) => {
  const { ask } = await setUp(t, true);
  t.like(await ask({ type: 'inspector.orders' }), { type: 'inspector.orderList', broker: 'n1/desk/broker', total: 0, orders: [] });
  t.like(await ask({ type: 'inspector.actor', path: '/desk/broker' }), { type: 'inspector.actorView', placement: { id: 'desk/desk', epoch: 3, node: 'n1' } });
  t.like(await ask({ type: 'inspector.placement' }), { type: 'inspector.placementView', clustered: true, leader: 'n1', term: 2, entries: [{ id: 'desk/desk', nodeStatus: 'up', epoch: 3 }] });
  t.like(await ask({ type: 'inspector.nodes' }), { type: 'inspector.nodeList', nodes: [{ name: 'n1', status: 'up', leader: true, roles: ['trading'] }] });
  t.like(await ask({ type: 'inspector.tradingSummary' }), { type: 'inspector.tradingSummaryView', tradingState: null, ordersByState: {} });
});

test('without a cluster view a placed target is unknown: orders answer NO_TARGET, risk too', async (t) => {
  const { ask } = await setUp(t, false);
  t.like(await ask({ type: 'inspector.orders' }), { type: 'inspector.error', code: 'NO_TARGET' });
  t.like(await ask({ type: 'inspector.risk' }), { type: 'inspector.error', code: 'NO_TARGET' });
  t.like(await ask({ type: 'inspector.setTradingState', to: 'HALTED', reason: 'r', operator: 'o', operatorToken: 't' }), { type: 'inspector.error', code: 'NO_TARGET' });
  t.like(await ask({ type: 'inspector.placement' }), { clustered: false, entries: [] });
});

test('an unknown actor is NOT_FOUND and an unknown query BAD_REQUEST', async (t) => {
  const { ask } = await setUp(t, false);
  t.like(await ask({ type: 'inspector.actor', path: '/nope' }), { type: 'inspector.error', code: 'NOT_FOUND', message: 'no actor at /nope on node n1' });
  t.like(await ask({ type: 'inspector.everything' }), { type: 'inspector.error', code: 'BAD_REQUEST' });
});
