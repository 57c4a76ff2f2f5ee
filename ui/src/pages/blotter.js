// Blotter: open orders (cancel), every recent order and the fills, live.
import { h, panel, replace } from '../dom.js';
import { fmt } from '../format.js';
import { nextId } from '../socket.js';
import { sideCell, statusTag, strategyLabel } from './widgets.js';

const OPEN = new Set(['initialized', 'submitted', 'accepted', 'partially_filled', 'pending_cancel']);

export function mount(root, { store, conn }) {
  const open = h('div', {});
  const recent = h('div', { class: 'scroll' });
  const fills = h('div', { class: 'scroll' });
  const counts = h('span', { class: 'sub' });
  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, 'Blotter'), counts),
    panel('Open orders', open, { flush: true, testid: 'open-orders' }),
    h('div', { class: 'grid cols-blotter mt' }, panel('Orders', recent, { flush: true, testid: 'orders' }), panel('Fills', fills, { flush: true, testid: 'fills' })),
  );

  const price = (o) => (o.orderType === 'market' ? 'MKT' : o.orderType === 'limit' ? fmt.price(o.limitPrice) : o.orderType === 'stop' ? `stop ${fmt.price(o.stopPrice)}` : `${fmt.price(o.stopPrice)} / ${fmt.price(o.limitPrice)}`);
  const orderRow = (o, withCancel) => h('tr', { 'data-order-id': o.clientOrderId, 'data-status': o.status },
    h('td', { class: 'mono muted' }, fmt.clock(o.updatedAt)), h('td', { class: 'mono' }, strategyLabel(o.strategyId, store.state.welcome.sessionId)), sideCell(o.side), h('td', {}, o.symbol),
    h('td', { class: 'num' }, fmt.qty(o.quantity)), h('td', { class: 'num' }, price(o)), h('td', { class: 'num' }, fmt.qty(o.filledQuantity)),
    h('td', { class: 'num' }, o.averagePrice > 0 ? fmt.price(o.averagePrice) : '—'), h('td', { title: o.reason ?? '' }, statusTag(o.status)),
    withCancel ? h('td', {}, h('button', { class: 'small sell', 'data-testid': `cancel-${o.clientOrderId}`, disabled: o.status === 'pending_cancel', onclick: () => cancel(o) }, 'Cancel')) : null);
  const head = (withCancel) => h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Strategy'), h('th', {}, 'Side'), h('th', {}, 'Symbol'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'), h('th', { class: 'num' }, 'Filled'), h('th', { class: 'num' }, 'Avg px'), h('th', {}, 'Status'), withCancel ? h('th', {}, '') : null));

  function cancel(o) {
    conn.send({ type: 'order.cancel', id: nextId('c'), clientOrderId: o.clientOrderId });
  }

  function renderOrders() {
    const all = [...store.state.orders.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    const live = all.filter((o) => OPEN.has(o.status));
    counts.textContent = `${live.length} open · ${all.length} orders · ${store.state.fills.length} fills`;
    replace(open, live.length === 0 ? h('div', { class: 'empty' }, 'No open orders') : h('table', {}, head(true), h('tbody', {}, live.map((o) => orderRow(o, true)))));
    replace(recent, all.length === 0 ? h('div', { class: 'empty' }, 'No orders yet') : h('table', {}, head(false), h('tbody', {}, all.slice(0, 200).map((o) => orderRow(o, false)))));
  }

  function renderFills() {
    const list = store.state.fills.slice(0, 200);
    counts.textContent = counts.textContent.replace(/\d+ fills$/, `${store.state.fills.length} fills`);
    replace(fills, list.length === 0 ? h('div', { class: 'empty' }, 'No fills yet') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Bar date'), h('th', {}, 'Strategy'), h('th', {}, 'Side'), h('th', {}, 'Symbol'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'), h('th', { class: 'num' }, 'Commission'))),
      h('tbody', {}, list.map((f) => h('tr', { 'data-fill-id': f.fillId, 'data-order-id': f.clientOrderId },
        h('td', { class: 'mono muted' }, fmt.date(f.time)), h('td', { class: 'mono', title: f.clientOrderId }, strategyLabel(store.state.orders.get(f.clientOrderId)?.strategyId ?? '—', store.state.welcome.sessionId)), sideCell(f.side), h('td', {}, f.symbol),
        h('td', { class: 'num' }, fmt.qty(f.quantity)), h('td', { class: 'num' }, fmt.price(f.price)), h('td', { class: 'num' }, fmt.money(f.commission)))))));
  }

  renderOrders();
  renderFills();
  const offs = [store.on('orders', renderOrders), store.on('fills', renderFills)];
  return () => { for (const off of offs) off(); };
}
