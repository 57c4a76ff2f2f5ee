// Dashboard: cluster health, the portfolio (equity, P&L, exposure, positions), the trading state, strategies and alerts.
import { equitySeries, increasing, sec, themedChart } from '../charts.js';
import { card, h, panel, replace } from '../dom.js';
import { fmt, pnlClass } from '../format.js';
import { alertList } from './widgets.js';

export function mount(root, { store, navigate }) {
  const w = store.state.welcome;
  const cards = h('div', { class: 'cards', 'data-testid': 'portfolio-cards' });
  const nodes = h('div', { class: 'nodes', 'data-testid': 'cluster-nodes' });
  const state = h('div', {});
  const positions = h('div', {});
  const strategies = h('div', {});
  const alerts = h('div', {});
  const chartEl = h('div', { class: 'chart small', 'data-testid': 'equity-chart' });
  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, 'Dashboard'), h('span', { class: 'sub' }, `portfolio ${w.portfolioId} · node ${w.node} · ${w.feed} feed`)),
    cards,
    h('div', { class: 'grid cols-main-side' },
      panel('Equity', chartEl, { testid: 'equity-panel' }),
      h('div', { class: 'grid' }, panel('Cluster', nodes, { testid: 'cluster' }), panel('Trading state', state, { testid: 'dashboard-state' }))),
    h('div', { class: 'grid cols-2 mt' },
      panel('Positions', positions, { testid: 'positions', flush: true }),
      panel('Strategies', strategies, { testid: 'strategies', flush: true })),
    h('div', { class: 'mt' }, panel('Recent alerts', alerts, { flush: true, tools: h('a', { href: '#/risk' }, 'Risk →') })),
  );

  const chart = themedChart(chartEl, { timeScale: { borderColor: '#212a36', timeVisible: false } });
  const series = equitySeries(chart);
  const drawEquity = () => series.setData(increasing(store.state.equity.map((p) => ({ time: sec(p.time), value: p.equity }))));

  const renderPortfolio = () => {
    const p = store.state.portfolio;
    if (p === undefined) return replace(cards, h('div', { class: 'empty' }, 'Waiting for the portfolio…'));
    replace(cards,
      card('Equity', fmt.money(p.equity), { testid: 'equity', sub: `start of day ${fmt.money(p.startOfDayEquity)}` }),
      card('Day P&L', fmt.signedMoney(p.dayPnl), { cls: pnlClass(p.dayPnl), testid: 'day-pnl', sub: fmt.signedPct(p.startOfDayEquity > 0 ? p.dayPnl / p.startOfDayEquity : 0) }),
      card('Total P&L', fmt.signedMoney(p.totalPnl), { cls: pnlClass(p.totalPnl), testid: 'total-pnl', sub: fmt.signedPct(p.initialCash > 0 ? p.totalPnl / p.initialCash : 0) }),
      card('Unrealized', fmt.signedMoney(p.unrealizedPnl), { cls: pnlClass(p.unrealizedPnl) }),
      card('Realized', fmt.signedMoney(p.realizedPnl), { cls: pnlClass(p.realizedPnl), sub: `commissions ${fmt.money(p.commissions)}` }),
      card('Cash', fmt.money(p.cash)),
      card('Gross exposure', fmt.money(p.grossExposure), { testid: 'gross-exposure', sub: fmt.pct(p.equity > 0 ? p.grossExposure / p.equity : 0, 1) + ' of equity' }),
      card('Net exposure', fmt.money(p.netExposure), { sub: fmt.pct(p.equity > 0 ? p.netExposure / p.equity : 0, 1) + ' of equity' }));
    replace(positions, p.positions.length === 0 ? h('div', { class: 'empty' }, 'No open positions') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Symbol'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Avg cost'), h('th', { class: 'num' }, 'Mark'), h('th', { class: 'num' }, 'Value'), h('th', { class: 'num' }, 'Unrealized'))),
      h('tbody', {}, p.positions.map((x) => h('tr', { 'data-symbol': x.symbol },
        h('td', {}, h('a', { href: `#/symbol/${x.symbol}` }, x.symbol)), h('td', { class: 'num' }, fmt.qty(x.quantity)), h('td', { class: 'num' }, fmt.price(x.averageCost)),
        h('td', { class: 'num' }, fmt.price(x.mark)), h('td', { class: 'num' }, fmt.money(x.marketValue)), h('td', { class: `num ${pnlClass(x.unrealizedPnl)}` }, fmt.signedMoney(x.unrealizedPnl)))))));
  };

  const renderNodes = () => {
    const list = store.state.nodes.length > 0 ? store.state.nodes : [{ node: w.node, status: 'up', roles: [], self: true }];
    replace(nodes, list.map((n) => h('div', { class: 'node', 'data-testid': `node-${n.node}`, 'data-status': n.status },
      h('span', { class: `dot ${n.status}` }),
      h('div', {}, h('div', { class: 'name' }, n.node, n.self ? h('span', { class: 'muted' }, ' (this node)') : null),
        h('div', { class: 'roles' }, `${n.status.toUpperCase()}${n.roles.length > 0 ? ` · ${n.roles.join(', ')}` : ''}${n.reason ? ` · ${n.reason}` : ''}`)))));
  };

  const renderState = () => {
    const r = store.state.risk;
    const s = r?.tradingState ?? '—';
    replace(state, h('div', { class: `state-big ${s === 'ACTIVE' ? 'up' : s === 'HALTED' ? 'down' : 'warn'}` }, s),
      h('div', { class: 'muted' }, r === undefined ? '' : `${r.openOrders} open orders · VaR ${r.var?.historical99 === undefined ? 'n/a' : fmt.money(r.var.historical99)} (hist. 99%)`));
  };

  const renderStrategies = () => {
    const rows = store.state.strategies;
    replace(strategies, rows.length === 0 ? h('div', { class: 'empty' }, 'No strategies on this node') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Strategy'), h('th', { class: 'num' }, 'Bars'), h('th', { class: 'num' }, 'Orders'), h('th', { class: 'num' }, 'Denied'), h('th', { class: 'num' }, 'Fills'), h('th', {}, 'Positions'))),
      h('tbody', {}, rows.map((x) => h('tr', {},
        h('td', { title: x.symbols.join(', ') }, h('span', { class: `dot ${x.status === 'running' ? 'up' : 'down'}` }), ' ', x.id, h('span', { class: 'kind' }, x.kind)), h('td', { class: 'num' }, fmt.qty(x.barsSeen)),
        h('td', { class: 'num' }, fmt.qty(x.ordersSubmitted)), h('td', { class: 'num' }, fmt.qty(x.ordersDenied)), h('td', { class: 'num' }, fmt.qty(x.fills)),
        h('td', { class: 'mono wrap' }, Object.entries(x.positions).map(([s, q]) => `${s} ${q}`).join(', ') || '—'))))));
  };

  const renderAlerts = () => replace(alerts, alertList(store.state.alerts.slice(0, 8)));

  renderPortfolio();
  renderNodes();
  renderState();
  renderStrategies();
  renderAlerts();
  drawEquity();
  chart.timeScale().fitContent();
  const offs = [
    store.on('portfolio', () => {
      renderPortfolio();
      const last = store.state.equity[store.state.equity.length - 1];
      if (last !== undefined) series.update({ time: sec(last.time), value: last.equity });
    }),
    store.on('equity', () => { drawEquity(); chart.timeScale().fitContent(); }),
    store.on('cluster', renderNodes),
    store.on('risk', renderState),
    store.on('strategies', renderStrategies),
    store.on('alerts', renderAlerts),
  ];
  void navigate;
  return () => {
    for (const off of offs) off();
    chart.remove();
  };
}
