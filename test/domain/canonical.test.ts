import test from 'ava';
import { canonicalEncode } from '../../actors/domain/canonical.js';
import { NonCanonicalValueError } from '../../actors/domain/errors.js';
import { deepFreeze } from '../../actors/domain/freeze.js';

test('keys are sorted and undefined values left out', (t) => {
  t.is(canonicalEncode({ b: 1, a: 'x', c: undefined, d: { z: true, y: null } }), '{"a":"x","b":1,"d":{"y":null,"z":true}}');
});

test('numbers use the shortest round-trip form', (t) => {
  t.is(canonicalEncode([0.1, 100, 1e21, -0, 0.1 + 0.2, 1.5e-7]), '[0.1,100,1e+21,0,0.30000000000000004,1.5e-7]');
});

test('values that cannot be encoded are refused with their path', (t) => {
  const error = t.throws(() => canonicalEncode({ a: [1, Number.NaN] }), { instanceOf: NonCanonicalValueError });
  t.is(error!.path, '$.a[1]');
  t.throws(() => canonicalEncode({ d: new Date(0) } as never), { instanceOf: NonCanonicalValueError });
});

test('deepFreeze freezes nested values', (t) => {
  const value = deepFreeze({ a: { b: [1, { c: 2 }] } });
  t.true(Object.isFrozen(value.a.b[1]));
});

test('deepFreeze ends on cyclic values and on values deeper than its untracked levels', (t) => {
  const cyclic: { self?: unknown; list: unknown[] } = { list: [] };
  cyclic.self = cyclic;
  cyclic.list.push(cyclic, { inner: cyclic });
  deepFreeze(cyclic);
  t.true(Object.isFrozen(cyclic) && Object.isFrozen(cyclic.list) && Object.isFrozen(cyclic.list[1]));
  // A chain 50 levels deep whose last level points back to the top; every level is frozen once.
  const top: { next?: unknown } = {};
  let node: { next?: unknown } = top;
  for (let i = 0; i < 50; i++) node = (node.next = {}) as { next?: unknown };
  node.next = top;
  deepFreeze(top);
  t.true(Object.isFrozen(node));
  // A second call sees none of the first call's bookkeeping.
  const fresh = deepFreeze({ a: { b: { c: { d: { e: { f: { g: { h: { i: { j: {} } } } } } } } } } });
  t.true(Object.isFrozen(fresh.a.b.c.d.e.f.g.h.i.j));
});
