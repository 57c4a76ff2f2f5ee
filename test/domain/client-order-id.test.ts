import test from 'ava';
import { ClientOrderIdGenerator, parseClientOrderId } from '../../actors/domain/client-order-id.js';
import { InvalidClientOrderIdError } from '../../actors/domain/errors.js';

const T0 = 1_700_000_000_000;

test('ids are unique within a run and parse back to their parts', (t) => {
  const ids = ClientOrderIdGenerator.start('trading1', T0);
  const issued = Array.from({ length: 1_000 }, () => ids.next());
  t.is(new Set(issued).size, 1_000);
  t.deepEqual(parseClientOrderId(issued[37]!), { nodeId: 'trading1', epoch: T0, counter: 37 });
  t.deepEqual(ids.state(), { nodeId: 'trading1', epoch: T0, counter: 1_000 });
});

test('a restart from persisted state never reissues an id, even with a clock behind', (t) => {
  const first = ClientOrderIdGenerator.start('n1', T0);
  const before = [first.next(), first.next()];
  const saved = first.state();
  const second = ClientOrderIdGenerator.restore(saved, T0 - 60_000);
  const after = [second.next(), second.next()];
  t.is(new Set([...before, ...after]).size, 4);
  t.is(second.state().epoch, T0 + 1);
});

test('a restart with stale state (ids issued after the last save) still gets fresh ids', (t) => {
  const first = ClientOrderIdGenerator.start('n1', T0);
  const stale = first.state();
  const issued = Array.from({ length: 5 }, () => first.next());
  const second = ClientOrderIdGenerator.restore(stale, T0);
  t.false(issued.includes(second.next()));
});

test('different nodes never collide', (t) => {
  const a = ClientOrderIdGenerator.start('a', T0);
  const b = ClientOrderIdGenerator.start('b', T0);
  t.not(a.next(), b.next());
});

test('a node id with a dash is refused', (t) => {
  t.throws(() => ClientOrderIdGenerator.start('node-1', T0), { instanceOf: InvalidClientOrderIdError });
  t.is(parseClientOrderId('not an id'), undefined);
});
