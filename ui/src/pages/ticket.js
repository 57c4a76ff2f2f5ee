// Order ticket: market, limit, stop and stop-limit orders to the risk actor; a denial shows its code and message.
import { h, panel, replace, select } from '../dom.js';
import { fmt } from '../format.js';
import { nextId } from '../socket.js';
import { sideCell, statusTag } from './widgets.js';

const TYPES = [['market', 'Market'], ['limit', 'Limit'], ['stop', 'Stop'], ['stop_limit', 'Stop limit']];

export function mount(root, { store, conn, arg }) {
  const symbols = store.state.welcome.symbols;
  let side = 'buy';
  let current;
  const symbolSel = select({ id: 'ticket-symbol', name: 'symbol' }, symbols, symbols.includes(arg) ? arg : symbols[0]);
  const typeSel = select({ id: 'ticket-type', name: 'orderType' }, TYPES, 'market');
  const qty = h('input', { id: 'ticket-qty', name: 'quantity', type: 'number', min: '1', step: '1', value: '10', inputmode: 'numeric' });
  const limit = h('input', { id: 'ticket-limit', name: 'limitPrice', type: 'number', min: '0', step: '0.01', placeholder: '—' });
  const stop = h('input', { id: 'ticket-stop', name: 'stopPrice', type: 'number', min: '0', step: '0.01', placeholder: '—' });
  const tif = select({ id: 'ticket-tif', name: 'tif' }, [['day', 'Day'], ['gtc', 'Good till cancel']], 'day');
  const buyBtn = h('button', { type: 'button', class: 'on buy-on', 'data-side': 'buy', onclick: () => setSide('buy') }, 'Buy');
  const sellBtn = h('button', { type: 'button', 'data-side': 'sell', onclick: () => setSide('sell') }, 'Sell');
  const submit = h('button', { type: 'submit', class: 'buy', id: 'ticket-submit' }, 'Buy');
  const estimate = h('dl', { class: 'kv' });
  const result = h('div', { 'data-testid': 'ticket-result' });
  const mine = h('div', {});

  const form = h('form', { class: 'ticket', 'data-testid': 'ticket-form', onsubmit: (e) => { e.preventDefault(); send(); } },
    h('div', {}, h('label', { for: 'ticket-symbol' }, 'Symbol'), symbolSel),
    h('div', { class: 'side-toggle' }, buyBtn, sellBtn),
    h('div', { class: 'row' }, h('div', {}, h('label', { for: 'ticket-type' }, 'Type'), typeSel), h('div', {}, h('label', { for: 'ticket-qty' }, 'Quantity'), qty)),
    h('div', { class: 'row' }, h('div', {}, h('label', { for: 'ticket-limit' }, 'Limit price'), limit), h('div', {}, h('label', { for: 'ticket-stop' }, 'Stop price'), stop)),
    h('div', {}, h('label', { for: 'ticket-tif' }, 'Time in force'), tif),
    estimate,
    submit,
    result);
  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, 'Order ticket'), h('span', { class: 'sub' }, `portfolio ${store.state.welcome.portfolioId} · every order goes through the risk actor's pre-trade checks`)),
    h('div', { class: 'grid cols-main-side' }, panel('Orders from this session', mine, { flush: true, testid: 'ticket-orders' }), panel('New order', form)),
  );

  function setSide(s) {
    side = s;
    buyBtn.className = s === 'buy' ? 'on buy-on' : '';
    sellBtn.className = s === 'sell' ? 'on sell-on' : '';
    submit.className = s;
    submit.textContent = s === 'buy' ? 'Buy' : 'Sell';
    renderEstimate();
  }

  function renderEstimate() {
    const sym = symbolSel.value;
    const type = typeSel.value;
    limit.disabled = !(type === 'limit' || type === 'stop_limit');
    stop.disabled = !(type === 'stop' || type === 'stop_limit');
    const q = store.state.quotes.get(sym);
    const pos = store.state.portfolio?.positions.find((p) => p.symbol === sym)?.quantity ?? 0;
    const px = !limit.disabled && Number(limit.value) > 0 ? Number(limit.value) : !stop.disabled && Number(stop.value) > 0 ? Number(stop.value) : q?.last;
    const n = Number(qty.value);
    replace(estimate,
      h('dt', {}, 'Last'), h('dd', { 'data-testid': 'ticket-last' }, fmt.price(q?.last)),
      h('dt', {}, 'Position'), h('dd', { 'data-testid': 'ticket-position' }, fmt.qty(pos)),
      h('dt', {}, 'Est. notional'), h('dd', {}, px === undefined || !(n > 0) ? '—' : fmt.money(px * n)),
      h('dt', {}, 'Buying power (cash)'), h('dd', {}, fmt.money(store.state.portfolio?.cash)));
  }

  function send() {
    const n = Number(qty.value);
    const order = { type: 'order.submit', id: nextId('t'), symbol: symbolSel.value, side, orderType: typeSel.value, quantity: Number.isFinite(n) ? n : 0, tif: tif.value };
    if (!limit.disabled && limit.value !== '') order.limitPrice = Number(limit.value);
    if (!stop.disabled && stop.value !== '') order.stopPrice = Number(stop.value);
    current = order.id;
    store.claim(order.id);
    replace(result, h('div', { class: 'notice', 'data-status': 'sending' }, `Sending ${side} ${order.quantity} ${order.symbol}…`));
    if (!conn.send(order)) replace(result, h('div', { class: 'notice denied', 'data-status': 'offline' }, 'Not connected; the order was not sent.'));
  }

  function renderResult(msg) {
    if (msg?.type === 'error' && msg.id === current) {
      return replace(result, h('div', { class: 'notice denied', 'data-status': 'error', 'data-testid': 'denial' }, h('div', { class: 'code' }, msg.code), h('div', { class: 'msg' }, msg.message)));
    }
    const t = store.state.tickets.get(current);
    if (t === undefined) return;
    if (t.status === 'denied') {
      return replace(result, h('div', { class: 'notice denied', 'data-status': 'denied', 'data-testid': 'denial' },
        h('div', { class: 'code', 'data-testid': 'denial-code' }, t.denial.code), h('div', { class: 'msg', 'data-testid': 'denial-message' }, t.denial.message)));
    }
    const filled = t.order.filledQuantity ?? 0;
    const text = t.status === 'filled' ? `Filled ${fmt.qty(filled)} @ ${fmt.price(t.order.averagePrice)}` : `${t.status.replace('_', ' ')}${filled > 0 ? ` · ${fmt.qty(filled)} filled` : ''}`;
    replace(result, h('div', { class: `notice ${t.status === 'filled' ? 'filled' : ''}`, 'data-status': t.status }, h('div', {}, statusTag(t.status), ' ', text), h('div', { class: 'msg muted' }, t.clientOrderId)));
  }

  function renderMine() {
    const rows = [...store.state.tickets.values()].reverse().slice(0, 30);
    replace(mine, rows.length === 0 ? h('div', { class: 'empty' }, 'Orders you send appear here with their status') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Order'), h('th', {}, 'Side'), h('th', {}, 'Symbol'), h('th', {}, 'Type'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Filled'), h('th', { class: 'num' }, 'Avg px'), h('th', {}, 'Status'))),
      h('tbody', {}, rows.map((t) => h('tr', { 'data-order-id': t.clientOrderId, 'data-status': t.status },
        h('td', { class: 'mono muted' }, t.clientOrderId.split('-').slice(-1)[0]), sideCell(t.order.side), h('td', {}, t.order.symbol), h('td', { class: 'muted' }, t.order.orderType),
        h('td', { class: 'num' }, fmt.qty(t.order.quantity)), h('td', { class: 'num' }, fmt.qty(t.order.filledQuantity)), h('td', { class: 'num' }, t.order.averagePrice > 0 ? fmt.price(t.order.averagePrice) : '—'),
        h('td', { title: t.denial?.message ?? '' }, statusTag(t.status === 'sent' ? 'initialized' : t.status), t.denial ? h('span', { class: 'mono down' }, ` ${t.denial.code}`) : null))))));
  }

  for (const el of [symbolSel, typeSel, qty, limit, stop]) el.addEventListener('input', renderEstimate);
  const offs = [
    store.on('tickets', () => { renderResult(); renderMine(); }),
    store.on('quotes', renderEstimate),
    store.on('portfolio', renderEstimate),
    conn.on('error', renderResult),
  ];
  setSide('buy');
  renderMine();
  return () => { for (const off of offs) off(); };
}
