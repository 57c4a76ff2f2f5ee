// The full order path over Interactive Brokers: strategy -> RiskActor -> BrokerActor -> IbVenue -> fake TWS
// -> fills -> PortfolioActor, with the real @stoqey/ib client on the wire and an in-memory journal.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { BrokerActor } from '../../../actors/broker/broker-actor.js';
import type { BrokerActorProps } from '../../../actors/broker/broker-actor.js';
import { IbVenue } from '../../../actors/broker/ib/ib-venue.js';
import type { OmsOrder } from '../../../actors/broker/order-book.js';
import { brokerGetOrders } from '../../../actors/broker/protocol.js';
import type { BrokerOrders } from '../../../actors/broker/protocol.js';
import { attachOrderPath } from '../../../actors/broker/services.js';
import type { Instrument } from '../../../actors/domain/instrument.js';
import type { OrderRequest } from '../../../actors/domain/order.js';
import { PortfolioActor } from '../../../actors/portfolio/portfolio-actor.js';
import type { PortfolioSnapshot } from '../../../actors/portfolio/portfolio-state.js';
import { portfolioGetSnapshot } from '../../../actors/portfolio/protocol.js';
import type { PortfolioSnapshotReply } from '../../../actors/portfolio/protocol.js';
import { RiskActor } from '../../../actors/risk/risk-actor.js';
import { riskPriceUpdate, riskSubmitOrder } from '../../../actors/risk/protocol.js';
import type { RiskProtocol } from '../../../actors/risk/protocol.js';
import { MemoryJournal } from '../../../persistence/memory/memory-journal.js';
import { MemorySnapshotStore } from '../../../persistence/memory/memory-snapshot-store.js';
import { attachPersistence } from '../../../persistence/persistent-actor.js';
import { Actor } from '../../../runtime/index.js';
import type { ActorContext, ActorRef, Message } from '../../../runtime/index.js';
import { testSystem } from '../../helpers/system.js';
import { FakeTws } from '../../helpers/fake-tws/index.js';
import type { FakeTwsScript } from '../../helpers/fake-tws/index.js';
import { ACCOUNT, placedAtPeer, testConfig, waitFor } from './support.js';

const INSTRUMENTS: readonly Instrument[] = [{ symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true }];
const START = Date.UTC(2024, 2, 13, 14, 0, 0);
const INITIAL_CASH = 100_000;

/** A strategy stand-in: sends orders to the risk actor as itself and records what comes back. */
class Strategy extends Actor<Message, { readonly risk: ActorRef<RiskProtocol>; readonly inbox: Message[] }> {
  receive(msg: Message, ctx: ActorContext<Message>): void {
    if (msg.type === 'test.submit') ctx.tell(this.props.risk, riskSubmitOrder((msg as unknown as { order: OrderRequest }).order));
    else this.props.inbox.push(msg);
  }
}

let seq = 0;
function orderRequest(fields: Partial<OrderRequest> = {}): OrderRequest {
  seq += 1;
  return {
    clientOrderId: `op-${process.pid.toString(36)}-${seq.toString(36)}`, portfolioId: 'p1', strategyId: 's1', symbol: 'AAPL', side: 'buy',
    type: 'market', quantity: 10, tif: 'day', createdAt: START, ...fields,
  };
}

interface Path {
  readonly tws: FakeTws;
  readonly inbox: Message[];
  readonly venue: IbVenue;
  submit(fields?: Partial<OrderRequest>): string;
  order(clientOrderId: string): Promise<OmsOrder | undefined>;
  portfolio(): Promise<PortfolioSnapshot>;
  /** Stops the broker actor (its venue subscriptions go with it). */
  stopBroker(): Promise<void>;
  /** Spawns the broker again on the same journal: it recovers and reconciles with the venue first. */
  startBroker(): void;
  /** Shuts the process down (actor system and venue); the journal and the peer remain. */
  crash(): Promise<void>;
  /** Starts a new process on the same journal: a new actor system, a new connected IbVenue, the actors recovered. */
  boot(): Promise<void>;
}

async function orderPath(t: ExecutionContext, script: FakeTwsScript = {}): Promise<Path> {
  const tws = new FakeTws({ accounts: [ACCOUNT], script });
  await tws.start();
  const journal = new MemoryJournal();
  const snapshots = new MemorySnapshotStore(journal);
  const inbox: Message[] = [];
  let process: Awaited<ReturnType<typeof startProcess>> | undefined;

  async function startProcess() {
    const { system, clock } = testSystem();
    clock.advanceTo(START);
    attachPersistence(system, { journal, snapshots });
    const venue = new IbVenue({ config: testConfig(tws) });
    await venue.connect();
    attachOrderPath(system, { riskKey: Buffer.alloc(32, 7), venues: new Map([['ib', venue]]) });
    const portfolio = system.spawn(PortfolioActor, 'portfolio', { portfolioId: 'p1', initialCash: INITIAL_CASH });
    const brokerProps: BrokerActorProps = { brokerId: 'b1', venue: 'ib', riskIds: ['risk-main'], portfolioRef: portfolio };
    const broker = system.spawn(BrokerActor, 'broker', brokerProps);
    const risk = system.spawn(RiskActor, 'risk', { riskId: 'risk-main', instruments: INSTRUMENTS, broker, portfolios: { p1: portfolio }, limits: { maxPostTradeVar: null } });
    const strategy = system.spawn(Strategy, 'strategy', { risk, inbox });
    system.tell(risk, riskPriceUpdate('AAPL', 100, START));
    await system.settled();
    return { system, venue, portfolio, broker, strategy, brokerProps };
  }

  const crash = async (): Promise<void> => {
    const running = process;
    process = undefined;
    await running?.system.shutdown();
    await running?.venue.close();
  };
  process = await startProcess();
  t.teardown(async () => {
    await crash();
    await tws.stop();
  });
  const current = () => {
    if (process === undefined) throw new Error('the process is down');
    return process;
  };
  return {
    tws, inbox,
    get venue() { return current().venue; },
    submit(fields = {}) {
      const order = orderRequest(fields);
      current().system.tell(current().strategy, { type: 'test.submit', order } as Message);
      return order.clientOrderId;
    },
    async order(clientOrderId) {
      return (await current().system.ask<BrokerOrders>(current().broker, brokerGetOrders([clientOrderId]), 5_000)).orders[0];
    },
    async portfolio() {
      return (await current().system.ask<PortfolioSnapshotReply>(current().portfolio, portfolioGetSnapshot(), 5_000)).snapshot;
    },
    async stopBroker() {
      await current().system.stop(current().broker);
    },
    startBroker() {
      const p = current();
      p.system.spawn(BrokerActor, 'broker', p.brokerProps);
    },
    crash,
    async boot() {
      process = await startProcess();
    },
  };
}

/** Polls an actor-backed condition until it holds (the venue's reports arrive over TCP, outside `settled()`). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  let met = false;
  const poll = async (): Promise<void> => { met = await check(); };
  await poll();
  const deadline = Date.now() + 15_000;
  while (!met) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    await poll();
  }
}

async function statusOf(path: Path, clientOrderId: string): Promise<string | undefined> {
  return (await path.order(clientOrderId))?.status;
}

function position(snapshot: PortfolioSnapshot, symbol: string): number {
  return snapshot.positions[symbol]?.quantity ?? 0;
}

test('an order goes risk -> broker -> IbVenue -> fake TWS, and its fills reach the portfolio once each', async (t) => {
  const path = await orderPath(t, {
    onPlaceOrder: (o, peer) => {
      peer.accept(o);
      peer.fill(o, { quantity: 4, price: 100, commission: 1 });
      peer.fill(o, { quantity: 6, price: 100.05, commission: 1.2 });
    },
  });
  const id = path.submit();
  await until(async () => (await statusOf(path, id)) === 'filled', 'the order filled');
  await until(async () => position(await path.portfolio(), 'AAPL') === 10, 'the portfolio holds 10 AAPL');
  const snapshot = await path.portfolio();
  const executions = path.tws.executions();
  t.deepEqual([...snapshot.fillIds].sort(), executions.map((e) => e.execId).sort());
  t.true(Math.abs(snapshot.cash - (INITIAL_CASH - 4 * 100 - 6 * 100.05 - 2.2)) < 1e-6);
  t.is(placedAtPeer(path.tws, id), 1);
  const oms = (await path.order(id))!;
  t.like(oms, { status: 'filled', filledQuantity: 10, venueOrderId: String(path.tws.order(id).permId) });
  t.deepEqual([...oms.execIds], executions.map((e) => e.execId));
  t.like(path.tws.placements[0]!.request, { orderRef: id, action: 'BUY', orderType: 'MKT', totalQuantity: 10, account: ACCOUNT });
  await until(async () => path.inbox.filter((m) => m.type === 'broker.fill').length === 2, 'the strategy heard both fills');
});

test('a rejection at the peer reaches the OMS with its IB code, and nothing reaches the portfolio', async (t) => {
  const path = await orderPath(t, { onPlaceOrder: (o, peer) => peer.reject(o, 201, 'Order rejected - reason:The contract is not available for trading.') });
  const id = path.submit();
  await until(async () => (await statusOf(path, id)) === 'rejected', 'the order rejected');
  t.regex((await path.order(id))!.reason ?? '', /^IB_201: Order rejected/);
  t.deepEqual([...(await path.portfolio()).fillIds], []);
});

test('the broker actor restarted mid-order: no duplicate reaches the peer, and the fill made meanwhile reaches the portfolio once', async (t) => {
  const path = await orderPath(t, { onPlaceOrder: (o, peer) => { peer.accept(o); peer.fill(o, { quantity: 4, price: 100 }); } });
  const id = path.submit();
  await until(async () => position(await path.portfolio(), 'AAPL') === 4, 'the first fill in the portfolio');
  await path.stopBroker();
  path.tws.fill(path.tws.order(id), { quantity: 6, price: 100.1 }); // the venue reports it to nobody
  path.startBroker();
  await until(async () => (await statusOf(path, id)) === 'filled', 'the order filled after the restart');
  await until(async () => position(await path.portfolio(), 'AAPL') === 10, 'the portfolio holds 10 AAPL');
  t.is(placedAtPeer(path.tws, id), 1);
  t.is(path.tws.placements.length, 1);
  t.deepEqual([...(await path.portfolio()).fillIds].sort(), path.tws.executions().map((e) => e.execId).sort());
});

test('the whole process restarted mid-order (a new broker actor and a new IbVenue): no duplicate at the peer, later fills arrive once', async (t) => {
  const path = await orderPath(t, { onPlaceOrder: (o, peer) => { peer.accept(o); peer.fill(o, { quantity: 3, price: 100 }); } });
  const id = path.submit({ type: 'limit', limitPrice: 100 });
  await until(async () => position(await path.portfolio(), 'AAPL') === 3, 'the first fill in the portfolio');
  await path.crash();
  path.tws.fill(path.tws.order(id), { quantity: 2, price: 100 }); // while the process is down
  await path.boot();
  await until(async () => position(await path.portfolio(), 'AAPL') === 5, 'the fill made while down in the portfolio');
  t.is((await path.order(id))!.status, 'partially_filled');
  path.tws.fill(path.tws.order(id), { quantity: 5, price: 99.99 });
  await until(async () => (await statusOf(path, id)) === 'filled', 'the order filled');
  await until(async () => position(await path.portfolio(), 'AAPL') === 10, 'the portfolio holds 10 AAPL');
  t.is(placedAtPeer(path.tws, id), 1);
  t.is(path.tws.placements.length, 1);
  t.deepEqual([...(await path.portfolio()).fillIds].sort(), path.tws.executions().map((e) => e.execId).sort());
});

test('a peer disconnect mid-order: the fills made while away reach the portfolio exactly once after the reconnect', async (t) => {
  const path = await orderPath(t, { onPlaceOrder: (o, peer) => { peer.accept(o); peer.fill(o, { quantity: 2, price: 100 }); } });
  const id = path.submit({ type: 'limit', limitPrice: 100 });
  await until(async () => position(await path.portfolio(), 'AAPL') === 2, 'the first fill in the portfolio');
  path.tws.disconnectAll();
  path.tws.fill(path.tws.order(id), { quantity: 8, price: 100 });
  await until(async () => position(await path.portfolio(), 'AAPL') === 10, 'the missed fill in the portfolio');
  await until(async () => (await statusOf(path, id)) === 'filled', 'the order filled');
  await waitFor(() => path.venue.status === 'connected', 'the venue connected');
  t.is(placedAtPeer(path.tws, id), 1);
  t.deepEqual([...(await path.portfolio()).fillIds].sort(), path.tws.executions().map((e) => e.execId).sort());
});

test('the broker actor restarted before TWS acknowledged its order, which TWS then canceled: the resubmit places nothing and settles it', async (t) => {
  const path = await orderPath(t, { onPlaceOrder: () => undefined }); // TWS sits on the order
  const id = path.submit({ type: 'limit', limitPrice: 99 });
  await waitFor(() => placedAtPeer(path.tws, id) === 1, 'the order at the peer');
  await path.stopBroker();
  path.tws.cancel(path.tws.order(id)); // reported while no broker listens
  path.startBroker();
  await until(async () => (await statusOf(path, id)) === 'canceled', 'the order canceled');
  t.is(path.tws.placements.length, 1);
  t.false((await path.order(id))!.ambiguous);
});

test('the whole process restarted and TWS canceled the unacknowledged order meanwhile: the broker resubmits, nothing is placed, the order is settled', async (t) => {
  const path = await orderPath(t, { onPlaceOrder: () => undefined });
  const id = path.submit({ type: 'limit', limitPrice: 99 });
  await waitFor(() => placedAtPeer(path.tws, id) === 1, 'the order at the peer');
  await path.crash();
  path.tws.cancel(path.tws.order(id)); // TWS lists it among its completed orders now
  await path.boot();
  await until(async () => (await statusOf(path, id)) === 'canceled', 'the order canceled');
  t.regex((await path.order(id))!.reason ?? '', /^IB_CANCELLED/);
  t.is(path.tws.placements.length, 1);
});
