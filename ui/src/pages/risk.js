// Risk: the trading state, every limit with how much of it is used, VaR, alerts and the state's history.
import { h, panel, replace } from '../dom.js';
import { byUnit, fmt } from '../format.js';
import { alertList } from './widgets.js';

export function mount(root, { store, conn }) {
  const state = h('div', { 'data-testid': 'risk-state' });
  const limits = h('div', { 'data-testid': 'limits' });
  const varBox = h('div', { 'data-testid': 'var' });
  const alerts = h('div', {});
  const history = h('div', {});
  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, 'Risk'), h('span', { class: 'sub' }, 'pre-trade limits and their use by the portfolio now'), h('span', { class: 'spacer' }),
      h('button', { class: 'small', onclick: () => conn.send({ type: 'risk.refresh' }) }, 'Refresh')),
    h('div', { class: 'grid cols-main-side' },
      panel('Limits', limits, { flush: true }),
      h('div', { class: 'grid' }, panel('Trading state', state), panel('Value at risk (1 day)', varBox))),
    h('div', { class: 'grid cols-2 mt' }, panel('Alerts', alerts, { flush: true }), panel('Trading-state history', history, { flush: true })),
  );

  function render() {
    const r = store.state.risk;
    if (r === undefined) return replace(limits, h('div', { class: 'empty' }, 'Waiting for the risk actor…'));
    const s = r.tradingState;
    replace(state, h('div', { class: `state-big ${s === 'ACTIVE' ? 'up' : s === 'HALTED' ? 'down' : 'warn'}` }, s),
      h('div', { class: 'muted' }, s === 'ACTIVE' ? 'All checks apply to new orders.' : s === 'REDUCING' ? 'Only orders that reduce a position pass.' : 'New orders are denied; cancels pass.'),
      h('div', { class: 'muted' }, `${r.openOrders} open orders · risk actor ${r.riskId}`));
    replace(limits, r.limits.map((l) => {
      const u = l.utilisation;
      const fill = h('div', { class: `fill${u === undefined ? '' : u >= 0.8 ? ' high' : u >= 0.5 ? ' mid' : ''}` });
      fill.style.width = `${Math.min(100, Math.max(0, (u ?? 0) * 100)).toFixed(1)}%`;
      return h('div', { class: 'util', 'data-key': l.key, 'data-utilisation': u === undefined ? '' : u.toFixed(4) },
        h('div', {}, l.label),
        u === undefined ? h('div', { class: 'muted' }, 'per order') : h('div', { class: 'bar', title: fmt.pct(u, 1) }, fill),
        h('div', { class: 'fig' }, u === undefined ? '' : h('b', {}, `${byUnit(l.used, l.unit)} `), `/ ${l.limit === null ? 'off' : byUnit(l.limit, l.unit)}`, u === undefined ? '' : ` · ${fmt.pct(u, 0)}`));
    }));
    const v = r.var;
    replace(varBox, v === undefined ? h('div', { class: 'muted' }, 'Not computed yet (no positions or no return history).') :
      v.insufficient !== undefined && v.historical99 === undefined ? h('div', { class: 'warn' }, `Return history too short for: ${v.insufficient.join(', ')}`) :
        h('dl', { class: 'kv' },
          h('dt', {}, 'Historical 95%'), h('dd', {}, fmt.money(v.historical95)), h('dt', {}, 'Historical 99%'), h('dd', {}, fmt.money(v.historical99)),
          h('dt', {}, 'Parametric 95%'), h('dd', {}, fmt.money(v.parametric95)), h('dt', {}, 'Parametric 99%'), h('dd', {}, fmt.money(v.parametric99)),
          h('dt', {}, 'Observations'), h('dd', {}, fmt.qty(v.observations)), h('dt', {}, 'Check uses'), h('dd', {}, `${r.varMethod} ${fmt.pct(r.varConfidence, 0)}`)));
    replace(history, r.history.length === 0 ? h('div', { class: 'empty' }, 'No changes since the node started') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Change'), h('th', {}, 'Trigger'), h('th', {}, 'Reason'))),
      h('tbody', {}, r.history.slice().reverse().map((x) => h('tr', {}, h('td', { class: 'mono muted' }, fmt.clock(x.time)), h('td', { class: 'mono' }, `${x.from} → ${x.to}`), h('td', {}, x.by === undefined ? x.trigger : `${x.trigger} (${x.by})`), h('td', { class: 'wrap' }, x.reason))))));
  }

  const renderAlerts = () => replace(alerts, alertList(store.state.alerts.slice(0, 50)));
  render();
  renderAlerts();
  const offs = [store.on('risk', render), store.on('alerts', renderAlerts)];
  return () => { for (const off of offs) off(); };
}
