import test from 'ava';
import { SimulatedClock } from '../../runtime/clock.js';

test('a simulated clock fires due timers in due order, ties in creation order, and timers they set within the advance', (t) => {
  const clock = new SimulatedClock(1_000);
  const fired: string[] = [];
  clock.setTimer(30, () => fired.push('b@30'));
  clock.setTimer(10, () => {
    fired.push('a@10');
    clock.setTimer(5, () => fired.push('c@15'));
  });
  clock.setTimer(30, () => fired.push('d@30'));
  clock.setTimer(50, () => fired.push('e@50'));
  clock.advanceTo(1_030);
  t.deepEqual(fired, ['a@10', 'c@15', 'b@30', 'd@30']);
  t.is(clock.now(), 1_030);
  t.is(clock.pendingTimers, 1);
});

test('hasTimerDueBy says whether a live timer falls due by a time; cancelled and fired ones do not count', (t) => {
  const clock = new SimulatedClock(0);
  t.false(clock.hasTimerDueBy(Number.MAX_SAFE_INTEGER));
  const early = clock.setTimer(100, () => {});
  clock.setTimer(500, () => {});
  t.false(clock.hasTimerDueBy(99));
  t.true(clock.hasTimerDueBy(100));
  early.cancel();
  t.false(clock.hasTimerDueBy(499));
  t.true(clock.hasTimerDueBy(500));
  clock.advanceTo(500);
  t.false(clock.hasTimerDueBy(Number.MAX_SAFE_INTEGER));
});

test('moving a clock with no timer due only moves it, and a timer set afterwards still fires', (t) => {
  const clock = new SimulatedClock(0);
  for (let time = 1; time <= 1_000; time++) clock.advanceTo(time);
  let fired = 0;
  clock.setTimer(0, () => fired++);
  clock.advanceTo(1_000);
  t.is(fired, 1);
  t.throws(() => clock.advanceTo(999), { instanceOf: RangeError });
});
