import type { Logger } from 'pino';
import { VenueUnavailableError } from '../errors.js';
import type {
  ExecutionCursor, ExecutionPage, SubmitAck, Unsubscribe, Venue, VenueOpenOrder, VenueOrder, VenueReport, VenueStatus,
} from '../venue.js';
import type { TimerHandle, VenueClock } from '../venue-clock.js';
import type { IbConfig } from './ib-config.js';
import { IbOrderNotModifiableError, classifyIbCode } from './ib-errors.js';
import type { IbVenueEvent } from './ib-events.js';
import { executionsPage } from './ib-executions.js';
import { IbHeldOrders } from './ib-held-orders.js';
import { ibOrderProblem, modifiedIbOrder, toIbContract, toIbOrder } from './ib-mapping.js';
import type { IbOrderChanges } from './ib-mapping.js';
import { Listeners } from './ib-listeners.js';
import { WALL_CLOCK } from './ib-wall-clock.js';
import { IbOrderRegistry } from './ib-order-registry.js';
import type { TrackedOrder } from './ib-order-registry.js';
import { IbOutbox } from './ib-outbox.js';
import { reconcile, venueOpenOrders } from './ib-reconcile.js';
import { IbSession } from './ib-session.js';
import type { IbSessionHandlers } from './ib-session.js';
import { IbTranslator } from './ib-translator.js';

/** Default name stamped on IB fills. */
export const DEFAULT_IB_VENUE_NAME = 'ib';

/** How to build an `IbVenue`. */
export interface IbVenueOptions {
  /** From `parseIbConfig`. */
  readonly config: IbConfig;
  /** Default `ib`. */
  readonly name?: string;
  /** Timers and timestamps. Default: the wall clock, with timers that keep the process alive until `close()`. */
  readonly clock?: VenueClock;
  /** Connection changes and IB codes are logged here (never the account). Default: no logging. */
  readonly logger?: Logger;
  /** The portfolio of an order this process did not submit (after a restart), before `config.portfolioId`. */
  readonly resolvePortfolio?: (clientOrderId: string) => string | undefined;
  /** Jitter source for reconnect delays. Default `Math.random`. */
  readonly random?: () => number;
  /** Called when a listener throws. Default: rethrow on a microtask. */
  readonly onListenerError?: (error: unknown) => void;
}

/**
 * The Interactive Brokers venue over @stoqey/ib (TWS or IB Gateway). It places, modifies and cancels
 * market, limit, stop and stop-limit orders (day / GTC), carrying the client order id in IB's `orderRef`;
 * maps openOrder, orderStatus, execDetails and errors to venue reports (acceptance and terminal reports
 * once, executions once per `execId`, IB's `permId` as the venue order id); reconnects with backoff and
 * reconciles open orders and executions before it reports `connected` again, emitting only missed fills.
 * While it is not connected, new orders are refused (`VenueUnavailableError`) or held, by config.
 * A submit whose client order id TWS already has (learned at connect) resolves `duplicate`: a restarted
 * process never places an order twice.
 *
 * @example
 * const venue = new IbVenue({ config: parseIbConfig({ host: '127.0.0.1', port: 4002, clientId: 7, account: process.env.IB_ACCOUNT }) });
 * venue.onReport((report) => book.apply(report, clock.now()));
 * venue.onEvent((event) => { if (event.kind === 'connectivity') log.warn(event); });
 * await venue.connect();
 * await venue.submit(toVenueOrder(approved));
 */
export class IbVenue implements Venue {
  readonly name: string;
  readonly #config: IbConfig;
  readonly #clock: VenueClock;
  readonly #log: Logger | undefined;
  readonly #resolvePortfolio: ((clientOrderId: string) => string | undefined) | undefined;
  readonly #random: () => number;
  readonly #registry = new IbOrderRegistry();
  readonly #outbox: IbOutbox;
  readonly #translator: IbTranslator;
  readonly #held: IbHeldOrders;
  readonly #secrets = new Set<string>();
  readonly #reports: Listeners<VenueReport>;
  readonly #statuses: Listeners<VenueStatus>;
  readonly #events: Listeners<IbVenueEvent>;
  readonly #commissionWaiters = new Set<() => void>();
  #connectWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #status: VenueStatus = 'disconnected';
  #session: IbSession | undefined;
  #retryTimer: TimerHandle | undefined;
  #attempt = 0;
  #started = false;
  #everConnected = false;
  #closed = false;
  /** TWS said it lost IB (1100 / 2110) and has not said it is back. */
  #linkDown = false;
  #reconciling: Promise<void> = Promise.resolve();

  constructor(options: IbVenueOptions) {
    this.name = options.name ?? DEFAULT_IB_VENUE_NAME;
    this.#config = options.config;
    this.#clock = options.clock ?? WALL_CLOCK;
    this.#log = options.logger;
    this.#resolvePortfolio = options.resolvePortfolio;
    this.#random = options.random ?? Math.random;
    const onListenerError = options.onListenerError ?? ((error: unknown) => queueMicrotask(() => { throw error; }));
    this.#reports = new Listeners(onListenerError);
    this.#statuses = new Listeners(onListenerError);
    this.#events = new Listeners(onListenerError);
    if (options.config.account !== undefined) this.#secrets.add(options.config.account);
    this.#held = new IbHeldOrders(this.name, options.config, this.#clock, (e) => this.#emit(e));
    this.#outbox = new IbOutbox(this.#clock, options.config.commissionWaitMs, (r) => this.#reports.emit(Object.freeze(r)), (fill) => {
      this.#emit({ kind: 'commission_missing', clientOrderId: fill.clientOrderId, fillId: fill.fillId, time: this.#clock.now() });
    });
    this.#translator = new IbTranslator({
      name: this.name, clock: this.#clock, timeZone: options.config.timeZone, registry: this.#registry, outbox: this.#outbox,
      portfolioOf: (t) => this.#portfolioOf(t), event: (e) => this.#emit(e), scrub: (m) => this.#scrub(m),
    });
  }

  get status(): VenueStatus {
    return this.#status;
  }

  /** Connects (retrying with backoff) and reconciles; resolves once orders can be placed. */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new VenueUnavailableError(this.name, 'connect'));
    if (this.#status === 'connected') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (!this.#started) {
      this.#started = true;
      void this.#tryConnect();
    }
    return ready;
  }

  /** Disconnects for good: held orders are refused, pending requests fail, no report follows. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#retryTimer?.cancel();
    this.#outbox.close();
    const session = this.#session;
    this.#session = undefined;
    session?.close();
    this.#held.refuseAll();
    this.#failConnectWaiters(new VenueUnavailableError(this.name, 'connect'));
    this.#setStatus('disconnected');
    return Promise.resolve();
  }

  submit(order: VenueOrder): Promise<SubmitAck> {
    if (this.#closed) return Promise.reject(new VenueUnavailableError(this.name, 'submit'));
    const known = this.#registry.get(order.clientOrderId);
    if (known !== undefined) {
      known.order ??= order;
      this.#translator.reannounce(known);
      return Promise.resolve(known.permId === undefined ? { outcome: 'duplicate' } : { outcome: 'duplicate', venueOrderId: String(known.permId) });
    }
    const held = this.#held.pending(order.clientOrderId);
    if (held !== undefined) return held;
    if (this.#status !== 'connected' || this.#session === undefined) return this.#held.admit(order);
    return this.#place(order, this.#session);
  }

  async cancel(clientOrderId: string): Promise<void> {
    if (this.#closed) throw new VenueUnavailableError(this.name, 'cancel');
    const time = this.#clock.now();
    const held = this.#held.take(clientOrderId);
    if (held !== undefined) {
      const report: VenueReport = { kind: 'canceled', clientOrderId, reason: 'CANCELED_WHILE_HELD', time };
      this.#registry.track({ clientOrderId, symbol: held.order.symbol, side: held.order.side, quantity: held.order.quantity, order: held.order, state: 'done', terminalReport: report });
      held.resolve({ outcome: 'sent' });
      return this.#outbox.report(report);
    }
    const session = this.#connectedSession('cancel');
    const tracked = this.#registry.get(clientOrderId);
    if (tracked === undefined || tracked.orderId === undefined) return this.#outbox.report({ kind: 'cancel_rejected', clientOrderId, reason: 'UNKNOWN_ORDER', time });
    if (tracked.state === 'done') return this.#outbox.report({ kind: 'cancel_rejected', clientOrderId, reason: 'ORDER_DONE', time });
    tracked.cancelRequested = true;
    try {
      await session.cancelOrder(tracked.orderId);
    } catch (error) {
      if (error instanceof VenueUnavailableError) tracked.cancelRequested = false;
      throw error;
    }
  }

  /** Modifies a working order in place (IB: placeOrder with its id); the outcome arrives as openOrder / errors 104, 105. */
  async modify(clientOrderId: string, changes: IbOrderChanges): Promise<void> {
    const tracked = this.#registry.get(clientOrderId);
    if (tracked?.contract === undefined || tracked.ibOrder === undefined || tracked.orderId === undefined) throw new IbOrderNotModifiableError(clientOrderId, 'UNKNOWN_ORDER');
    if (tracked.state === 'done') throw new IbOrderNotModifiableError(clientOrderId, 'ORDER_DONE');
    const ibOrder = modifiedIbOrder(tracked.ibOrder, changes);
    const quantity = ibOrder.totalQuantity ?? 0;
    if (!Number.isSafeInteger(quantity) || quantity <= tracked.filledQuantity) {
      throw new IbOrderNotModifiableError(clientOrderId, 'INVALID_CHANGE', `quantity ${quantity} must be an integer above the filled ${tracked.filledQuantity}`);
    }
    await this.#connectedSession('modify').placeOrder(tracked.orderId, tracked.contract, ibOrder);
    tracked.ibOrder = ibOrder;
    tracked.quantity = quantity;
    if (tracked.order !== undefined) {
      tracked.order = Object.freeze({
        ...tracked.order, quantity, ...(changes.limitPrice === undefined ? {} : { limitPrice: changes.limitPrice }),
        ...(changes.stopPrice === undefined ? {} : { stopPrice: changes.stopPrice }), ...(changes.tif === undefined ? {} : { tif: changes.tif }),
      });
    }
  }

  async openOrders(): Promise<readonly VenueOpenOrder[]> {
    return venueOpenOrders(await this.#connectedSession('openOrders').requestOpenOrders(), this.#registry);
  }

  async executionsSince(cursor: ExecutionCursor): Promise<ExecutionPage> {
    return executionsPage(cursor, {
      session: this.#connectedSession('executionsSince'), registry: this.#registry, translator: this.#translator,
      timeZone: this.#config.timeZone, commissionWaitMs: this.#config.commissionWaitMs, clock: this.#clock,
      commissionArrived: (fn) => {
        this.#commissionWaiters.add(fn);
        return () => this.#commissionWaiters.delete(fn);
      },
    });
  }

  onReport(listener: (report: VenueReport) => void): Unsubscribe {
    return this.#reports.add(listener);
  }

  onStatus(listener: (status: VenueStatus) => void): Unsubscribe {
    return this.#statuses.add(listener);
  }

  /** IB codes, connectivity notices, reconnects, reconciliations and held orders (see `IbVenueEvent`). */
  onEvent(listener: (event: IbVenueEvent) => void): Unsubscribe {
    return this.#events.add(listener);
  }

  async #place(order: VenueOrder, session: IbSession): Promise<SubmitAck> {
    const base = { clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, quantity: order.quantity, order };
    const problem = ibOrderProblem(order);
    if (problem !== undefined) {
      const report: VenueReport = { kind: 'rejected', clientOrderId: order.clientOrderId, reason: problem, time: this.#clock.now() };
      this.#registry.track({ ...base, state: 'done', terminalReport: report });
      this.#outbox.report(report);
      return { outcome: 'sent' };
    }
    const contract = toIbContract(order.symbol, this.#config);
    const ibOrder = toIbOrder(order, this.#config);
    const tracked = this.#registry.track({ ...base, orderId: session.takeOrderId(), contract, ibOrder, state: 'sending' });
    try {
      await session.placeOrder(tracked.orderId!, contract, ibOrder);
    } catch (error) {
      if (!(error instanceof VenueUnavailableError)) throw error; // a timeout leaves the order tracked: its outcome is unknown
      this.#registry.forget(tracked);
      if (!this.#closed) return this.#held.admit(order); // raced with a disconnect: the policy decides
      throw error;
    }
    if (tracked.state === 'sending') tracked.state = 'sent';
    return { outcome: 'sent' };
  }

  async #tryConnect(): Promise<void> {
    if (this.#closed) return;
    this.#attempt += 1;
    this.#setStatus('connecting');
    const session = new IbSession(this.name, this.#config, this.#clock, this.#handlers(() => session), (m) => this.#scrub(m));
    this.#session = session;
    this.#linkDown = false;
    try {
      await session.open();
      session.reserveAbove(this.#registry.highestOrderId());
      await this.#reconcile(session);
      if (this.#session !== session) return;
      this.#attempt = 0;
      this.#everConnected = true;
      this.#log?.info({ host: this.#config.host, port: this.#config.port, clientId: this.#config.clientId }, 'IB venue connected');
      this.#ready();
    } catch (error) {
      if (this.#session !== session) return;
      this.#session = undefined;
      session.close();
      this.#scheduleRetry(error);
    }
  }

  /** Reconciliations run one at a time (a connectivity notice may arrive while one runs). */
  #reconcile(session: IbSession): Promise<void> {
    const run = async (): Promise<void> => {
      const first = !this.#everConnected;
      const outcome = await reconcile(session, this.#registry, this.#translator, first, this.#config.timeZone);
      this.#emit({ kind: 'reconciled', first, ...outcome, time: this.#clock.now() });
    };
    const result = this.#reconciling.then(run, run);
    this.#reconciling = result.catch(() => undefined);
    return result;
  }

  /** Connected and reconciled: report it (unless TWS has lost IB) and place the held orders. */
  #ready(): void {
    if (this.#linkDown) return;
    this.#setStatus('connected');
    for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve();
    this.#held.release((order) => this.submit(order));
  }

  #scheduleRetry(cause: unknown): void {
    if (this.#closed) return;
    this.#setStatus('disconnected');
    const { initialDelayMs, maxDelayMs, multiplier, jitter, maxAttempts } = this.#config.reconnect;
    if (maxAttempts !== null && this.#attempt >= maxAttempts) {
      this.#log?.error({ attempts: this.#attempt }, 'IB venue gave up reconnecting');
      this.#started = false;
      this.#attempt = 0;
      this.#failConnectWaiters(new VenueUnavailableError(this.name, 'connect', { cause }));
      this.#held.refuseAll();
      return;
    }
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** this.#attempt);
    const delayMs = Math.max(0, Math.round(base * (1 + jitter * (2 * this.#random() - 1))));
    this.#emit({ kind: 'reconnect_scheduled', attempt: this.#attempt + 1, delayMs, time: this.#clock.now() });
    this.#log?.warn({ attempt: this.#attempt + 1, delayMs }, 'IB venue reconnecting');
    this.#retryTimer = this.#clock.setTimer(delayMs, () => void this.#tryConnect());
  }

  #handlers(current: () => IbSession): IbSessionHandlers {
    const live = (): boolean => this.#session === current() && !this.#closed;
    return {
      openOrder: (id, contract, order, state) => { if (live()) this.#translator.onOpenOrder(id, contract, order, state); },
      orderStatus: (id, status, _filled, permId) => { if (live()) this.#translator.onOrderStatus(id, status, permId); },
      execution: (contract, exec) => { if (live()) this.#translator.onExecution(contract, exec); },
      commission: (report) => {
        if (!live()) return;
        this.#translator.onCommission(report);
        for (const waiter of [...this.#commissionWaiters]) waiter();
      },
      error: (code, id, message) => { if (live()) this.#onIbError(code, id, message); },
      managedAccounts: (accounts) => { for (const account of accounts) this.#secrets.add(account); },
      disconnected: () => {
        if (!live()) return;
        this.#session = undefined;
        this.#attempt = 0;
        this.#log?.warn('IB venue lost its connection');
        this.#scheduleRetry(new Error('connection lost'));
      },
    };
  }

  #onIbError(code: number, id: number, message: string): void {
    const { category } = classifyIbCode(code);
    const time = this.#clock.now();
    const clean = this.#scrub(message);
    if (category.startsWith('connectivity') || category === 'socket_port_reset') {
      this.#log?.warn({ code, category }, 'IB connectivity notice');
      this.#emit({ kind: 'connectivity', code, category, message: clean, time });
      return this.#onConnectivity(category);
    }
    if (category !== 'farm_status') this.#log?.warn({ code, category, ibId: id, message: clean }, 'IB error');
    if (id > 0 && id < 1_900_000_000) return this.#translator.onOrderError(id, code, message);
    this.#emit({ kind: 'ib_error', code, category, ibId: id, message: clean, time });
  }

  /** 1100 / 2110: TWS lost IB, nothing can be routed; 1101 / 1102: back, reconcile before reporting connected. */
  #onConnectivity(category: string): void {
    const session = this.#session;
    if (session === undefined) return;
    if (category === 'connectivity_lost') {
      this.#linkDown = true;
      return this.#setStatus('disconnected');
    }
    if (!category.startsWith('connectivity_restored')) return;
    this.#linkDown = false;
    this.#setStatus('connecting');
    this.#reconcile(session).then(() => {
      if (this.#session === session) this.#ready();
    }, (error: unknown) => {
      if (this.#session !== session) return;
      this.#session = undefined;
      session.close();
      this.#scheduleRetry(error);
    });
  }

  #connectedSession(operation: string): IbSession {
    if (this.#closed || this.#status !== 'connected' || this.#session === undefined) throw new VenueUnavailableError(this.name, operation);
    return this.#session;
  }

  #portfolioOf(tracked: TrackedOrder): string | undefined {
    return tracked.order?.portfolioId ?? this.#resolvePortfolio?.(tracked.clientOrderId) ?? this.#config.portfolioId;
  }

  #scrub(message: string): string {
    let clean = message;
    for (const secret of this.#secrets) if (secret.length > 0) clean = clean.split(secret).join('[account]');
    return clean;
  }

  #failConnectWaiters(error: Error): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error);
  }

  #emit(event: IbVenueEvent): void {
    this.#events.emit(Object.freeze(event));
  }

  #setStatus(status: VenueStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#statuses.emit(status);
  }
}
