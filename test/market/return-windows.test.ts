import test from 'ava';
import { returnWindow, ReturnWindows } from '../../actors/market/return-windows.js';

/** Closes that are not round, so that any other formula shows in the last bits. */
function closes(n: number): number[] {
  const out: number[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) out.push((price *= 1 + Math.sin(i * 1.7) * 0.03));
  return out;
}

for (const size of [0, 1, 5, 252]) {
  test(`ReturnWindows keeps the last ${size} returns of each symbol, as close / previous - 1, oldest first`, (t) => {
    const windows = new ReturnWindows(size);
    const series = closes(300);
    t.is(windows.push('A', series[0]!), undefined);
    t.deepEqual(windows.push('B', 7), undefined);
    const returns: number[] = [];
    for (let i = 1; i < series.length; i++) {
      returns.push(series[i]! / series[i - 1]! - 1);
      t.deepEqual(windows.push('A', series[i]!), returns.slice(Math.max(0, returns.length - size)));
    }
    t.deepEqual(windows.push('B', 14), size === 0 ? [] : [1]);
  });
}

test('returnWindow over a whole series with an end index gives the window ReturnWindows held after that close', (t) => {
  const series = closes(400);
  const windows = new ReturnWindows(20);
  series.forEach((close, end) => t.deepEqual(returnWindow(series, end, 20), windows.push('A', close)));
});
