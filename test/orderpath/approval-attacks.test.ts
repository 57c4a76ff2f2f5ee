import test from 'ava';
import { BrokerActor } from '../../actors/broker/broker-actor.js';
import type { BrokerOrderUpdate, BrokerSecurityEvent } from '../../actors/broker/protocol.js';
import { brokerApprovedOrder } from '../../actors/broker/protocol.js';
import { signApproval } from '../../actors/risk/approval.js';
import type { ApprovedOrder } from '../../actors/risk/approval.js';
import type { Message } from '../../runtime/index.js';
import { collect } from '../helpers/system.js';
import type { Harness } from './harness.js';
import { cleanupBackends, FaultyVenue, journaled, KEY, order, orderPath, RISK_ID, START } from './harness.js';

test.after.always(cleanupBackends);

/** An approval as the risk actor would sign it (the tests hold the node's key). */
function approve(fields: Parameters<typeof order>[0] = {}, overrides: { key?: Buffer; riskId?: string; seq?: number; expiresAt?: number } = {}): ApprovedOrder {
  return signApproval(order(fields), { key: overrides.key ?? KEY, riskId: overrides.riskId ?? RISK_ID, seq: overrides.seq ?? 900_000_000 + Math.floor(Math.random() * 1e6), expiresAt: overrides.expiresAt ?? START + 5_000 });
}

/** Sends `message` straight to the broker from the strategy stand-in, bypassing the risk actor. */
async function straightToBroker(h: Harness, message: Message): Promise<void> {
  h.system.tell(h.strategy, { type: 'standin.send', to: h.broker, message });
  await h.settle();
}

interface Attack {
  readonly name: string;
  readonly reason: BrokerSecurityEvent['reason'];
  /** Runs the attack; returns the client order id it tried to trade, if any. */
  readonly run: (h: Harness) => Promise<string | undefined>;
}

const ATTACKS: readonly Attack[] = [
  {
    name: 'an order sent straight to the broker without an approval',
    reason: 'MALFORMED',
    run: async (h) => {
      const o = order();
      await straightToBroker(h, { type: 'broker.approvedOrder', approved: { order: o } } as Message);
      return o.clientOrderId;
    },
  },
  {
    name: 'an order sent to the broker as a plain submit',
    reason: 'UNSUPPORTED_MESSAGE',
    run: async (h) => {
      const o = order();
      await straightToBroker(h, { type: 'broker.submitOrder', order: o } as Message);
      return o.clientOrderId;
    },
  },
  {
    name: 'an approval signed with another key',
    reason: 'BAD_SIGNATURE',
    run: async (h) => {
      const forged = approve({}, { key: Buffer.alloc(32, 9) });
      await straightToBroker(h, brokerApprovedOrder(forged));
      return forged.order.clientOrderId;
    },
  },
  {
    name: 'an approved order whose quantity was raised afterwards',
    reason: 'TAMPERED',
    run: async (h) => {
      const good = approve({ quantity: 10 });
      const tampered = { order: { ...good.order, quantity: 10_000 }, approval: good.approval };
      await straightToBroker(h, brokerApprovedOrder(tampered));
      return good.order.clientOrderId;
    },
  },
  {
    name: 'an approval whose token fields were altered (a later expiry)',
    reason: 'BAD_SIGNATURE',
    run: async (h) => {
      const good = approve();
      await straightToBroker(h, brokerApprovedOrder({ order: good.order, approval: { ...good.approval, expiresAt: good.approval.expiresAt + 60_000 } }));
      return good.order.clientOrderId;
    },
  },
  {
    name: 'an expired approval',
    reason: 'EXPIRED',
    run: async (h) => {
      const stale = approve({}, { expiresAt: START - 1 });
      await straightToBroker(h, brokerApprovedOrder(stale));
      return stale.order.clientOrderId;
    },
  },
  {
    name: 'an approval from a risk identity the broker does not accept',
    reason: 'UNKNOWN_SIGNER',
    run: async (h) => {
      const rogue = approve({}, { riskId: 'risk-rogue' });
      await straightToBroker(h, brokerApprovedOrder(rogue));
      return rogue.order.clientOrderId;
    },
  },
  {
    name: 'a forged venue report',
    reason: 'FORGED_INTERNAL_MESSAGE',
    run: async (h) => {
      const fill = { fillId: 'E-forged', clientOrderId: 'x', portfolioId: 'p1', symbol: 'AAPL', side: 'buy', quantity: 1_000, price: 1, commission: 0, time: START, venue: 'paper', venueOrderId: 'v', leavesQuantity: 0 };
      await straightToBroker(h, { type: 'broker.venueReport', nonce: '00'.repeat(16), report: { kind: 'fill', clientOrderId: 'x', fill } } as Message);
      return undefined;
    },
  },
];

for (const attack of ATTACKS) {
  test(`${attack.name} is rejected and recorded as a security event (${attack.reason})`, async (t) => {
    let venue!: FaultyVenue;
    const h = await orderPath(t, { wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
    const published = collect<BrokerSecurityEvent>(h.system, 'broker.securityEvent');
    const id = await attack.run(h);
    await h.bar(1, 100);
    t.is(published.length, 1);
    t.is(published[0]!.reason, attack.reason);
    t.true(published[0]!.message.startsWith(attack.reason));
    t.is(h.received<BrokerSecurityEvent>('broker.securityEvent')[0]?.reason, attack.reason, 'the sender is told');
    const journal = await journaled<{ kind: string; reason?: string }>(h.store, 'broker-b1');
    t.deepEqual(journal.filter((e) => e.kind === 'security').map((e) => e.reason), [attack.reason], 'the security event is journaled');
    t.deepEqual(venue.submits, [], 'nothing reached the venue');
    if (id !== undefined) t.false((await h.orders()).some((o) => o.clientOrderId === id));
    t.deepEqual((await h.portfolioSnapshot()).fillIds, [], 'the portfolio booked nothing');
  });
}

test('a replayed approval is rejected, and the sender gets the existing order instead of a second one', async (t) => {
  let venue!: FaultyVenue;
  const h = await orderPath(t, { wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
  const published = collect<BrokerSecurityEvent>(h.system, 'broker.securityEvent');
  const approved = approve();
  await straightToBroker(h, brokerApprovedOrder(approved, h.strategy)); // a valid approval: the broker acts on it
  const before = h.received<BrokerOrderUpdate>('broker.orderUpdate').length;
  await straightToBroker(h, brokerApprovedOrder(approved, h.strategy)); // the same token again
  t.deepEqual(published.map((e) => e.reason), ['REPLAYED']);
  t.is(venue.venueOrders(approved.order.clientOrderId), 1);
  const answer = h.received<BrokerOrderUpdate>('broker.orderUpdate').slice(before);
  t.deepEqual(answer.map((u) => [u.order.clientOrderId, u.order.status]), [[approved.order.clientOrderId, 'accepted']], 'the existing order, as it stands');
});

test('an approval replayed after the broker restarted is still rejected: used tokens are journaled', async (t) => {
  let venue!: FaultyVenue;
  const h = await orderPath(t, { wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
  const published = collect<BrokerSecurityEvent>(h.system, 'broker.securityEvent');
  const approved = approve();
  await straightToBroker(h, brokerApprovedOrder(approved));
  await h.system.stop(h.broker);
  const broker = h.system.spawn(BrokerActor, 'broker', { brokerId: 'b1', venue: 'paper', riskIds: [RISK_ID], portfolioRef: h.portfolio });
  await h.settle();
  h.system.tell(h.strategy, { type: 'standin.send', to: broker, message: brokerApprovedOrder(approved) });
  await h.settle();
  t.deepEqual(published.map((e) => e.reason), ['REPLAYED']);
  t.is(venue.venueOrders(approved.order.clientOrderId), 1);
});

test('a different order under an approved client order id is refused as a conflict', async (t) => {
  let venue!: FaultyVenue;
  const h = await orderPath(t, { wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
  const published = collect<BrokerSecurityEvent>(h.system, 'broker.securityEvent');
  const first = approve({ quantity: 10 });
  const second = signApproval({ ...first.order, quantity: 20 }, { key: KEY, riskId: RISK_ID, seq: 123, expiresAt: START + 5_000 });
  await straightToBroker(h, brokerApprovedOrder(first));
  await straightToBroker(h, brokerApprovedOrder(second));
  t.deepEqual(published.map((e) => e.reason), ['CLIENT_ORDER_ID_CONFLICT']);
  t.is(venue.submits.length, 1);
  t.is((await h.orders()).find((o) => o.clientOrderId === first.order.clientOrderId)?.order.quantity, 10);
});
