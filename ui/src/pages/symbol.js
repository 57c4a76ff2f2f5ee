// Symbol: a live candlestick chart with SMA 20, EMA 50 and Bollinger 20/2 overlays, and the portfolio's fills as markers.
import { CandlestickSeries, COLORS, createSeriesMarkers, createTextWatermark, LineSeries, LineStyle, sec, themedChart } from '../charts.js';
import { h, panel, replace, select } from '../dom.js';
import { fmt, pnlClass } from '../format.js';
import { nextId } from '../socket.js';
import { sideCell } from './widgets.js';

const BARS = 300;

export function mount(root, { store, conn, navigate, arg }) {
  const symbols = store.state.welcome.symbols;
  const symbol = symbols.includes(arg) ? arg : symbols[0];
  const last = h('span', { class: 'num', 'data-testid': 'last-price' }, '—');
  const change = h('span', { class: 'num' }, '');
  const stats = h('dl', { class: 'kv', 'data-testid': 'indicators' });
  const fillsBox = h('div', {});
  const position = h('div', { 'data-testid': 'symbol-position' });
  const chartEl = h('div', { class: 'chart', 'data-testid': 'chart', 'data-bars': '0' });
  const picker = select({ id: 'symbol-picker', onchange: (e) => navigate('symbol', e.target.value) }, symbols, symbol);
  root.append(
    h('div', { class: 'page-title' }, h('h1', {}, symbol), last, change, h('span', { class: 'sub' }, 'daily bars'), h('span', { class: 'spacer' }), picker,
      h('button', { class: 'buy small', onclick: () => navigate('ticket', symbol) }, 'Trade')),
    h('div', { class: 'grid cols-main-side' },
      panel('Chart', chartEl, { tools: h('div', { class: 'legend' }, h('span', {}, h('i', { class: 'sw-sma' }), 'SMA 20'), h('span', {}, h('i', { class: 'sw-ema' }), 'EMA 50'), h('span', {}, h('i', { class: 'sw-band' }), 'Bollinger 20/2'), h('span', {}, '▲▼ fills')) }),
      h('div', { class: 'grid' }, panel('Position', position), panel('Indicators', stats), panel('Fills', fillsBox, { flush: true }))),
  );

  const chart = themedChart(chartEl);
  const candles = chart.addSeries(CandlestickSeries, { upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down });
  const line = (color, style = LineStyle.Solid) => chart.addSeries(LineSeries, { color, lineWidth: style === LineStyle.Solid ? 2 : 1, lineStyle: style, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
  const sma = line(COLORS.sma);
  const ema = line(COLORS.ema);
  const bbUpper = line(COLORS.band, LineStyle.Dashed);
  const bbLower = line(COLORS.band, LineStyle.Dashed);
  const markers = createSeriesMarkers(candles, []);
  let watermark;
  let barTimes = new Set();
  let loaded = false;

  const overlayPoint = (o, key) => (o[key] === undefined ? { time: sec(o.time) } : { time: sec(o.time), value: o[key] });
  const setSynthetic = () => {
    if (watermark === undefined && store.state.synthetic) {
      watermark = createTextWatermark(chart.panes()[0], { horzAlign: 'center', vertAlign: 'center', lines: [{ text: 'SYNTHETIC DATA', color: 'rgba(242, 177, 52, 0.13)', fontSize: 44, fontStyle: 'bold' }] });
    }
  };

  const drawMarkers = () => {
    const fills = store.state.fills.filter((f) => f.symbol === symbol && barTimes.has(sec(f.time))).slice().sort((a, b) => a.time - b.time);
    markers.setMarkers(fills.map((f) => ({
      time: sec(f.time), position: f.side === 'buy' ? 'belowBar' : 'aboveBar', color: f.side === 'buy' ? COLORS.up : COLORS.down,
      shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown', text: `${f.side === 'buy' ? 'B' : 'S'} ${f.quantity}`,
    })));
  };

  const renderSide = () => {
    const q = store.state.quotes.get(symbol);
    if (q !== undefined) {
      last.textContent = fmt.price(q.last);
      const c = q.prev === undefined ? undefined : q.last / q.prev - 1;
      change.textContent = c === undefined ? '' : fmt.signedPct(c);
      change.className = `num ${pnlClass(c)}`;
    }
    const p = store.state.portfolio?.positions.find((x) => x.symbol === symbol);
    replace(position, h('dl', { class: 'kv' },
      h('dt', {}, 'Quantity'), h('dd', { 'data-testid': 'position-qty' }, fmt.qty(p?.quantity ?? 0)),
      h('dt', {}, 'Average cost'), h('dd', {}, fmt.price(p?.averageCost)),
      h('dt', {}, 'Market value'), h('dd', {}, fmt.money(p?.marketValue ?? 0)),
      h('dt', {}, 'Unrealized'), h('dd', { class: pnlClass(p?.unrealizedPnl) }, fmt.signedMoney(p?.unrealizedPnl ?? 0))));
  };

  const renderFills = () => {
    const fills = store.state.fills.filter((f) => f.symbol === symbol).slice(0, 12);
    replace(fillsBox, fills.length === 0 ? h('div', { class: 'empty' }, 'No fills in this symbol yet') : h('table', {},
      h('tbody', {}, fills.map((f) => h('tr', {}, h('td', { class: 'mono muted' }, fmt.date(f.time)), sideCell(f.side), h('td', { class: 'num' }, fmt.qty(f.quantity)), h('td', { class: 'num' }, fmt.price(f.price)))))));
    if (loaded) drawMarkers();
  };

  const renderIndicators = (ind) => replace(stats,
    h('dt', {}, 'SMA 20'), h('dd', {}, fmt.price(ind.sma20)), h('dt', {}, 'EMA 50'), h('dd', {}, fmt.price(ind.ema50)),
    h('dt', {}, 'RSI 14'), h('dd', {}, fmt.num(ind.rsi14, 1)), h('dt', {}, 'ATR 14'), h('dd', {}, fmt.price(ind.atr14)),
    h('dt', {}, 'Bollinger'), h('dd', {}, ind.bollinger20 === undefined ? '—' : `${fmt.price(ind.bollinger20.lower)} – ${fmt.price(ind.bollinger20.upper)}`),
    h('dt', {}, 'Regime'), h('dd', {}, ind.regime ?? '—'));

  const snapshotId = nextId('m');
  const offs = [
    store.on('snapshot', (_s, msg) => {
      if (msg.symbol !== symbol || msg.id !== snapshotId) return;
      candles.setData(msg.bars.map((b) => ({ time: sec(b.time), open: b.open, high: b.high, low: b.low, close: b.close })));
      sma.setData(msg.overlays.map((o) => overlayPoint(o, 'sma20')));
      ema.setData(msg.overlays.map((o) => overlayPoint(o, 'ema50')));
      bbUpper.setData(msg.overlays.map((o) => overlayPoint(o, 'bbUpper')));
      bbLower.setData(msg.overlays.map((o) => overlayPoint(o, 'bbLower')));
      barTimes = new Set(msg.bars.map((b) => sec(b.time)));
      chartEl.dataset.bars = String(barTimes.size);
      loaded = true;
      renderIndicators(msg.indicators);
      drawMarkers();
      setSynthetic();
      chart.timeScale().fitContent();
    }),
    store.on('quotes', (_s, msg) => {
      if (msg.symbol !== symbol) return;
      renderSide();
      if (!loaded) return;
      const t = sec(msg.bar.time);
      if (msg.dropped > 0) return void conn.send({ type: 'market.snapshot', id: snapshotId, symbol, bars: BARS }); // bars were coalesced away: redraw
      candles.update({ time: t, open: msg.bar.open, high: msg.bar.high, low: msg.bar.low, close: msg.bar.close });
      for (const [series, key] of [[sma, 'sma20'], [ema, 'ema50'], [bbUpper, 'bbUpper'], [bbLower, 'bbLower']]) series.update(overlayPoint(msg.overlay, key));
      barTimes.add(t);
      chartEl.dataset.bars = String(barTimes.size);
      chartEl.dataset.last = String(msg.bar.close);
    }),
    store.on('portfolio', renderSide),
    store.on('fills', renderFills),
    store.on('synthetic', setSynthetic),
  ];
  store.claim(snapshotId);
  conn.send({ type: 'market.snapshot', id: snapshotId, symbol, bars: BARS });
  renderSide();
  renderFills();
  renderIndicators({});
  return () => {
    for (const off of offs) off();
    chart.remove();
  };
}
