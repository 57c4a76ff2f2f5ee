import test from 'ava';
import { historicalVar, normalQuantile, parametricVar, portfolioVar, postTradeExposures, varReport } from '../../actors/risk/var.js';

const close = (t: { true(v: boolean, m?: string): void }, actual: number, expected: number, rel = 1e-9) =>
  t.true(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

test('the normal quantiles at 95% and 99% match their tabulated values', (t) => {
  close(t, normalQuantile(0.95), 1.6448536269514722);
  close(t, normalQuantile(0.99), 2.3263478740408408);
  close(t, normalQuantile(0.5), 0);
  close(t, normalQuantile(0.001), -3.090232306167813);
  t.throws(() => normalQuantile(1));
});

test('parametric VaR of two assets matches the hand-computed covariance', (t) => {
  // A: mean 0.005, deviations .005 -.025 .025 -.005 -> var = .0013/3
  // B: mean 0.005, deviations .015 .005 -.015 -.005 -> var = .0005/3, cov(A,B) = -.0004/3
  // v = (10000, 20000): vᵀΣv = (1e8 x .0013 + 4e8 x .0005 - 2 x 2e8 x .0004) / 3 = 170000 / 3
  const returns = { A: [0.01, -0.02, 0.03, 0], B: [0.02, 0.01, -0.01, 0] };
  const exposures = { A: 10_000, B: 20_000 };
  const sigma = Math.sqrt(170_000 / 3);
  close(t, parametricVar(exposures, returns, 0.95).value, 1.6448536269514722 * sigma, 1e-8);
  close(t, parametricVar(exposures, returns, 0.99).value, 2.3263478740408408 * sigma, 1e-8);
  t.is(parametricVar(exposures, returns, 0.99).observations, 4);
});

test('parametric VaR is the same whatever the order of the symbols', (t) => {
  const a = parametricVar({ A: 10_000, B: 20_000 }, { A: [0.01, -0.02, 0.03, 0], B: [0.02, 0.01, -0.01, 0] }, 0.99).value;
  const b = parametricVar({ B: 20_000, A: 10_000 }, { B: [0.02, 0.01, -0.01, 0], A: [0.01, -0.02, 0.03, 0] }, 0.99).value;
  t.is(a, b);
});

test('historical VaR is the k-th worst day of sorted P&L: 5th of 100 at 95%, worst at 99%', (t) => {
  // Returns (i - 50) / 1000 for i = 0..99 in a scrambled order; on an exposure of 10,000 the P&L is 10 x (i - 50):
  // sorted from worst -500, -490, -480, -470, -460, ... so VaR99 = 500 (k = 1) and VaR95 = 460 (k = 5).
  const series = Array.from({ length: 100 }, (_, j) => ((j * 37) % 100 - 50) / 1000);
  close(t, historicalVar({ X: 10_000 }, { X: series }, 0.99).value, 500);
  close(t, historicalVar({ X: 10_000 }, { X: series }, 0.95).value, 460);
});

test('historical VaR of two assets sums the day P&L before sorting', (t) => {
  // Day P&L with exposures (1000, -2000): 10-20=-10, -20-0=-20, 30+40=70, -50+20=-30, 0-60=-60, 5-10=-5, 10+10=20, -10-40=-50, 20-20=0, 0+0=0
  // sorted: -60, -50, -30, -20, ... n = 10 at 90%: k = 1 -> 60; at 80%: k = 2 -> 50.
  const returns = {
    A: [0.01, -0.02, 0.03, -0.05, 0, 0.005, 0.01, -0.01, 0.02, 0],
    B: [0.01, 0, -0.02, -0.01, 0.03, 0.005, -0.005, 0.02, 0.01, 0],
  };
  close(t, historicalVar({ A: 1_000, B: -2_000 }, returns, 0.9).value, 60);
  close(t, historicalVar({ A: 1_000, B: -2_000 }, returns, 0.8).value, 50);
});

test('a portfolio whose worst quantile day is a gain has no value at risk', (t) => {
  t.is(historicalVar({ X: 1_000 }, { X: [0.01, 0.02, 0.03] }, 0.95).value, 0);
});

test('series of different lengths are aligned on their most recent observations', (t) => {
  const long = [0.5, -0.5, 0.01, -0.02];
  const short = [0.01, -0.02];
  t.is(historicalVar({ A: 100, B: 100 }, { A: long, B: short }, 0.99).value, 4);
});

test('portfolioVar reports the held symbols whose history is too short', (t) => {
  const outcome = portfolioVar({ A: 100, B: 200, C: 0 }, { A: [0.01, 0.02, 0.03], B: [0.01] }, { method: 'parametric', confidence: 0.99, minObservations: 3 });
  t.deepEqual(outcome, { ok: false, insufficient: ['B'], observations: 1 });
});

test('an empty portfolio has zero VaR by both methods', (t) => {
  t.is(historicalVar({}, {}, 0.99).value, 0);
  t.is(parametricVar({ A: 0 }, {}, 0.99).value, 0);
});

test('post-trade exposures value the new position at the given prices', (t) => {
  t.deepEqual(postTradeExposures({ A: 10, B: -5 }, { A: 100, B: 20 }, 'B', 5), { A: 1_000 });
  t.deepEqual(postTradeExposures({ A: 10 }, { A: 100, C: 3 }, 'C', -2), { A: 1_000, C: -6 });
});

test('the VaR report gives 95% and 99% by both methods', (t) => {
  const series = Array.from({ length: 100 }, (_, j) => ((j * 37) % 100 - 50) / 1000);
  const report = varReport({ X: 10_000 }, { X: series });
  close(t, report.historical95, 460);
  close(t, report.historical99, 500);
  t.true(report.parametric99 > report.parametric95);
  t.is(report.observations, 100);
});
