import test from 'ava';
import { expandGrid, InvalidGridError, normalizeGrid, parseGridText } from '../../actors/optimizer/index.js';
import { BollingerAtr, RsiReversion, SmaCross } from '../../actors/strategy/index.js';
import type { ParamsDefinition } from '../../actors/strategy/index.js';

test('parses ranges with steps, lists and single values', (t) => {
  t.deepEqual(parseGridText('sma-cross', 'fast=5..20:5, slow=30|40 ,notional=5000'), { fast: [5, 10, 15, 20], slow: [30, 40], notional: [5000] });
  t.deepEqual(parseGridText('sma-cross', 'fast=1..3'), { fast: [1, 2, 3] });
  t.deepEqual(parseGridText('bollinger-atr', 'k=1..2:0.25')['k'], [1, 1.25, 1.5, 1.75, 2]);
});

test('expands the issue grid to every fast < slow pair, first parameter outermost', (t) => {
  const grid = expandGrid(SmaCross.params, normalizeGrid(SmaCross.params, 'fast=5..50:5,slow=20..200:10'));
  t.deepEqual(grid.names, ['fast', 'slow', 'notional']);
  t.is(grid.combos + grid.skipped, 10 * 19);
  t.is(grid.skipped, 16);
  t.deepEqual(Array.from(grid.values.subarray(0, 6)), [5, 20, 10_000, 5, 30, 10_000]);
});

test('accepts a grid object of numbers, lists and ranges, defaults filling the rest', (t) => {
  const grid = normalizeGrid(RsiReversion.params, { period: { from: 10, to: 14, step: 2 }, oversold: [25, 30], overbought: 70 });
  t.deepEqual(grid, { period: [10, 12, 14], oversold: [25, 30], overbought: [70], notional: [10_000] });
});

const invalid: Array<{ name: string; strategy: ParamsDefinition<any>; grid: Parameters<typeof normalizeGrid>[1]; says: RegExp }> = [
  { name: 'an empty range', strategy: SmaCross.params, grid: 'fast=5..50:5,slow=200..20:10', says: /slow: empty range 200\.\.20:10/ },
  { name: 'a zero step', strategy: SmaCross.params, grid: 'fast=5..50:0', says: /fast: step must be > 0/ },
  { name: 'an unknown parameter', strategy: SmaCross.params, grid: 'fast=5,speed=3', says: /speed: unknown parameter of sma-cross \(known: fast, slow, notional\)/ },
  { name: 'a fraction where an integer is required', strategy: SmaCross.params, grid: 'fast=2.5', says: /fast: 2.5 is not an integer/ },
  { name: 'a value below the minimum', strategy: SmaCross.params, grid: 'fast=0..4', says: /fast: 0 is below the minimum 1/ },
  { name: 'text that is not a number', strategy: SmaCross.params, grid: 'fast=abc', says: /fast: cannot read "abc"/ },
  { name: 'an entry without =', strategy: SmaCross.params, grid: 'fast', says: /"fast": expected name=values/ },
  { name: 'an empty grid', strategy: SmaCross.params, grid: '', says: /the grid is empty/ },
  { name: 'an empty list', strategy: BollingerAtr.params, grid: { k: [] }, says: /k: empty list/ },
];
for (const row of invalid) {
  test(`rejects ${row.name} with an error naming the parameter`, (t) => {
    const error = t.throws(() => normalizeGrid(row.strategy, row.grid), { instanceOf: InvalidGridError });
    t.regex(error!.message, row.says);
  });
}

test('reports every problem at once', (t) => {
  const error = t.throws(() => normalizeGrid(SmaCross.params, 'fast=0,slow=1.5,speed=2'), { instanceOf: InvalidGridError });
  t.is(error!.problems.length, 3);
});

test('rejects a grid where fast >= slow for every combination, quoting the rule', (t) => {
  const error = t.throws(() => expandGrid(SmaCross.params, normalizeGrid(SmaCross.params, 'fast=50..60:5,slow=20..40:10')), { instanceOf: InvalidGridError });
  t.regex(error!.message, /no valid combination among 9: fast \(50\) must be less than slow \(20\)/);
});

test('skips the combinations a cross-field rule rules out and counts them', (t) => {
  const grid = expandGrid(RsiReversion.params, normalizeGrid(RsiReversion.params, 'oversold=30..70:20,overbought=50..70:20'));
  t.is(grid.combos, 3);
  t.is(grid.skipped, 3);
});

test('refuses a grid with more combinations than the limit', (t) => {
  const error = t.throws(() => expandGrid(SmaCross.params, normalizeGrid(SmaCross.params, 'fast=1..100,slow=2..200'), 1_000), { instanceOf: InvalidGridError });
  t.regex(error!.message, /19,900 combinations \(fast: 100 × slow: 199 × notional: 1\) exceed the limit of 1,000/);
});
