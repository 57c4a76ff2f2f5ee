import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { formatExecTime, parseFilterTime } from './exec-time.js';
import {
  MAX_FAKE_SERVER_VERSION, MIN_FAKE_SERVER_VERSION, OUT, commissionReportMessage, completedOrderMessage, completedOrdersEndMessage, errorMessage, executionDataEndMessage,
  executionMessage, managedAccountsMessage, nextValidIdMessage, openOrderEndMessage, openOrderMessage, orderStatusMessage,
  parseCancelOrder, parsePlaceOrder, parseReqExecutions, parseStartApi,
} from './messages.js';
import type { ExecutionFilterRequest, FakeExecution, FakeOrder, PlaceOrderRequest } from './messages.js';
import { ClientStreamDecoder, encodeFrame } from './wire.js';
import type { WireField } from './wire.js';

/** The server version the fake announces unless told otherwise (TWS 10.19 era). */
export const DEFAULT_FAKE_SERVER_VERSION = 176;

/** What a test scripts: how the peer answers each request. Every hook has a default. */
export interface FakeTwsScript {
  /** A new order arrived. Default: `tws.accept(order)`. */
  onPlaceOrder?(order: FakeOrder, tws: FakeTws): void;
  /** A PLACE_ORDER for a working order (a modification) was applied. Default: `tws.sendOrderState(order)`. */
  onModifyOrder?(order: FakeOrder, tws: FakeTws): void;
  /** A cancel for a working order. Default: `tws.cancel(order)`. */
  onCancelOrder?(order: FakeOrder, tws: FakeTws): void;
}

/** How to build a `FakeTws`. */
export interface FakeTwsOptions {
  readonly serverVersion?: number;
  /** Managed accounts; the first is stamped on orders that name none. Default `['DU1234567']`. */
  readonly accounts?: readonly string[];
  readonly script?: FakeTwsScript;
  /** Zone of execution times. Default `America/New_York`. */
  readonly timeZone?: string;
  /** The next valid id a new API session of `clientId` gets. Default: one above the highest id that client used. */
  readonly nextValidId?: (clientId: number, highestUsed: number) => number;
}

/** One PLACE_ORDER the peer received: the ground truth for "no duplicate order reached the peer". */
export interface PlacementRecord {
  readonly clientId: number;
  readonly session: number;
  readonly modification: boolean;
  readonly request: PlaceOrderRequest;
  /** Set by `lose()`: the message arrived but TWS never acted on it. */
  readonly lost?: boolean;
}

/** A connected API client. */
export interface FakeTwsSession {
  readonly id: number;
  readonly socket: Socket;
  serverVersion: number;
  clientId: number | undefined;
}

const DONE: ReadonlySet<string> = new Set(['Filled', 'Cancelled', 'Inactive']);

/**
 * A scriptable peer speaking the TWS socket protocol, so the real @stoqey/ib client runs against it. It holds
 * orders and executions across disconnects and restarts (reqOpenOrders and reqExecutions answer from that
 * memory, as does reqCompletedOrders for orders that ended), sends an order's messages to the connected session of the client id that placed it (or nowhere
 * while that client is away), and logs every PLACE_ORDER in `placements`.
 *
 * @example
 * const tws = new FakeTws({ script: { onPlaceOrder: (o, tws) => { tws.accept(o); tws.fill(o, { quantity: o.totalQuantity, price: 100 }); } } });
 * await tws.start();
 * // ... new IBApi({ port: tws.port, clientId: 1 }) ...
 * await tws.stop();
 */
export class FakeTws {
  readonly placements: PlacementRecord[] = [];
  /** Every frame received after the handshake, per session. */
  readonly received: { readonly session: number; readonly fields: readonly string[] }[] = [];
  readonly #options: FakeTwsOptions;
  readonly #serverVersion: number;
  readonly #accounts: readonly string[];
  readonly #orders: FakeOrder[] = [];
  readonly #executions: FakeExecution[] = [];
  readonly #sessions = new Set<FakeTwsSession>();
  readonly #highestId = new Map<number, number>();
  #server: Server | undefined;
  #port = 0;
  #sessionSeq = 0;
  #permSeq = 1_000_000_000;
  #execSeq = 0;
  #connections = 0;
  script: FakeTwsScript;

  constructor(options: FakeTwsOptions = {}) {
    this.#options = options;
    this.#serverVersion = options.serverVersion ?? DEFAULT_FAKE_SERVER_VERSION;
    if (this.#serverVersion < MIN_FAKE_SERVER_VERSION || this.#serverVersion > MAX_FAKE_SERVER_VERSION) {
      throw new RangeError(`the fake writes server versions ${MIN_FAKE_SERVER_VERSION}..${MAX_FAKE_SERVER_VERSION}, not ${this.#serverVersion}`);
    }
    this.#accounts = options.accounts ?? ['DU1234567'];
    this.script = options.script ?? {};
  }

  /** The port it listens on (fixed after the first `start`, so `restart` comes back on it). */
  get port(): number {
    return this.#port;
  }

  /** API sessions that completed START_API and are still connected. */
  get sessions(): FakeTwsSession[] {
    return [...this.#sessions].filter((s) => s.clientId !== undefined);
  }

  /** How many TCP connections were ever accepted. */
  get connections(): number {
    return this.#connections;
  }

  /** Listens on 127.0.0.1 (a free port the first time, the same port afterwards). */
  async start(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address === 'object' && address !== null) this.#port = address.port;
    this.#server = server;
  }

  /** Stops listening and drops every client; orders and executions are kept. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.disconnectAll();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `stop()` then `start()` on the same port: the nightly restart, memory intact. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Drops every client connection; the server keeps listening. */
  disconnectAll(): void {
    for (const session of this.#sessions) session.socket.destroy();
    this.#sessions.clear();
  }

  /** Every order, oldest first. */
  orders(): readonly FakeOrder[] {
    return this.#orders;
  }

  /** Every execution, oldest first. */
  executions(): readonly FakeExecution[] {
    return this.#executions;
  }

  /** The orders (not modifications) that carried this order reference. */
  ordersWithRef(orderRef: string): FakeOrder[] {
    return this.#orders.filter((o) => o.orderRef === orderRef);
  }

  /** The single order with this reference; throws when there is none or more than one. */
  order(orderRef: string): FakeOrder {
    const found = this.ordersWithRef(orderRef);
    if (found.length !== 1) throw new Error(`expected one order with orderRef ${orderRef}, found ${found.length}`);
    return found[0]!;
  }

  /**
   * Makes an order vanish as if its PLACE_ORDER had been lost in transit: it leaves the order memory and its
   * placement is marked `lost` (it did arrive on the wire, but TWS never acted on it).
   */
  lose(order: FakeOrder): void {
    this.#orders.splice(this.#orders.indexOf(order), 1);
    const index = this.placements.findIndex((p) => !p.modification && p.clientId === order.clientId && p.request.orderId === order.orderId);
    if (index >= 0) this.placements[index] = { ...this.placements[index]!, lost: true };
  }

  /** Working: sends openOrder and orderStatus `Submitted`. */
  accept(order: FakeOrder, status: 'PreSubmitted' | 'Submitted' = 'Submitted'): void {
    order.status = status;
    this.sendOrderState(order);
  }

  /** Sends the order's openOrder and orderStatus as they stand. */
  sendOrderState(order: FakeOrder): void {
    const v = this.#serverVersion;
    this.sendTo(order.clientId, openOrderMessage(order, v));
    this.sendTo(order.clientId, orderStatusMessage(order));
  }

  /**
   * Executes `quantity` at `price`: records the execution and sends execDetails, commissionReport and
   * orderStatus to the placing client if it is connected. Returns the execution.
   */
  fill(order: FakeOrder, fill: { quantity: number; price: number; commission?: number; sendCommission?: boolean }): FakeExecution {
    const cumQty = order.filled + fill.quantity;
    if (cumQty > order.totalQuantity) throw new Error(`fill of ${fill.quantity} overfills order ${order.orderRef}`);
    order.avgFillPrice = (order.avgFillPrice * order.filled + fill.price * fill.quantity) / cumQty;
    order.filled = cumQty;
    order.lastFillPrice = fill.price;
    order.status = cumQty === order.totalQuantity ? 'Filled' : 'Submitted';
    this.#execSeq += 1;
    const exec: FakeExecution = {
      execId: `0000e0d5.${this.#execSeq.toString(16).padStart(8, '0')}.01.01`, clientId: order.clientId, orderId: order.orderId,
      permId: order.permId, conId: order.conId, symbol: order.symbol, secType: order.secType, exchange: 'ISLAND', currency: order.currency,
      account: order.account, orderRef: order.orderRef, side: order.action === 'BUY' ? 'BOT' : 'SLD', shares: fill.quantity,
      price: fill.price, time: Math.floor(Date.now() / 1000) * 1000, cumQty, avgPrice: order.avgFillPrice,
      commission: fill.commission ?? Math.max(1, Math.round(fill.quantity * 0.5) / 100),
    };
    this.#executions.push(exec);
    this.sendExecution(exec, fill.sendCommission ?? true);
    this.sendTo(order.clientId, orderStatusMessage(order));
    return exec;
  }

  /** Sends a recorded execution (again) as a live execDetails, with its commission report unless told not to. */
  sendExecution(exec: FakeExecution, withCommission = true): void {
    this.sendTo(exec.clientId, executionMessage(exec, -1, formatExecTime(exec.time, this.#timeZone), this.#serverVersion));
    if (withCommission) this.sendTo(exec.clientId, commissionReportMessage(exec));
  }

  /** Rejects: error `code` on the order id, then orderStatus `Inactive`. */
  reject(order: FakeOrder, code = 201, reason = 'Order rejected - reason:YOUR ORDER IS NOT ACCEPTED.'): void {
    order.status = 'Inactive';
    this.sendError(order.clientId, order.orderId, code, reason);
    this.sendTo(order.clientId, orderStatusMessage(order));
  }

  /** Cancels: orderStatus `Cancelled`, then error 202 on the order id. */
  cancel(order: FakeOrder): void {
    order.status = 'Cancelled';
    this.sendTo(order.clientId, orderStatusMessage(order));
    this.sendError(order.clientId, order.orderId, 202, 'Order Canceled - reason:');
  }

  /** An ERR_MSG to a client (id -1 is a notice, e.g. 1100/1101/1102). */
  sendError(clientId: number, id: number, code: number, message: string): void {
    this.sendTo(clientId, errorMessage(id, code, message, this.#serverVersion));
  }

  /** A notice with id -1 to every connected client, e.g. `1100` connectivity lost. */
  broadcastNotice(code: number, message: string): void {
    for (const session of this.sessions) this.#send(session, errorMessage(-1, code, message, session.serverVersion));
  }

  /** Sends raw fields to the connected session of `clientId`; dropped while that client is away. */
  sendTo(clientId: number, fields: WireField[]): void {
    for (const session of this.sessions) if (session.clientId === clientId) this.#send(session, fields);
  }

  get #timeZone(): string {
    return this.#options.timeZone ?? 'America/New_York';
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.#connections += 1;
    const session: FakeTwsSession = { id: ++this.#sessionSeq, socket, serverVersion: this.#serverVersion, clientId: undefined };
    this.#sessions.add(session);
    const decoder = new ClientStreamDecoder();
    socket.on('data', (chunk) => {
      const { hello, frames } = decoder.push(chunk);
      if (hello !== undefined) {
        session.serverVersion = Math.min(this.#serverVersion, hello.maxVersion);
        socket.write(encodeFrame([session.serverVersion, '20240102 09:30:00 EST']));
      }
      for (const fields of frames) this.#onFrame(session, fields);
    });
    socket.on('close', () => this.#sessions.delete(session));
    socket.on('error', () => this.#sessions.delete(session));
  }

  #onFrame(session: FakeTwsSession, fields: string[]): void {
    this.received.push({ session: session.id, fields });
    switch (Number(fields[0])) {
      case OUT.START_API: return this.#onStartApi(session, parseStartApi(fields));
      case OUT.PLACE_ORDER: return this.#onPlaceOrder(session, parsePlaceOrder(fields));
      case OUT.CANCEL_ORDER: return this.#onCancelOrder(session, parseCancelOrder(fields, session.serverVersion));
      case OUT.REQ_OPEN_ORDERS: return this.#onReqOpenOrders(session);
      case OUT.REQ_EXECUTIONS: return this.#onReqExecutions(session, parseReqExecutions(fields));
      case OUT.REQ_IDS: return this.#send(session, nextValidIdMessage(this.#nextId(session.clientId ?? 0)));
      case OUT.REQ_COMPLETED_ORDERS: return this.#onReqCompletedOrders(session);
      default: return undefined;
    }
  }

  #onStartApi(session: FakeTwsSession, clientId: number): void {
    if (this.sessions.some((s) => s.clientId === clientId)) {
      this.#send(session, errorMessage(-1, 326, `Unable to connect as the client id is already in use. Retry with a unique client id.`, session.serverVersion));
      session.socket.end();
      return;
    }
    session.clientId = clientId;
    this.#send(session, managedAccountsMessage(this.#accounts));
    this.#send(session, nextValidIdMessage(this.#nextId(clientId)));
    this.#send(session, errorMessage(-1, 2104, 'Market data farm connection is OK:usfarm', session.serverVersion));
  }

  #nextId(clientId: number): number {
    const highest = this.#highestId.get(clientId) ?? 0;
    return this.#options.nextValidId?.(clientId, highest) ?? highest + 1;
  }

  #onPlaceOrder(session: FakeTwsSession, request: PlaceOrderRequest): void {
    const clientId = session.clientId ?? 0;
    const existing = this.#orders.find((o) => o.clientId === clientId && o.orderId === request.orderId);
    if (existing !== undefined && !DONE.has(existing.status)) {
      this.placements.push({ clientId, session: session.id, modification: true, request });
      Object.assign(existing, {
        totalQuantity: request.totalQuantity, orderType: request.orderType, lmtPrice: request.lmtPrice, auxPrice: request.auxPrice, tif: request.tif,
      });
      return (this.script.onModifyOrder ?? ((o, tws) => tws.sendOrderState(o)))(existing, this);
    }
    if (existing !== undefined || request.orderId <= (this.#highestId.get(clientId) ?? 0)) {
      return this.sendError(clientId, request.orderId, 103, 'Duplicate order id');
    }
    this.placements.push({ clientId, session: session.id, modification: false, request });
    this.#highestId.set(clientId, request.orderId);
    const order: FakeOrder = {
      clientId, orderId: request.orderId, permId: ++this.#permSeq, conId: request.conId || 265598, symbol: request.symbol,
      secType: request.secType, exchange: request.exchange, primaryExch: request.primaryExch, currency: request.currency,
      action: request.action, totalQuantity: request.totalQuantity, orderType: request.orderType, lmtPrice: request.lmtPrice,
      auxPrice: request.auxPrice, tif: request.tif, account: request.account || this.#accounts[0]!, orderRef: request.orderRef,
      status: 'PendingSubmit', filled: 0, avgFillPrice: 0, lastFillPrice: 0,
    };
    this.#orders.push(order);
    (this.script.onPlaceOrder ?? ((o, tws) => tws.accept(o)))(order, this);
  }

  #onCancelOrder(session: FakeTwsSession, orderId: number): void {
    const clientId = session.clientId ?? 0;
    const order = this.#orders.find((o) => o.clientId === clientId && o.orderId === orderId);
    if (order === undefined) return this.sendError(clientId, orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`);
    if (DONE.has(order.status)) {
      return this.sendError(clientId, orderId, 161, `Cancel attempted when order is not in a cancellable state.  Order permId =${order.permId}`);
    }
    (this.script.onCancelOrder ?? ((o, tws) => tws.cancel(o)))(order, this);
  }

  #onReqOpenOrders(session: FakeTwsSession): void {
    for (const order of this.#orders) {
      if (order.clientId !== session.clientId || DONE.has(order.status)) continue;
      this.#send(session, openOrderMessage(order, session.serverVersion));
      this.#send(session, orderStatusMessage(order));
    }
    this.#send(session, openOrderEndMessage());
  }

  #onReqCompletedOrders(session: FakeTwsSession): void {
    for (const order of this.#orders) {
      if (!DONE.has(order.status)) continue;
      const completedStatus = order.status === 'Filled' ? 'Filled Size: ' + String(order.filled) : order.status === 'Inactive' ? 'Rejected' : 'Cancelled by Trader';
      this.#send(session, completedOrderMessage(order, session.serverVersion, completedStatus));
    }
    this.#send(session, completedOrdersEndMessage());
  }

  #onReqExecutions(session: FakeTwsSession, filter: ExecutionFilterRequest): void {
    const since = parseFilterTime(filter.time);
    for (const exec of this.#executions) {
      if (filter.clientId !== '' && filter.clientId !== '0' && Number(filter.clientId) !== exec.clientId) continue;
      if (filter.acctCode !== '' && filter.acctCode !== exec.account) continue;
      if (filter.symbol !== '' && filter.symbol !== exec.symbol) continue;
      if (filter.side !== '' && filter.side !== exec.side) continue;
      if (since !== undefined && exec.time < since) continue;
      this.#send(session, executionMessage(exec, filter.reqId, formatExecTime(exec.time, this.#timeZone), session.serverVersion));
      this.#send(session, commissionReportMessage(exec));
    }
    this.#send(session, executionDataEndMessage(filter.reqId));
  }

  #send(session: FakeTwsSession, fields: WireField[]): void {
    if (!session.socket.destroyed) session.socket.write(encodeFrame(fields));
  }
}
