// VaR reuses buffers, typed copies of frozen series and cached covariance matrices (var.ts). Each figure
// here must equal, to the bit, one computed from scratch by an independent reference: every day's P&L
// summed row-wise in symbol order and fully sorted; ml-matrix's covariance and mmul for the quadratic form.
import test from 'ava';
import { Matrix, covariance } from 'ml-matrix';
import { RiskEngine } from '../../actors/risk/engine.js';
import { DEFAULT_RISK_LIMITS } from '../../actors/risk/limits.js';
import type { ExposureVector, ReturnHistory } from '../../actors/risk/var.js';
import { historicalVar, normalQuantile, parametricVar, portfolioVar, postTradeExposures, postTradeVar, varReport } from '../../actors/risk/var.js';
import { NOW, portfolio, registry } from './fixtures.js';

/** A deterministic series of `n` returns in (-5%, 5%), different for every `seed`. */
function series(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16_807) % 2_147_483_647;
    return (s / 2_147_483_647 - 0.5) / 10;
  });
}

function aligned(exposures: ExposureVector, returns: ReturnHistory): { symbols: string[]; rows: number[][] } {
  const symbols = Object.keys(exposures).filter((s) => exposures[s] !== 0).sort();
  const n = Math.min(...symbols.map((s) => returns[s]!.length));
  const rows = Array.from({ length: n }, (_, k) => symbols.map((s) => returns[s]![returns[s]!.length - n + k]!));
  return { symbols, rows };
}

function referenceHistorical(exposures: ExposureVector, returns: ReturnHistory, confidence: number): number {
  const { symbols, rows } = aligned(exposures, returns);
  const pnl = rows.map((row) => row.reduce((sum, r, j) => sum + exposures[symbols[j]!]! * r, 0)).sort((a, b) => a - b);
  const k = Math.max(1, Math.ceil(pnl.length * (1 - confidence) - 1e-9));
  return Math.max(0, -pnl[k - 1]!);
}

function referenceParametric(exposures: ExposureVector, returns: ReturnHistory, confidence: number): number {
  const { symbols, rows } = aligned(exposures, returns);
  const v = Matrix.columnVector(symbols.map((s) => exposures[s]!));
  const variance = v.transpose().mmul(covariance(new Matrix(rows))).mmul(v).get(0, 0);
  return normalQuantile(confidence) * Math.sqrt(Math.max(0, variance));
}

const unfrozen = (history: ReturnHistory): Record<string, number[]> => Object.fromEntries(Object.entries(history).map(([s, r]) => [s, [...r]]));
const frozen = (history: ReturnHistory): Record<string, readonly number[]> => Object.fromEntries(Object.entries(history).map(([s, r]) => [s, Object.freeze([...r])]));

const HISTORY = { A: series(250, 1), B: series(250, 2), C: series(300, 3), D: series(1_000, 4) };
const EXPOSURES = { A: 9_500, B: -8_200, C: 880, D: 0 };

const cases: ReadonlyArray<{ name: string; returns: ReturnHistory; exposures: ExposureVector; confidence: number }> = [
  { name: 'three symbols, mutable series, 99%', returns: unfrozen(HISTORY), exposures: EXPOSURES, confidence: 0.99 },
  { name: 'three symbols, frozen series, 95%', returns: frozen(HISTORY), exposures: EXPOSURES, confidence: 0.95 },
  { name: 'frozen and mutable series together, 97.5%', returns: { ...frozen(HISTORY), B: [...HISTORY.B] }, exposures: EXPOSURES, confidence: 0.975 },
  { name: 'a long history at 90% (a quantile rank of 100, beyond the insertion buffer)', returns: frozen(HISTORY), exposures: { D: -1_000 }, confidence: 0.9 },
  { name: 'series of different lengths aligned on the most recent days', returns: unfrozen(HISTORY), exposures: { A: 100, C: -300, D: 50 }, confidence: 0.99 },
  { name: 'symbols given in reverse order', returns: unfrozen(HISTORY), exposures: { D: 7, C: 6, B: 5, A: 4 }, confidence: 0.95 },
];

for (const c of cases) {
  test(`historical and parametric VaR equal the from-scratch references to the bit: ${c.name}`, (t) => {
    t.is(historicalVar(c.exposures, c.returns, c.confidence).value, referenceHistorical(c.exposures, c.returns, c.confidence));
    t.is(parametricVar(c.exposures, c.returns, c.confidence).value, referenceParametric(c.exposures, c.returns, c.confidence));
    // Twice: the second run reads the typed copies and the cached covariance.
    t.is(parametricVar(c.exposures, c.returns, c.confidence).value, referenceParametric(c.exposures, c.returns, c.confidence));
  });
}

test('the VaR report equals the references at 95% and 99% by both methods', (t) => {
  const returns = frozen(HISTORY);
  t.deepEqual(varReport(EXPOSURES, returns), {
    historical95: referenceHistorical(EXPOSURES, returns, 0.95),
    historical99: referenceHistorical(EXPOSURES, returns, 0.99),
    parametric95: referenceParametric(EXPOSURES, returns, 0.95),
    parametric99: referenceParametric(EXPOSURES, returns, 0.99),
    observations: 250,
  });
});

test('new frozen returns replace the cached covariance: parametric VaR after an update equals VaR from scratch', (t) => {
  const before = frozen(HISTORY);
  const first = parametricVar(EXPOSURES, before, 0.99).value;
  const after = { ...before, B: Object.freeze(series(250, 99)) };
  const updated = parametricVar(EXPOSURES, after, 0.99).value;
  t.not(updated, first);
  t.is(updated, referenceParametric(EXPOSURES, unfrozen(after), 0.99));
  t.is(parametricVar(EXPOSURES, before, 0.99).value, first);
});

test('a mutable series changed in place is read afresh by both methods', (t) => {
  const returns = unfrozen(HISTORY);
  const first = { h: historicalVar(EXPOSURES, returns, 0.99).value, p: parametricVar(EXPOSURES, returns, 0.99).value };
  returns.A!.reverse();
  returns.B![0] = -0.5;
  const h = historicalVar(EXPOSURES, returns, 0.99).value;
  const p = parametricVar(EXPOSURES, returns, 0.99).value;
  t.not(h, first.h);
  t.not(p, first.p);
  t.is(h, referenceHistorical(EXPOSURES, returns, 0.99));
  t.is(p, referenceParametric(EXPOSURES, returns, 0.99));
});

test('historical VaR rejects a confidence outside [0, 1] instead of reading past the P&L', (t) => {
  t.throws(() => historicalVar({ A: 1 }, HISTORY, -0.1), { instanceOf: RangeError });
  t.throws(() => historicalVar({ A: 1 }, HISTORY, Number.NaN), { instanceOf: RangeError });
});

const positions = { A: 50, B: -20, C: 1 };
const prices = { A: 190, B: 410, C: 880, D: 12 };
const postTradeCases: ReadonlyArray<{ name: string; symbol: string; quantity: number; prices?: Record<string, number>; minObservations?: number }> = [
  { name: 'adding to a held symbol', symbol: 'A', quantity: 10 },
  { name: 'a new symbol', symbol: 'D', quantity: -3 },
  { name: 'an order that flattens a position', symbol: 'B', quantity: 20 },
  { name: 'a symbol without a price', symbol: 'D', quantity: 5, prices: { A: 190, B: 410, C: 880 } },
  { name: 'no trade (the figure before the order)', symbol: 'C', quantity: 0 },
  { name: 'a history shorter than required', symbol: 'D', quantity: 1, minObservations: 500 },
];

for (const c of postTradeCases) {
  for (const method of ['historical', 'parametric'] as const) {
    test(`postTradeVar equals portfolioVar of postTradeExposures (${method}): ${c.name}`, (t) => {
      const p = c.prices ?? prices;
      const options = { method, confidence: 0.99, minObservations: c.minObservations ?? 20 };
      const returns = frozen(HISTORY);
      t.deepEqual(
        postTradeVar(positions, (s) => p[s as keyof typeof p], c.symbol, c.quantity, returns, options),
        portfolioVar(postTradeExposures(positions, p, c.symbol, c.quantity), returns, options),
      );
    });
  }
}

test("the engine's VaR after updateReturns equals VaR computed from scratch on the new returns", (t) => {
  const engine = new RiskEngine({ riskId: 'risk', key: Buffer.alloc(32, 1), registry, limits: { ...DEFAULT_RISK_LIMITS, varMethod: 'parametric' } });
  engine.updatePortfolio({ ...portfolio, positions: { AAPL: 100, MSFT: -40 }, marks: { AAPL: 100, MSFT: 200 } }, NOW);
  const exposures = { AAPL: 10_000, MSFT: -8_000 };
  const expected = (returns: ReturnHistory) => ({
    historical95: referenceHistorical(exposures, returns, 0.95),
    historical99: referenceHistorical(exposures, returns, 0.99),
    parametric95: referenceParametric(exposures, returns, 0.95),
    parametric99: referenceParametric(exposures, returns, 0.99),
    observations: 250,
  });
  const first = { AAPL: series(250, 5), MSFT: series(250, 6) };
  for (const [s, r] of Object.entries(first)) engine.updateReturns(s, r);
  t.deepEqual(engine.varOf('p1'), { report: expected(first) });
  const second = { ...first, MSFT: series(250, 7) };
  engine.updateReturns('MSFT', second.MSFT);
  t.deepEqual(engine.varOf('p1'), { report: expected(second) });
});

test('updateReturns keeps a frozen series as given and copies a mutable one: VaR is the same either way, and later writes to a mutable series do not reach it', (t) => {
  const engine = (): RiskEngine => {
    const e = new RiskEngine({ riskId: 'risk', key: Buffer.alloc(32, 1), registry, limits: DEFAULT_RISK_LIMITS });
    e.updatePortfolio({ ...portfolio, positions: { AAPL: 100, MSFT: -40 }, marks: { AAPL: 100, MSFT: 200 } }, NOW);
    return e;
  };
  const exposures = { AAPL: 10_000, MSFT: -8_000 };
  const given = { AAPL: series(250, 8), MSFT: series(250, 9) };
  const expected = { report: varReport(exposures, given) };
  const mutable = engine();
  const frozenCopy = engine();
  for (const [s, r] of Object.entries(given)) {
    mutable.updateReturns(s, r);
    frozenCopy.updateReturns(s, Object.freeze([...r]));
  }
  t.deepEqual(frozenCopy.varOf('p1'), expected);
  t.deepEqual(mutable.varOf('p1'), expected);
  given.AAPL.fill(-0.5);
  t.deepEqual(mutable.varOf('p1'), expected);
});
