import test from 'ava';
import { barProblems } from '../../actors/domain/bar.js';
import type { Bar } from '../../actors/domain/bar.js';

const good: Bar = { symbol: 'AAPL', interval: '1d', time: Date.UTC(2024, 0, 2), open: 10, high: 12, low: 9, close: 11, volume: 1_000 };

test('a good bar has no problems, including edge values on its range', (t) => {
  t.deepEqual(barProblems(good), []);
  t.deepEqual(barProblems({ ...good, open: 9, close: 12, volume: 0 }), []);
  t.deepEqual(barProblems({ ...good, open: 5, high: 5, low: 5, close: 5 }), []);
});

test('every kind of bad bar is reported, one field at a time and in random combinations', (t) => {
  const bad: Array<[Partial<Record<keyof Bar, unknown>>, RegExp]> = [
    [{ symbol: '' }, /symbol is empty/],
    [{ symbol: 7 }, /symbol is empty/],
    [{ interval: '2d' }, /interval 2d/],
    [{ time: -1 }, /time -1/],
    [{ time: 1.5 }, /time 1.5/],
    [{ time: Number.NaN }, /time NaN/],
    [{ open: Number.NaN }, /open is NaN/],
    [{ high: Number.POSITIVE_INFINITY }, /high is Infinity/],
    [{ low: -1 }, /low -1 is not positive/],
    [{ close: 0 }, /close 0 is not positive/],
    [{ close: '11' }, /close is 11, not a finite number/],
    [{ volume: -5 }, /volume -5/],
    [{ volume: Number.NaN }, /volume NaN/],
    [{ high: 8 }, /high 8 < low 9/],
    [{ open: 13 }, /open 13 outside/],
    [{ close: 8.5 }, /close 8.5 outside/],
  ];
  for (const [fields, expected] of bad) {
    const problems = barProblems({ ...good, ...fields } as Bar);
    t.true(problems.some((p) => expected.test(p)), `${JSON.stringify(fields)} -> ${JSON.stringify(problems)}`);
  }
  let seed = 3;
  const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let i = 0; i < 2_000; i++) {
    const fields = Object.assign({}, ...bad.filter(() => random() < 0.2).map(([f]) => f)) as Partial<Bar>;
    const problems = barProblems({ ...good, ...fields });
    t.is(problems.length === 0, Object.keys(fields).length === 0, JSON.stringify(fields));
  }
});
