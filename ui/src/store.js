// What the pages show, built from the server's events. Pages listen to the keys they render.

const ORDERS_KEPT = 500;
const FILLS_KEPT = 500;
const ALERTS_KEPT = 200;
const EQUITY_KEPT = 2_000;

function fresh() {
  return {
    welcome: undefined,
    synthetic: false,
    /** symbol -> { last, prev, time, open, high, low } */
    quotes: new Map(),
    portfolio: undefined,
    equity: [],
    risk: undefined,
    alerts: [],
    orders: new Map(),
    fills: [],
    strategies: [],
    nodes: [],
    /** command id -> { clientOrderId, order, status, denial, fills } for orders sent from this page */
    tickets: new Map(),
    /** clientOrderId -> command id */
    ticketIds: new Map(),
  };
}

class Store {
  state = fresh();
  #listeners = new Map();
  #claimed = new Set();

  /** A page shows the errors of command `id` itself; the app does not pop them up. */
  claim(id) {
    this.#claimed.add(id);
  }

  claimed(id) {
    return id !== undefined && this.#claimed.has(id);
  }

  /** Calls `fn(state, event)` when `key` changes; returns a function that stops it. */
  on(key, fn) {
    let set = this.#listeners.get(key);
    if (set === undefined) this.#listeners.set(key, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(key, event) {
    for (const fn of this.#listeners.get(key) ?? []) fn(this.state, event);
  }

  /** Applies one server event. */
  apply(msg) {
    const s = this.state;
    switch (msg.type) {
      case 'welcome': {
        const keep = { tickets: s.tickets, ticketIds: s.ticketIds };
        this.state = { ...fresh(), ...keep, welcome: msg, synthetic: msg.synthetic };
        this.emit('welcome', msg);
        this.emit('synthetic');
        return;
      }
      case 'market.bar': {
        const q = s.quotes.get(msg.symbol);
        const prev = q === undefined ? undefined : q.time === msg.bar.time ? q.prev : q.last;
        s.quotes.set(msg.symbol, { last: msg.bar.close, prev, time: msg.bar.time, open: msg.bar.open, high: msg.bar.high, low: msg.bar.low });
        if (msg.synthetic && !s.synthetic) { s.synthetic = true; this.emit('synthetic'); }
        this.emit('quotes', msg);
        return;
      }
      case 'market.snapshot':
        if (msg.synthetic && !s.synthetic) { s.synthetic = true; this.emit('synthetic'); }
        this.emit('snapshot', msg);
        return;
      case 'portfolio': {
        s.portfolio = msg.portfolio;
        const last = s.equity[s.equity.length - 1];
        const point = { time: msg.portfolio.time, equity: msg.portfolio.equity };
        if (last === undefined || point.time > last.time) s.equity.push(point);
        else if (point.time === last.time) s.equity[s.equity.length - 1] = point;
        if (s.equity.length > EQUITY_KEPT) s.equity.shift();
        this.emit('portfolio', msg);
        return;
      }
      case 'portfolio.equity':
        s.equity = msg.points.slice();
        this.emit('equity');
        return;
      case 'risk':
        s.risk = msg.risk;
        this.emit('risk');
        return;
      case 'alerts':
        s.alerts = msg.alerts.slice().reverse();
        this.emit('alerts');
        return;
      case 'alert':
        s.alerts.unshift(msg.alert);
        if (s.alerts.length > ALERTS_KEPT) s.alerts.pop();
        this.emit('alerts');
        return;
      case 'cluster':
        s.nodes = msg.nodes;
        this.emit('cluster');
        return;
      case 'strategies':
        s.strategies = msg.strategies;
        this.emit('strategies');
        return;
      case 'blotter':
        s.orders = new Map(msg.orders.map((o) => [o.clientOrderId, o]));
        s.fills = msg.fills.slice().reverse();
        this.emit('orders');
        this.emit('fills');
        return;
      case 'order.ack': {
        s.tickets.set(msg.id, { id: msg.id, clientOrderId: msg.clientOrderId, order: msg.order, status: 'sent', fills: [] });
        s.ticketIds.set(msg.clientOrderId, msg.id);
        this.#upsertOrder(msg.order);
        this.emit('tickets', msg);
        return;
      }
      case 'order.denied': {
        const id = msg.id ?? s.ticketIds.get(msg.clientOrderId);
        const t = id === undefined ? undefined : s.tickets.get(id);
        if (t !== undefined) { t.status = 'denied'; t.denial = msg; }
        const o = s.orders.get(msg.clientOrderId);
        if (o !== undefined) this.#upsertOrder({ ...o, status: 'denied', reason: msg.code });
        this.emit('tickets', msg);
        return;
      }
      case 'order.update': {
        this.#upsertOrder(msg.order);
        const id = s.ticketIds.get(msg.order.clientOrderId);
        const t = id === undefined ? undefined : s.tickets.get(id);
        if (t !== undefined) { t.status = msg.order.status; t.order = msg.order; this.emit('tickets', msg); }
        return;
      }
      case 'fill': {
        if (!s.fills.some((f) => f.fillId === msg.fill.fillId)) {
          s.fills.unshift(msg.fill);
          if (s.fills.length > FILLS_KEPT) s.fills.pop();
        }
        const id = s.ticketIds.get(msg.fill.clientOrderId);
        const t = id === undefined ? undefined : s.tickets.get(id);
        if (t !== undefined) { t.fills.push(msg.fill); this.emit('tickets', msg); }
        this.emit('fills', msg);
        return;
      }
      default:
        this.emit(msg.type, msg);
    }
  }

  #upsertOrder(order) {
    const orders = this.state.orders;
    orders.delete(order.clientOrderId);
    orders.set(order.clientOrderId, order);
    if (orders.size > ORDERS_KEPT) orders.delete(orders.keys().next().value);
    this.emit('orders');
  }
}

export const store = new Store();
