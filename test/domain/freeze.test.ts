import test from 'ava';
import { frozenRecord } from '../../actors/domain/freeze.js';

test('frozenRecord returns a frozen flat record as it is and a frozen copy of a mutable one, leaving the original alone', (t) => {
  const frozen = Object.freeze({ a: 1, b: 'x' });
  t.is(frozenRecord(frozen), frozen);
  const mutable = { a: 1, b: 'x' };
  const copy = frozenRecord(mutable);
  t.not(copy, mutable);
  t.deepEqual(copy, mutable);
  t.true(Object.isFrozen(copy));
  t.false(Object.isFrozen(mutable));
});

test('frozenRecord deep-freezes a copy of a record that holds objects, even a frozen one, and copies an own __proto__ key as a key', (t) => {
  const shell = Object.freeze({ inner: { n: 1 } });
  const copy = frozenRecord(shell);
  t.not(copy, shell);
  t.true(Object.isFrozen(copy.inner));
  const odd = JSON.parse('{"__proto__": 5, "a": 1}') as Record<string, unknown>;
  const oddCopy = frozenRecord(odd);
  t.deepEqual(Object.keys(oddCopy), ['__proto__', 'a']);
  t.is(Object.getPrototypeOf(oddCopy), Object.prototype);
  t.true(Object.isFrozen(oddCopy));
});
