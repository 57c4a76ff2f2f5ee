// The trader app: one WebSocket, a store, a header (ticker, SYNTHETIC label, trading state) and a page per route.
import { h, replace } from './dom.js';
import { fmt, pnlClass } from './format.js';
import { Connection } from './socket.js';
import { store } from './store.js';
import * as dashboard from './pages/dashboard.js';
import * as symbol from './pages/symbol.js';
import * as ticket from './pages/ticket.js';
import * as blotter from './pages/blotter.js';
import * as risk from './pages/risk.js';
import * as optimizer from './pages/optimizer.js';
import * as backtest from './pages/backtest.js';

const PAGES = { dashboard, symbol, ticket, blotter, risk, optimizer, backtest };
const TOPICS = ['portfolio', 'risk', 'blotter', 'strategies', 'cluster', 'alerts'];

const conn = new Connection(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
const root = document.getElementById('page');
let unmount = () => {};

/** `#/symbol/AAPL` -> { page: 'symbol', arg: 'AAPL' }. */
function route() {
  const [, page, arg] = location.hash.replace(/^#\/?/, '/').split('/');
  return { page: PAGES[page] === undefined ? 'dashboard' : page, arg: arg === undefined ? undefined : decodeURIComponent(arg) };
}

function navigate(page, arg) {
  location.hash = arg === undefined ? `#/${page}` : `#/${page}/${encodeURIComponent(arg)}`;
}

function mountPage() {
  unmount();
  const { page, arg } = route();
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === page);
  root.replaceChildren();
  root.dataset.page = page;
  if (store.state.welcome === undefined) {
    root.append(h('div', { class: 'empty' }, 'Connecting to the node…'));
    unmount = () => {};
    return;
  }
  unmount = PAGES[page].mount(root, { store, conn, navigate, arg }) ?? (() => {});
}

// ---- header ----

const ticker = document.getElementById('ticker');
const tickEls = new Map();

function renderTicker() {
  tickEls.clear();
  replace(ticker, (store.state.welcome?.symbols ?? []).map((s) => {
    const px = h('span', { class: 'px' }, '—');
    const chg = h('span', { class: 'chg' }, '');
    const el = h('div', { class: 'tick', 'data-testid': `ticker-${s}`, onclick: () => navigate('symbol', s), title: `Open the ${s} chart` }, h('span', { class: 'sym' }, s), px, chg);
    tickEls.set(s, { px, chg });
    return el;
  }));
  for (const s of tickEls.keys()) updateTick(s);
}

function updateTick(symbol) {
  const el = tickEls.get(symbol);
  const q = store.state.quotes.get(symbol);
  if (el === undefined || q === undefined) return;
  el.px.textContent = fmt.price(q.last);
  const change = q.prev === undefined ? undefined : q.last / q.prev - 1;
  el.chg.textContent = change === undefined ? '' : fmt.signedPct(change);
  el.chg.className = `chg ${pnlClass(change)}`;
}

function renderBadges() {
  document.getElementById('synthetic-badge').classList.toggle('hidden', !store.state.synthetic);
  const state = store.state.risk?.tradingState;
  const badge = document.getElementById('trading-state');
  badge.textContent = state ?? '—';
  badge.className = `badge${state === undefined ? '' : ` state-${state}`}`;
  badge.title = 'Trading state of the risk actor';
}

function toast(code, message) {
  const box = document.getElementById('toasts');
  const el = h('div', { class: 'toast', role: 'status' }, h('b', {}, code), message);
  box.append(el);
  setTimeout(() => el.remove(), 6_000);
}

// ---- wiring ----

conn.on('*', (msg) => store.apply(msg));
conn.on('welcome', (msg) => {
  conn.send({ type: 'subscribe', id: 'boot', topics: TOPICS, symbols: msg.symbols });
  renderTicker();
  renderBadges();
  mountPage();
});
conn.on('error', (msg) => {
  // Pages show the errors of their own commands; the rest pop up.
  if (!store.claimed(msg.id)) toast(msg.code, msg.message);
});
store.on('quotes', (_s, msg) => updateTick(msg.symbol));
store.on('synthetic', renderBadges);
store.on('risk', renderBadges);
conn.onStatus((status) => {
  document.getElementById('conn-dot').className = `dot ${status}`;
  document.getElementById('conn-text').textContent = status === 'open' ? 'live' : status;
});
document.getElementById('logout').addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST' }).catch(() => undefined);
  location.assign('/');
});
window.addEventListener('hashchange', mountPage);
mountPage();
conn.start();
