import { EventName, IBApi } from '@stoqey/ib';
import type { CommissionReport, Contract, Execution, ExecutionFilter, Order, OrderState } from '@stoqey/ib';
import { VenueTimeoutError, VenueUnavailableError } from '../errors.js';
import type { TimerHandle, VenueClock } from '../venue-clock.js';
import type { IbConfig } from './ib-config.js';
import { IbRequestFailedError } from './ib-errors.js';

/** Where one API session delivers what TWS sends. */
export interface IbSessionHandlers {
  openOrder(orderId: number, contract: Contract, order: Order, state: OrderState): void;
  orderStatus(orderId: number, status: string, filled: number, permId: number | undefined): void;
  /** A live execution (reqId -1); executions answering a request go to that request. */
  execution(contract: Contract, execution: Execution): void;
  commission(report: CommissionReport): void;
  /** An error (`id` is the order or request id) or a notice (`id` -1). */
  error(code: number, id: number, message: string): void;
  managedAccounts(accounts: readonly string[]): void;
  /** The socket closed after the session was open; called once. */
  disconnected(): void;
}

/** An open order as reqOpenOrders returns it, with the filled quantity of its orderStatus. */
export interface IbOpenOrderSnapshot {
  readonly orderId: number;
  readonly contract: Contract;
  readonly order: Order;
  readonly status: string;
  readonly filled: number | undefined;
}

/** An order that ended, as reqCompletedOrders returns it (no order id: `permId` and `orderRef` identify it). */
export interface IbCompletedOrderSnapshot {
  readonly contract: Contract;
  readonly order: Order;
  readonly state: OrderState;
}

/** An execution as reqExecutions returns it. */
export interface IbExecutionSnapshot {
  readonly contract: Contract;
  readonly execution: Execution;
}

/** Ids of client messages whose transmission a caller waits for. */
const PLACE_ORDER = 3;
const CANCEL_ORDER = 4;
/** Request ids live far above order ids, so an error's id says which it concerns. */
const FIRST_REQUEST_ID = 1_900_000_000;

interface Pending {
  readonly fail: (error: Error) => void;
}

/**
 * One API session: a fresh @stoqey/ib client per connection (so nothing queued in a dead client can leak
 * into the next connection), the START_API handshake up to `nextValidId`, confirmation that a place or
 * cancel was written to the socket, and request/response pairs for open orders and executions.
 */
export class IbSession {
  readonly #api: IBApi;
  readonly #config: IbConfig;
  readonly #clock: VenueClock;
  readonly #venue: string;
  readonly #handlers: IbSessionHandlers;
  readonly #scrub: (message: string) => string;
  readonly #pending = new Set<Pending>();
  readonly #sentWaiters = new Map<string, () => void>();
  readonly #executionRequests = new Map<number, IbExecutionSnapshot[]>();
  readonly #executionEnds = new Map<number, () => void>();
  readonly #requestFailures = new Map<number, (error: Error) => void>();
  #openOrders: Map<number, { contract: Contract; order: Order; status: string; filled?: number }> | undefined;
  #openOrdersDone: (() => void) | undefined;
  #openOrdersQueue: Promise<unknown> = Promise.resolve();
  #completed: IbCompletedOrderSnapshot[] | undefined;
  #completedDone: (() => void) | undefined;
  #requestSeq = FIRST_REQUEST_ID;
  #nextOrderId = 0;
  #ready = false;
  #ended = false;
  #lastError: { code: number; message: string } | undefined;

  /** `scrub` removes account ids from TWS messages before they go into errors. */
  constructor(venue: string, config: IbConfig, clock: VenueClock, handlers: IbSessionHandlers, scrub: (message: string) => string) {
    this.#scrub = scrub;
    this.#venue = venue;
    this.#config = config;
    this.#clock = clock;
    this.#handlers = handlers;
    this.#api = new IBApi({ host: config.host, port: config.port, clientId: config.clientId, maxReqPerSec: config.maxRequestsPerSecond });
    this.#wire();
  }

  /** The next IB order id to use (and consumes it). */
  takeOrderId(): number {
    return this.#nextOrderId++;
  }

  /** Never hand out an id at or below `orderId` (e.g. one a reconciled order still holds). */
  reserveAbove(orderId: number): void {
    this.#nextOrderId = Math.max(this.#nextOrderId, orderId + 1);
  }

  /** Connects; resolves with the next valid id once TWS sent it, rejects on a failure or after `connectTimeoutMs`. */
  open(): Promise<number> {
    return this.#track<number>('connect', this.#config.connectTimeoutMs, (resolve) => {
      this.#api.once(EventName.nextValidId, (id: number) => {
        this.#nextOrderId = Math.max(this.#nextOrderId, id);
        this.#ready = true;
        resolve(id);
      });
      this.#api.connect();
    });
  }

  /** Places (or, with a known id, modifies) an order; resolves once the message is written to the socket. */
  placeOrder(orderId: number, contract: Contract, order: Order): Promise<void> {
    return this.#untilSent(PLACE_ORDER, 1, orderId, () => this.#api.placeOrder(orderId, contract, order));
  }

  /** Requests a cancel; resolves once the message is written to the socket. */
  cancelOrder(orderId: number): Promise<void> {
    // CANCEL_ORDER carries a message version before the id below server version 192 (CME_TAGGING_FIELDS).
    const index = this.#api.serverVersion >= 192 ? 1 : 2;
    return this.#untilSent(CANCEL_ORDER, index, orderId, () => this.#api.cancelOrder(orderId));
  }

  /** This client's open orders (reqOpenOrders), one request at a time since the answer carries no request id. */
  requestOpenOrders(): Promise<IbOpenOrderSnapshot[]> {
    const run = (): Promise<IbOpenOrderSnapshot[]> => this.#track('reqOpenOrders', this.#config.requestTimeoutMs, (resolve) => {
      const collected = new Map<number, { contract: Contract; order: Order; status: string; filled?: number }>();
      this.#openOrders = collected;
      this.#openOrdersDone = () => {
        this.#openOrders = undefined;
        this.#openOrdersDone = undefined;
        resolve([...collected].map(([orderId, o]) => ({ orderId, contract: o.contract, order: o.order, status: o.status, filled: o.filled })));
      };
      this.#api.reqOpenOrders();
    }, () => {
      this.#openOrders = undefined;
      this.#openOrdersDone = undefined;
    });
    const result = this.#openOrdersQueue.then(run, run);
    this.#openOrdersQueue = result.catch(() => undefined);
    return result;
  }

  /** Whether TWS answers reqCompletedOrders (server version 150 and later). */
  get supportsCompletedOrders(): boolean {
    return this.#api.serverVersion >= 150;
  }

  /** API orders that ended in the current TWS session (reqCompletedOrders); callers run one at a time. */
  requestCompletedOrders(): Promise<IbCompletedOrderSnapshot[]> {
    return this.#track('reqCompletedOrders', this.#config.requestTimeoutMs, (resolve) => {
      const collected: IbCompletedOrderSnapshot[] = [];
      this.#completed = collected;
      this.#completedDone = () => resolve(collected);
      this.#api.reqCompletedOrders(true);
    }, () => {
      this.#completed = undefined;
      this.#completedDone = undefined;
    });
  }

  /** Executions matching `filter` (reqExecutions), as TWS returns them up to execDetailsEnd. */
  requestExecutions(filter: ExecutionFilter): Promise<IbExecutionSnapshot[]> {
    const reqId = this.#requestSeq++;
    return this.#track('reqExecutions', this.#config.requestTimeoutMs, (resolve) => {
      this.#executionRequests.set(reqId, []);
      this.#executionEnds.set(reqId, () => resolve(this.#executionRequests.get(reqId) ?? []));
      this.#api.reqExecutions(reqId, filter);
    }, () => {
      this.#executionRequests.delete(reqId);
      this.#executionEnds.delete(reqId);
    }, reqId);
  }

  /** Disconnects without reporting `disconnected`; everything pending fails as unavailable. */
  close(): void {
    this.#end(new VenueUnavailableError(this.#venue, 'close'), false);
    this.#api.removeAllListeners();
    this.#api.disconnect();
  }

  #wire(): void {
    const api = this.#api;
    api.on(EventName.openOrder, (orderId, contract, order, state) => {
      this.#openOrders?.set(orderId, { contract, order, status: state.status });
      this.#handlers.openOrder(orderId, contract, order, state);
    });
    api.on(EventName.orderStatus, (orderId, status, filled, _remaining, _avg, permId) => {
      const open = this.#openOrders?.get(orderId);
      if (open !== undefined) open.filled = filled;
      this.#handlers.orderStatus(orderId, status, filled, permId);
    });
    api.on(EventName.openOrderEnd, () => this.#openOrdersDone?.());
    api.on(EventName.completedOrder, (contract, order, state) => this.#completed?.push({ contract, order, state }));
    api.on(EventName.completedOrdersEnd, () => this.#completedDone?.());
    api.on(EventName.execDetails, (reqId, contract, execution) => {
      const request = this.#executionRequests.get(reqId);
      if (request !== undefined) request.push({ contract, execution });
      else this.#handlers.execution(contract, execution);
    });
    api.on(EventName.execDetailsEnd, (reqId) => this.#executionEnds.get(reqId)?.());
    api.on(EventName.commissionReport, (report) => this.#handlers.commission(report));
    api.on(EventName.managedAccounts, (list) => this.#handlers.managedAccounts(list.split(',').filter((a) => a.length > 0)));
    api.on(EventName.error, (error: Error, code: number, id: number) => this.#onError(code, id, error.message));
    api.on(EventName.info, (message: string, code: number) => {
      this.#lastError = { code, message };
      this.#handlers.error(code, -1, message);
    });
    api.on(EventName.sent, (tokens: unknown[]) => {
      const waiter = this.#sentWaiters.get(`${String(tokens[0])}:${String(tokens[1])}`) ?? this.#sentWaiters.get(`${String(tokens[0])}:${String(tokens[2])}:2`);
      waiter?.();
    });
    api.on(EventName.disconnected, () => {
      const last = this.#lastError;
      const cause = last === undefined ? new Error('socket closed') : new Error(`socket closed after IB code ${last.code}: ${this.#scrub(last.message)}`);
      this.#end(new VenueUnavailableError(this.#venue, 'connection', { cause }), true);
    });
  }

  #onError(code: number, id: number, message: string): void {
    this.#lastError = { code, message };
    this.#requestFailures.get(id)?.(new IbRequestFailedError('reqExecutions', code, this.#scrub(message)));
    this.#handlers.error(code, id, message);
  }

  /** Runs `start` until it resolves, failing with a timeout, a disconnect or (for `reqId`) an IB error. */
  #track<T>(operation: string, timeoutMs: number, start: (resolve: (value: T) => void) => void, cleanup?: () => void, reqId?: number): Promise<T> {
    if (this.#ended) return Promise.reject(new VenueUnavailableError(this.#venue, operation));
    return new Promise<T>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const pending: Pending = { fail: (error) => settle(() => reject(error)) };
      const settle = (fn: () => void): void => {
        if (!this.#pending.delete(pending)) return;
        timer?.cancel();
        if (reqId !== undefined) this.#requestFailures.delete(reqId);
        cleanup?.();
        fn();
      };
      this.#pending.add(pending);
      timer = this.#clock.setTimer(timeoutMs, () => pending.fail(new VenueTimeoutError(this.#venue, operation, timeoutMs)));
      if (reqId !== undefined) this.#requestFailures.set(reqId, pending.fail);
      start((value) => settle(() => resolve(value)));
    });
  }

  #untilSent(msgId: number, index: 1 | 2, orderId: number, send: () => void): Promise<void> {
    const key = index === 1 ? `${msgId}:${orderId}` : `${msgId}:${orderId}:2`;
    const operation = msgId === PLACE_ORDER ? 'placeOrder' : 'cancelOrder';
    return this.#track<void>(operation, this.#config.submitTimeoutMs, (resolve) => {
      this.#sentWaiters.set(key, () => resolve());
      send();
    }, () => this.#sentWaiters.delete(key));
  }

  #end(error: Error, report: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const pending of [...this.#pending]) pending.fail(error);
    if (report && this.#ready) this.#handlers.disconnected();
  }
}
