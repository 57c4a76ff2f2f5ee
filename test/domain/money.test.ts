import test from 'ava';
import { decimalPlaces, isOnTick, roundToCents, roundToTick } from '../../actors/domain/money.js';

const onTick = [
  { name: '0.1 + 0.2 is on a 0.1 tick', price: 0.1 + 0.2, tick: 0.1, expect: true },
  { name: '10.15 is on a 0.05 tick', price: 10.15, tick: 0.05, expect: true },
  { name: '10.12 is not on a 0.05 tick', price: 10.12, tick: 0.05, expect: false },
  { name: '100.005 is not on a 0.01 tick', price: 100.005, tick: 0.01, expect: false },
  { name: '1.0000001 is on a 1e-7 tick', price: 1.0000001, tick: 1e-7, expect: true },
  { name: '50 is on a 25 tick', price: 50, tick: 25, expect: true },
  { name: '60 is not on a 25 tick', price: 60, tick: 25, expect: false },
  { name: 'a non-finite price is never on the grid', price: Number.NaN, tick: 0.01, expect: false },
];
for (const row of onTick) test(row.name, (t) => t.is(isOnTick(row.price, row.tick), row.expect));

test('decimal places read the shortest decimal form', (t) => {
  t.deepEqual([0.01, 0.05, 1e-7, 25, 2.5e-10].map(decimalPlaces), [2, 2, 7, 0, 11]);
});

test('rounding to a tick gives the double nearest the decimal', (t) => {
  t.is(roundToTick(0.1 + 0.2, 0.1), 0.3);
  t.is(roundToTick(10.037, 0.05), 10.05);
  t.is(roundToTick(10.037, 0.05, 'down'), 10);
  t.is(roundToTick(10.001, 0.05, 'up'), 10.05);
  t.is(roundToTick(0.30000000000000004, 0.1, 'up'), 0.3);
  t.is(roundToTick(-10.025, 0.05), -10.05);
});

test('rounding to cents is half away from zero on the intended decimal', (t) => {
  t.deepEqual([1.005, -1.005, 2.675, 0.125, 1.004999, 0.1 + 0.2].map(roundToCents), [1.01, -1.01, 2.68, 0.13, 1, 0.3]);
  t.true(Object.is(roundToCents(-0.001), 0));
});

test('roundToTick and roundToCents give what normalising through 15 significant digits gives, on and off the grid', (t) => {
  // The reference: the string normalisation the fast path skips for values already on their grid.
  const reference = (price: number, tick: number, places: number, mode: 'nearest' | 'up' | 'down'): number => {
    const scale = 10 ** places;
    const tickUnits = Math.round(tick * scale);
    const units = Number((price * scale).toPrecision(15)) / tickUnits;
    const ticks = mode === 'up' ? Math.ceil(units) : mode === 'down' ? Math.floor(units) : Math.sign(units) * Math.round(Math.abs(units));
    return (ticks * tickUnits) / scale + 0;
  };
  let seed = 7;
  const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  let checked = 0;
  for (const [tick, places] of [[0.01, 2], [0.05, 2], [0.0001, 4], [0.25, 2], [1, 0]] as const) {
    for (let i = 0; i < 4_000; i++) {
      const cents = Math.floor(random() * 1e7);
      for (const price of [cents / 100, cents * 0.01, (cents + 0.5) / 100, cents / 1_000, -cents / 100, random() * 5_000, 1.005, 0.1 + 0.2]) {
        for (const mode of ['nearest', 'up', 'down'] as const) {
          const got = roundToTick(price, tick, mode);
          if (!Object.is(got, reference(price, tick, places, mode))) t.fail(`roundToTick(${price}, ${tick}, ${mode}) = ${got}`);
          checked++;
        }
      }
      const amount = (random() - 0.5) * 1e6;
      const cents2 = (Math.sign(amount) * Math.round(Number((Math.abs(amount) * 100).toPrecision(15)))) / 100 + 0;
      if (!Object.is(roundToCents(amount), cents2)) t.fail(`roundToCents(${amount}) = ${roundToCents(amount)}`);
    }
  }
  t.is(checked, 5 * 4_000 * 8 * 3);
  t.is(roundToCents(1.005), 1.01);
  t.is(roundToCents(-1.005), -1.01);
});

test('decimalPlaces gives the same answer for a remembered tick size as for a new one', (t) => {
  const sizes = [0.01, 0.05, 1e-7, 25, 0.0001, 0.5];
  const expected = [2, 2, 7, 0, 4, 1];
  t.deepEqual(sizes.map(decimalPlaces), expected, 'first calls');
  t.deepEqual(sizes.map(decimalPlaces), expected, 'remembered');
  t.throws(() => decimalPlaces(Number.NaN), { instanceOf: RangeError });
});
