import test from 'ava';
import { InvalidOrderTransitionError } from '../../actors/broker/errors.js';
import { OMS_EVENTS, OMS_TRANSITIONS, ORDER_STATUSES, isTerminal, nextStatus, transition } from '../../actors/broker/oms-state.js';

for (const { from, event, to } of OMS_TRANSITIONS) {
  test(`${from} takes ${event} to ${to}`, (t) => {
    t.is(transition(from, event), to);
  });
}

test('every (state, event) pair the table does not list throws InvalidOrderTransitionError', (t) => {
  let unlisted = 0;
  for (const from of ORDER_STATUSES) {
    for (const event of OMS_EVENTS) {
      if (nextStatus(from, event) !== undefined) continue;
      unlisted += 1;
      const error = t.throws(() => transition(from, event, 'c1'), { instanceOf: InvalidOrderTransitionError });
      t.deepEqual([error!.from, error!.event, error!.clientOrderId], [from, event, 'c1']);
    }
  }
  t.is(unlisted, ORDER_STATUSES.length * OMS_EVENTS.length - OMS_TRANSITIONS.length);
});

test('terminal states have no way out and every other state has one', (t) => {
  for (const status of ORDER_STATUSES) {
    t.is(OMS_TRANSITIONS.some((r) => r.from === status), !isTerminal(status), status);
  }
});

test('the table lists each (state, event) pair at most once', (t) => {
  const keys = OMS_TRANSITIONS.map((r) => `${r.from}|${r.event}`);
  t.is(new Set(keys).size, keys.length);
});
