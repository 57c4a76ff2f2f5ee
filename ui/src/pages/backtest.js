// Backtest: one run of a built-in strategy over a symbol's stored bars, through the real order path on a simulated clock.
import { equitySeries, increasing, sec, themedChart } from '../charts.js';
import { card, h, panel, replace, select } from '../dom.js';
import { fmt, pnlClass } from '../format.js';
import { nextId } from '../socket.js';

const memory = { run: undefined, result: undefined, failure: undefined };

export function mount(root, { store, conn }) {
  const w = store.state.welcome;
  const kinds = w.strategies.map((s) => s.kind);
  const strategySel = select({ id: 'bt-strategy' }, kinds, memory.run?.strategy ?? kinds[0]);
  const symbolSel = select({ id: 'bt-symbol' }, w.symbols, memory.run?.symbol ?? w.symbols[0]);
  const bars = h('input', { id: 'bt-bars', type: 'number', min: '10', max: '10000', step: '1', value: String(memory.run?.bars ?? 1000) });
  const params = h('div', { class: 'form-row' });
  const run = h('button', { class: 'primary', type: 'submit', id: 'bt-run' }, 'Run backtest');
  const status = h('div', { class: 'muted mono', 'data-testid': 'backtest-status' });
  const metrics = h('div', { class: 'cards', 'data-testid': 'backtest-metrics' });
  const chartEl = h('div', { class: 'chart', 'data-testid': 'backtest-equity' });

  const renderParams = () => {
    const info = w.strategies.find((s) => s.kind === strategySel.value);
    const given = memory.run?.strategy === strategySel.value ? memory.run.params : {};
    replace(params, Object.entries(info?.params ?? {}).map(([name, p]) => h('div', { title: p.description },
      h('label', { for: `bt-p-${name}` }, name),
      h('input', { id: `bt-p-${name}`, 'data-param': name, type: 'number', step: p.kind === 'int' ? '1' : 'any', min: p.min, max: p.max, value: String(given?.[name] ?? p.default) }))));
  };
  strategySel.addEventListener('change', renderParams);

  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, 'Backtest'), h('span', { class: 'sub' }, 'the strategy class, the risk checks and the paper venue on a simulated clock, over the stored daily bars')),
    panel('Run', h('form', { class: 'grid', onsubmit: (e) => { e.preventDefault(); start(); } },
      h('div', { class: 'form-row' }, h('div', {}, h('label', { for: 'bt-strategy' }, 'Strategy'), strategySel), h('div', {}, h('label', { for: 'bt-symbol' }, 'Symbol'), symbolSel), h('div', {}, h('label', { for: 'bt-bars' }, 'Most recent bars'), bars), h('div', {}, run)),
      params, status)),
    h('div', { class: 'mt' }, metrics),
    panel('Equity curve', chartEl),
  );
  const chart = themedChart(chartEl);
  const series = equitySeries(chart);

  function start() {
    const p = {};
    for (const input of params.querySelectorAll('input[data-param]')) if (input.value !== '') p[input.dataset.param] = Number(input.value);
    const id = nextId('b');
    memory.run = { id, strategy: strategySel.value, symbol: symbolSel.value, params: p, bars: Math.trunc(Number(bars.value)) };
    memory.sessionId = w.sessionId;
    memory.result = undefined;
    memory.failure = undefined;
    store.claim(id);
    conn.send({ type: 'backtest.run', ...memory.run });
    render();
  }

  function render() {
    const r = memory.result;
    const running = memory.run !== undefined && r === undefined && memory.failure === undefined;
    run.disabled = running;
    status.dataset.state = memory.failure !== undefined ? 'failed' : r !== undefined ? 'done' : running ? 'running' : 'idle';
    status.className = memory.failure !== undefined ? 'down mono' : 'muted mono';
    status.textContent = memory.failure !== undefined ? `${memory.failure.code}: ${memory.failure.message}`
      : r !== undefined ? `${r.strategy} on ${r.symbol}, ${fmt.qty(r.bars)} bars ${fmt.date(r.from)} → ${fmt.date(r.to)}, params ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')} · ${r.denials} orders denied by risk`
        : running ? 'Running…' : 'Choose a strategy and run it';
    if (r === undefined) {
      replace(metrics);
      series.setData([]);
      return;
    }
    const m = r.metrics;
    replace(metrics,
      card('Final equity', fmt.money(m.finalEquity), { testid: 'bt-final-equity', sub: `from ${fmt.money(m.initialEquity)}` }),
      card('Total return', fmt.signedPct(m.totalReturn), { cls: pnlClass(m.totalReturn), testid: 'bt-total-return' }),
      card('CAGR', fmt.signedPct(m.cagr), { cls: pnlClass(m.cagr) }),
      card('Sharpe', fmt.num(m.sharpe), { testid: 'bt-sharpe' }),
      card('Sortino', fmt.num(m.sortino)),
      card('Calmar', fmt.num(m.calmar)),
      card('Max drawdown', fmt.pct(m.maxDrawdown), { cls: m.maxDrawdown > 0 ? 'down' : '' }),
      card('Trades', fmt.qty(m.trades), { sub: `win rate ${fmt.pct(m.winRate, 0)}` }),
      card('Exposure', fmt.pct(m.exposure, 0), { sub: `turnover ${fmt.num(m.turnover, 1)}×` }),
      card('Commissions', fmt.money(m.commissions), { sub: `${fmt.qty(m.fills)} fills` }));
    series.setData(increasing(r.equity.map((p) => ({ time: sec(p.time), value: p.equity }))));
    chart.timeScale().fitContent();
  }

  const mine = (fn) => (_s, msg) => { if (memory.run !== undefined && msg.id === memory.run.id) fn(msg); };
  const offs = [
    store.on('backtest.result', mine((msg) => { memory.result = msg; render(); })),
    store.on('backtest.failed', mine((msg) => { memory.failure = msg; render(); })),
    conn.on('error', (msg) => { if (memory.run !== undefined && msg.id === memory.run.id) { memory.failure = msg; render(); } }),
  ];
  if (memory.run !== undefined && memory.result === undefined && memory.failure === undefined && memory.sessionId !== w.sessionId) {
    memory.failure = { code: 'DISCONNECTED', message: 'the connection was lost while the backtest ran; run it again' };
  }
  renderParams();
  render();
  return () => {
    for (const off of offs) off();
    chart.remove();
  };
}
