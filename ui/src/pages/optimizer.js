// Optimizer: a parameter sweep over a symbol's stored bars, with a progress bar, a sortable results table and a heatmap of two parameters.
import { h, panel, replace, select } from '../dom.js';
import { fmt, pnlClass } from '../format.js';
import { nextId } from '../socket.js';
import { sortableTable } from './widgets.js';

const DEFAULT_GRIDS = {
  'sma-cross': 'fast=5..30:5,slow=20..120:10',
  'rsi-reversion': 'period=5..25:5,oversold=20..40:5',
  'bollinger-atr': 'period=10..40:5,k=1..3:0.5',
};
const METRICS = [['sharpe', 'Sharpe'], ['totalReturn', 'Total return'], ['calmar', 'Calmar'], ['maxDrawdown', 'Max drawdown']];
const LOWER_IS_BETTER = new Set(['maxDrawdown']);

/** The page keeps its last sweep across visits. */
const memory = { run: undefined, progress: undefined, result: undefined, failure: undefined };

export function mount(root, { store, conn }) {
  const w = store.state.welcome;
  const sweepable = w.strategies.filter((s) => s.sweepable).map((s) => s.kind);
  const strategySel = select({ id: 'opt-strategy' }, sweepable, memory.run?.strategy ?? sweepable[0]);
  const symbolSel = select({ id: 'opt-symbol' }, w.symbols, memory.run?.symbol ?? w.symbols[0]);
  const grid = h('input', { id: 'opt-grid', value: memory.run?.grid ?? DEFAULT_GRIDS[strategySel.value] ?? '', spellcheck: 'false' });
  const objectiveSel = select({ id: 'opt-objective' }, METRICS.slice(0, 3), memory.run?.objective ?? 'sharpe');
  const run = h('button', { class: 'primary', type: 'submit', id: 'opt-run' }, 'Run sweep');
  const cancel = h('button', { type: 'button', id: 'opt-cancel', disabled: true, onclick: () => memory.run && conn.send({ type: 'optimizer.cancel', id: memory.run.id }) }, 'Cancel');
  const bar = h('div', {});
  const progress = h('div', { class: 'grid', 'data-testid': 'sweep-progress', 'data-done': '0', 'data-total': '0' }, h('div', { class: 'progress' }, bar), h('div', { class: 'muted mono' }, 'No sweep yet'));
  const results = h('div', { class: 'scroll' });
  const heat = h('div', { 'data-testid': 'heatmap' });
  const xSel = select({ id: 'heat-x' }, [], '');
  const ySel = select({ id: 'heat-y' }, [], '');
  const mSel = select({ id: 'heat-metric' }, METRICS, 'sharpe');
  const summary = h('div', { class: 'muted' });
  strategySel.addEventListener('change', () => { grid.value = DEFAULT_GRIDS[strategySel.value] ?? ''; });

  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, 'Optimizer'), h('span', { class: 'sub' }, 'gpu.js sweeps of a built-in strategy over the stored daily bars; the best are re-run through the actor backtest')),
    panel('Sweep', h('form', { class: 'grid', onsubmit: (e) => { e.preventDefault(); start(); } },
      h('div', { class: 'form-row' },
        h('div', {}, h('label', { for: 'opt-strategy' }, 'Strategy'), strategySel), h('div', {}, h('label', { for: 'opt-symbol' }, 'Symbol'), symbolSel),
        h('div', { class: 'span-2' }, h('label', { for: 'opt-grid' }, 'Grid (name=from..to:step or a|b|c)'), grid),
        h('div', {}, h('label', { for: 'opt-objective' }, 'Rank by'), objectiveSel),
        h('div', { class: 'actions' }, run, cancel)),
      progress)),
    h('div', { class: 'grid cols-opt mt' },
      panel('Results', h('div', {}, summary, results), { flush: false, testid: 'sweep-results' }),
      panel('Heatmap', h('div', { class: 'grid' }, h('div', { class: 'row-3' }, h('div', {}, h('label', { for: 'heat-x' }, 'X'), xSel), h('div', {}, h('label', { for: 'heat-y' }, 'Y'), ySel), h('div', {}, h('label', { for: 'heat-metric' }, 'Colour'), mSel)), heat))),
  );

  function start() {
    const id = nextId('x');
    memory.run = { id, strategy: strategySel.value, symbol: symbolSel.value, grid: grid.value.trim(), objective: objectiveSel.value };
    memory.sessionId = w.sessionId;
    memory.progress = undefined;
    memory.result = undefined;
    memory.failure = undefined;
    store.claim(id);
    conn.send({ type: 'optimizer.run', ...memory.run });
    renderProgress();
    renderResults();
  }

  function renderProgress() {
    const p = memory.progress;
    const r = memory.result;
    const running = memory.run !== undefined && r === undefined && memory.failure === undefined;
    run.disabled = running;
    cancel.disabled = !running;
    const total = p?.total ?? r?.combos ?? 0;
    const done = r !== undefined ? total : (p?.done ?? 0);
    progress.dataset.done = String(done);
    progress.dataset.total = String(total);
    progress.dataset.state = memory.failure !== undefined ? 'failed' : r !== undefined ? 'done' : running ? 'running' : 'idle';
    bar.style.width = `${total > 0 ? (100 * done) / total : 0}%`;
    const text = memory.failure !== undefined ? `${memory.failure.code}: ${memory.failure.message}`
      : r !== undefined ? `Done: ${fmt.qty(r.combos)} combinations over ${fmt.qty(r.bars)} bars in ${fmt.duration(r.elapsedMs)} on ${r.backend}; confirmation ${r.confirmation}`
        : p !== undefined ? `${fmt.qty(p.done)} / ${fmt.qty(p.total)} combinations · chunk ${p.chunk + 1}/${p.chunks} · ${p.backend} · ETA ${fmt.duration(p.etaMs)}`
          : running ? 'Loading bars and opening a backend…' : 'No sweep yet';
    progress.lastChild.textContent = text;
    progress.lastChild.className = memory.failure !== undefined ? 'down mono' : 'muted mono';
  }

  function renderResults() {
    const r = memory.result;
    if (r === undefined) {
      replace(results, h('div', { class: 'empty' }, 'Results appear when the sweep finishes'));
      replace(heat);
      summary.textContent = '';
      return;
    }
    summary.textContent = `${r.strategy} on ${r.symbol} · ranked by ${r.objective} · ${r.rows.length} of ${r.combos} combinations`;
    const paramCols = r.paramNames.filter((n) => new Set(r.rows.map((x) => x.params[n])).size > 1).map((n) => ({ key: `p:${n}`, label: n, num: true, value: (x) => x.params[n], render: (x) => fmt.param(x.params[n]) }));
    replace(results, sortableTable([
      { key: 'rank', label: '#', num: true },
      ...paramCols,
      { key: 'sharpe', label: 'Sharpe', num: true, render: (x) => fmt.num(x.sharpe) },
      { key: 'totalReturn', label: 'Return', num: true, render: (x) => h('span', { class: pnlClass(x.totalReturn) }, fmt.signedPct(x.totalReturn)) },
      { key: 'cagr', label: 'CAGR', num: true, render: (x) => fmt.pct(x.cagr) },
      { key: 'maxDrawdown', label: 'Max DD', num: true, render: (x) => fmt.pct(x.maxDrawdown) },
      { key: 'calmar', label: 'Calmar', num: true, render: (x) => fmt.num(x.calmar) },
      { key: 'trades', label: 'Trades', num: true, render: (x) => fmt.qty(x.trades) },
    ], r.rows, { sortKey: 'rank', desc: false, testid: 'results-table' }));
    const names = paramCols.map((c) => c.label);
    replace(xSel, names.map((n, i) => h('option', { value: n, selected: i === 0 }, n)));
    replace(ySel, names.map((n, i) => h('option', { value: n, selected: i === Math.min(1, names.length - 1) }, n)));
    mSel.value = r.objective;
    renderHeat();
  }

  function renderHeat() {
    const r = memory.result;
    if (r === undefined || xSel.value === '') return replace(heat, h('div', { class: 'empty' }, 'A heatmap needs a parameter that varies'));
    const [xn, yn, metric] = [xSel.value, ySel.value, mSel.value];
    const lower = LOWER_IS_BETTER.has(metric);
    const xs = [...new Set(r.rows.map((x) => x.params[xn]))].sort((a, b) => a - b);
    const ys = [...new Set(r.rows.map((x) => x.params[yn]))].sort((a, b) => b - a);
    const best = new Map();
    for (const row of r.rows) {
      const k = `${row.params[xn]}|${row.params[yn]}`;
      const v = row[metric];
      if (!best.has(k) || (lower ? v < best.get(k) : v > best.get(k))) best.set(k, v);
    }
    const values = [...best.values()];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const colour = (v) => {
      const t = hi === lo ? 1 : (v - lo) / (hi - lo);
      const good = lower ? 1 - t : t;
      const hue = Math.round(good * 130);
      return `hsl(${hue}, 62%, ${40 + good * 8}%)`;
    };
    const show = (v) => (metric === 'totalReturn' || metric === 'maxDrawdown' ? fmt.pct(v, 1) : fmt.num(v));
    const cells = [h('div', { class: 'axis corner', title: `rows: ${yn}, columns: ${xn}` }, `${yn}↓ ${xn}→`), ...xs.map((x) => h('div', { class: 'axis' }, fmt.param(x)))];
    for (const y of ys) {
      cells.push(h('div', { class: 'axis' }, fmt.param(y)));
      for (const x of xs) {
        const v = best.get(`${x}|${y}`);
        const cell = h('div', { class: 'cell', title: v === undefined ? 'no valid combination' : `${xn}=${x}, ${yn}=${y}: ${metric} ${show(v)}` }, v === undefined ? '' : show(v));
        cell.style.background = v === undefined ? '#161c25' : colour(v);
        cells.push(cell);
      }
    }
    const table = h('div', { class: xs.length > 8 ? 'heatmap dense' : 'heatmap', 'data-cells': String(best.size) }, cells);
    table.style.gridTemplateColumns = `auto repeat(${xs.length}, minmax(0, 1fr))`;
    replace(heat, table, h('div', { class: 'scale' }, h('span', {}, lower ? `${show(hi)} worse` : show(lo)), h('span', { class: 'grad' }), h('span', {}, lower ? `${show(lo)} better` : show(hi)), h('span', {}, `best ${metric} per cell`)));
  }

  for (const s of [xSel, ySel, mSel]) s.addEventListener('change', renderHeat);
  const mineOnly = (fn) => (_s, msg) => { if (memory.run !== undefined && msg.id === memory.run.id) fn(msg); };
  const offs = [
    store.on('optimizer.progress', mineOnly((msg) => { memory.progress = msg; renderProgress(); })),
    store.on('optimizer.result', mineOnly((msg) => { memory.result = msg; renderProgress(); renderResults(); })),
    store.on('optimizer.failed', mineOnly((msg) => { memory.failure = msg; renderProgress(); })),
    store.on('optimizer.cancelled', mineOnly((msg) => { memory.failure = { code: 'CANCELLED', message: `stopped after ${msg.done} of ${msg.total} combinations` }; renderProgress(); })),
    conn.on('error', (msg) => { if (memory.run !== undefined && msg.id === memory.run.id) { memory.failure = msg; renderProgress(); } }),
  ];
  if (memory.run !== undefined && memory.result === undefined && memory.failure === undefined && memory.sessionId !== w.sessionId) {
    memory.failure = { code: 'DISCONNECTED', message: 'the connection was lost while the sweep ran; run it again' };
  }
  renderProgress();
  renderResults();
  return () => { for (const off of offs) off(); };
}
