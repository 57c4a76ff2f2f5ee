import test from 'ava';
import { Random, deriveSeed } from '../../actors/market/random.js';

test('xoshiro128** from state 1, 2, 3, 4 gives the reference outputs', (t) => {
  const r = Random.fromState([1, 2, 3, 4]);
  t.deepEqual([0, 1, 2, 3, 4].map(() => r.nextUint32()), [11520, 0, 5927040, 70819200, 2031721883]);
});

test('the same seed gives the same sequence and another seed a different one', (t) => {
  const a = new Random(42);
  const b = new Random(42);
  const c = new Random(43);
  const xs = Array.from({ length: 100 }, () => a.normal());
  t.deepEqual(Array.from({ length: 100 }, () => b.normal()), xs);
  t.notDeepEqual(Array.from({ length: 100 }, () => c.normal()), xs);
});

test('uniforms lie in [0, 1) and normals have mean about 0 and variance about 1', (t) => {
  const r = new Random(7);
  let sum = 0;
  let sumSq = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    t.true(u >= 0 && u < 1);
    const z = r.normal();
    sum += z;
    sumSq += z * z;
  }
  t.true(Math.abs(sum / n) < 0.02);
  t.true(Math.abs(sumSq / n - 1) < 0.02);
});

test('pick never chooses a zero weight', (t) => {
  const r = new Random(3);
  for (let i = 0; i < 10_000; i++) t.not(r.pick([0, 1, 0, 2]) % 2, 0);
});

test('derived seeds differ per label and are stable', (t) => {
  t.is(deriveSeed(42, 'AAPL'), deriveSeed(42, 'AAPL'));
  t.not(deriveSeed(42, 'AAPL'), deriveSeed(42, 'MSFT'));
  t.not(deriveSeed(42, 'AAPL'), deriveSeed(43, 'AAPL'));
});
