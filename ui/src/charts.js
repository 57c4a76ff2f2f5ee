// TradingView lightweight-charts with the terminal's theme. Times go in as UTC seconds.
import { AreaSeries, CandlestickSeries, ColorType, createChart, createSeriesMarkers, createTextWatermark, CrosshairMode, LineSeries, LineStyle } from '/vendor/lightweight-charts.js';

export { AreaSeries, CandlestickSeries, createSeriesMarkers, createTextWatermark, LineSeries, LineStyle };

export const COLORS = { up: '#22c07a', down: '#f0525a', sma: '#f2b134', ema: '#a78bfa', band: '#3b9eff', equity: '#3b9eff' };

/** Epoch milliseconds to the chart's UTC seconds. */
export const sec = (ms) => Math.floor(ms / 1_000);

/** A chart in `el` that follows the element's size. */
export function themedChart(el, options = {}) {
  return createChart(el, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: '#10151c' }, textColor: '#7c8898', fontFamily: 'ui-monospace, Menlo, Consolas, "Liberation Mono", monospace', fontSize: 11 },
    grid: { vertLines: { color: '#18202a' }, horzLines: { color: '#18202a' } },
    rightPriceScale: { borderColor: '#212a36' },
    timeScale: { borderColor: '#212a36', timeVisible: false },
    crosshair: { mode: CrosshairMode.Normal },
    ...options,
  });
}

/** An equity curve as an area series. */
export function equitySeries(chart) {
  return chart.addSeries(AreaSeries, {
    lineColor: COLORS.equity, topColor: 'rgba(59, 158, 255, .28)', bottomColor: 'rgba(59, 158, 255, .02)', lineWidth: 2,
    priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
  });
}

/** Points with strictly increasing times (the chart refuses anything else), keeping the last per time. */
export function increasing(points) {
  const out = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last !== undefined && p.time < last.time) continue;
    if (last !== undefined && p.time === last.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}
