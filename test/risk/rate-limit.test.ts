import test from 'ava';
import {
  EMPTY_RATE_LIMIT_STATE,
  RATE_KEYS_KEPT,
  RateCounter,
  countInWindow,
  portfolioKey,
  rateKeysHeld,
  recordEvent,
  strategyKey,
} from '../../actors/risk/rate-limit.js';
import type { RateLimitState } from '../../actors/risk/rate-limit.js';
import { Codec } from '../../runtime/codec/codec.js';
import { seededRandom } from '../helpers/system.js';

const WINDOW = 1_000;
const KEYS = ['strategy:s1', 'portfolio:p1'] as const;

/** The reference: every event's time under each key, counted one by one in `(now - windowMs, now]`. */
class BruteCounter {
  readonly events = new Map<string, number[]>();

  record(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const times = this.events.get(key);
      if (times === undefined) this.events.set(key, [now]);
      else times.push(now);
    }
  }

  count(key: string, now: number, windowMs: number): number {
    return (this.events.get(key) ?? []).filter((t) => t > now - windowMs && t <= now).length;
  }

  /** The same events as an old snapshot held them: one entry per event, sorted unless `arrival` asks for the order they came in. */
  perEventState(arrival = false): RateLimitState {
    return { events: Object.fromEntries([...this.events].map(([key, times]) => [key, arrival ? times : [...times].sort((a, b) => a - b)])) };
  }
}

test('counter keys are the prefixed ids, asked once or again, and their memo stays bounded', (t) => {
  for (let i = 0; i < 3 * RATE_KEYS_KEPT; i += 1) {
    const id = `id-${i % (2 * RATE_KEYS_KEPT)}`;
    t.is(strategyKey(id), `strategy:${id}`);
    t.is(portfolioKey(id), `portfolio:${id}`);
  }
  t.is(strategyKey('s1'), 'strategy:s1');
  t.is(strategyKey(''), 'strategy:');
  t.true(rateKeysHeld() > 0 && rateKeysHeld() <= 2 * RATE_KEYS_KEPT);
});

test('compact and per-event states count like a brute-force counter over random times, equal and backwards ones included', (t) => {
  const random = seededRandom(7);
  for (let run = 0; run < 20; run += 1) {
    const windowMs = 1 + Math.floor(random() * 50);
    const counter = new RateCounter();
    const brute = new BruteCounter();
    let pure = EMPTY_RATE_LIMIT_STATE;
    let now = 0;
    let latest = 0;
    for (let step = 0; step < 400; step += 1) {
      const r = random();
      // Mostly the same ms or a little later, sometimes a jump past the window, sometimes a clock gone back.
      now += r < 0.5 ? 0 : r < 0.85 ? Math.floor(random() * 3) : r < 0.95 ? -Math.floor(random() * windowMs) : windowMs + Math.floor(random() * 10);
      latest = Math.max(latest, now);
      const keys = random() < 0.7 ? KEYS : [KEYS[Math.floor(random() * KEYS.length)]!];
      counter.record(keys, now, windowMs);
      pure = recordEvent(pure, keys, now, windowMs);
      brute.record(keys, now);
      // Every form drops only events at or before `latest - windowMs`, so counts agree from `latest` on.
      const states = [counter.view(), counter.state(), pure, brute.perEventState(), RateCounter.from(brute.perEventState(true)).view()];
      for (const at of [latest, latest + Math.floor(random() * (windowMs + 2))]) {
        for (const key of KEYS) {
          const expected = brute.count(key, at, windowMs);
          states.forEach((state, form) => t.is(countInWindow(state, key, at, windowMs), expected, `run ${run} step ${step} form ${form} ${key} at ${at}`));
        }
      }
    }
  }
});

test('an old per-event snapshot, repeated and unsorted times included, hydrates to the same counts in the compact form', (t) => {
  const old: RateLimitState = { events: { 'strategy:s1': [3, 5, 5, 5, 9, 4, 5], 'portfolio:p1': [7, 7] } };
  const counter = RateCounter.from(old);
  for (let now = 0; now <= 12; now += 1) {
    for (const windowMs of [1, 2, 5, 10]) {
      t.is(countInWindow(counter.view(), 'strategy:s1', now, windowMs), old.events['strategy:s1']!.filter((s) => s > now - windowMs && s <= now).length);
      t.is(countInWindow(counter.view(), 'portfolio:p1', now, windowMs), now >= 7 && now - windowMs < 7 ? 2 : 0);
    }
  }
  t.deepEqual(counter.state(), { events: { 'strategy:s1': [3, 4, 5, 9], 'portfolio:p1': [7] }, totals: { 'strategy:s1': [1, 2, 6, 7], 'portfolio:p1': [2] } });
});

test('state() of 10,000 events in 5 distinct ms holds 5 entries per key, frozen, with no totals where each time has one event', (t) => {
  const counter = new RateCounter();
  for (let i = 0; i < 10_000; i += 1) counter.record(KEYS, 100 + (i % 5), WINDOW);
  counter.record(['strategy:once'], 101, WINDOW);
  counter.record(['strategy:once'], 103, WINDOW);
  const state = counter.state();
  for (const key of KEYS) {
    t.deepEqual(state.events[key], [100, 101, 102, 103, 104]);
    t.deepEqual(state.totals?.[key], [2_000, 4_000, 6_000, 8_000, 10_000]);
    t.is(countInWindow(state, key, 104, WINDOW), 10_000);
    t.is(countInWindow(state, key, 1_102, WINDOW), 4_000);
  }
  t.deepEqual(state.events['strategy:once'], [101, 103]);
  t.false('strategy:once' in state.totals!);
  t.true(Object.isFrozen(state) && Object.isFrozen(state.events) && Object.isFrozen(state.totals) && Object.isFrozen(state.events[KEYS[0]]));
});

test('a snapshot round trip through the codec keeps the counts, and the hydrated counter counts on', (t) => {
  const codec = new Codec();
  const counter = new RateCounter();
  const brute = new BruteCounter();
  for (let i = 0; i < 20_000; i += 1) {
    const now = Math.floor(i / 20) - (i % 97 === 0 ? 3 : 0);
    counter.record(KEYS, now, WINDOW);
    brute.record(KEYS, now);
  }
  const hydrated = RateCounter.from(codec.decodeValue(codec.encodeValue(counter.state())) as RateLimitState);
  hydrated.record(KEYS, 1_000, WINDOW);
  brute.record(KEYS, 1_000);
  for (const key of KEYS) {
    for (const now of [1_000, 1_200, 1_998, 2_000]) t.is(countInWindow(hydrated.view(), key, now, WINDOW), brute.count(key, now, WINDOW));
  }
});
