import type { RiskLimits } from '../risk/limits.js';
import type { RiskStatus, RiskVarFigures } from '../risk/protocol.js';
import type { LimitRow, PortfolioView, RiskView, VarView } from './protocol.js';
import { finite } from './views.js';

function row(key: string, label: string, used: number, limit: number | null, unit: LimitRow['unit']): LimitRow {
  const u = finite(used);
  return limit === null || !(limit > 0) ? { key, label, used: u, limit, unit } : { key, label, used: u, limit, utilisation: finite(u / limit), unit };
}

/** The VaR figure the post-trade check compares with its max: the configured method at the configured confidence. */
export function varInUse(figures: RiskVarFigures | undefined, limits: RiskLimits): number | undefined {
  const report = figures?.report;
  if (report === undefined) return undefined;
  const at99 = limits.varConfidence >= 0.97;
  if (limits.varMethod === 'parametric') return at99 ? report.parametric99 : report.parametric95;
  return at99 ? report.historical99 : report.historical95;
}

function varView(figures: RiskVarFigures | undefined): VarView | undefined {
  if (figures === undefined) return undefined;
  const r = figures.report;
  return {
    ...(r === undefined ? {} : { historical95: finite(r.historical95), historical99: finite(r.historical99), parametric95: finite(r.parametric95), parametric99: finite(r.parametric99), observations: r.observations }),
    ...(figures.insufficient === undefined ? {} : { insufficient: [...figures.insufficient] }),
    time: figures.time,
  };
}

/**
 * Every limit with how much of it the portfolio uses now, the way the pre-trade checks measure it
 * (docs/risk.md): exposures at the marks, the largest position against its per-symbol max, drawdown from
 * peak, loss since the start of the day, open orders and VaR. Per-order limits come last, without a
 * utilisation (they bound each order, not the book).
 */
export function limitRows(limits: RiskLimits, portfolio: PortfolioView | undefined, openOrders: number, varFigures: RiskVarFigures | undefined): LimitRow[] {
  const p = portfolio;
  const equity = p?.equity ?? 0;
  let concentration = 0;
  let position = { used: 0, limit: limits.maxPositionQuantity, utilisation: 0 };
  for (const pos of p?.positions ?? []) {
    if (equity > 0) concentration = Math.max(concentration, Math.abs(pos.marketValue) / equity);
    const limit = limits.maxPositionQuantityBySymbol[pos.symbol] ?? limits.maxPositionQuantity;
    const u = Math.abs(pos.quantity) / limit;
    if (u > position.utilisation) position = { used: Math.abs(pos.quantity), limit, utilisation: u };
  }
  const gross = p?.grossExposure ?? 0;
  const dailyLoss = Math.max(0, (p?.startOfDayEquity ?? 0) - equity);
  const drawdown = p !== undefined && p.peakEquity > 0 ? Math.max(0, 1 - equity / p.peakEquity) : 0;
  const varNow = varInUse(varFigures, limits);
  return [
    row('grossExposure', 'Gross exposure', gross, limits.maxGrossExposure, 'money'),
    row('netExposure', 'Net exposure', Math.abs(p?.netExposure ?? 0), limits.maxNetExposure, 'money'),
    row('buyingPower', 'Leverage used', equity > 0 ? gross / equity : 0, limits.maxLeverage, 'pct'),
    row('concentration', 'Largest concentration', concentration, limits.maxConcentrationPct, 'pct'),
    row('position', 'Largest position', position.used, position.limit, 'qty'),
    row('openOrders', 'Open orders', openOrders, limits.maxOpenOrders, 'count'),
    row('dailyLoss', 'Loss today', dailyLoss, limits.maxDailyLoss, 'money'),
    row('drawdown', 'Drawdown from peak', drawdown, limits.maxDrawdownPct, 'pct'),
    row('postTradeVar', `VaR ${limits.varMethod} ${Math.round(limits.varConfidence * 100)}%`, varNow ?? 0, limits.maxPostTradeVar, 'money'),
    { key: 'maxNotionalPerOrder', label: 'Notional per order', used: 0, limit: limits.maxNotionalPerOrder, unit: 'money' },
    { key: 'priceBandPct', label: 'Price band (limit/stop)', used: 0, limit: limits.priceBandPct, unit: 'pct' },
    { key: 'maxOrdersPerStrategyPerWindow', label: `Orders per strategy in ${limits.rateWindowMs % 1_000 === 0 ? `${limits.rateWindowMs / 1_000} s` : `${limits.rateWindowMs} ms`}`, used: 0, limit: limits.maxOrdersPerStrategyPerWindow, unit: 'count' },
  ];
}

/** The Risk page's view of a risk actor's status for one portfolio. */
export function riskView(status: RiskStatus, portfolioId: string, portfolio: PortfolioView | undefined, time: number): RiskView {
  const figures = status.var.find((v) => v.portfolioId === portfolioId);
  const openOrders = status.openOrders[portfolioId] ?? 0;
  const v = varView(figures);
  return {
    riskId: status.riskId,
    tradingState: status.tradingState,
    limits: limitRows(status.limits, portfolio, openOrders, figures),
    ...(v === undefined ? {} : { var: v }),
    varMethod: status.limits.varMethod,
    varConfidence: status.limits.varConfidence,
    openOrders,
    history: status.history.slice(-50).map((h) => ({ from: h.from, to: h.to, trigger: h.trigger, reason: h.reason, ...(h.by === undefined ? {} : { by: h.by }), time: h.time })),
    time,
  };
}
