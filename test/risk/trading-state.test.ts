import test from 'ava';
import { InvalidTradingStateTransitionError } from '../../actors/risk/errors.js';
import { DEFAULT_RISK_LIMITS } from '../../actors/risk/limits.js';
import {
  TRADING_STATES,
  TRADING_STATE_TRANSITIONS,
  TRADING_STATE_TRIGGERS,
  automaticTransition,
  canTransitionTradingState,
  transitionTradingState,
} from '../../actors/risk/trading-state.js';

for (const { from, trigger, to } of TRADING_STATE_TRANSITIONS) {
  test(`${from} goes to ${to} on ${trigger}`, (t) => {
    t.is(transitionTradingState(from, to, trigger), to);
  });
}

test('every change the table does not list throws a typed error', (t) => {
  let unlisted = 0;
  for (const from of TRADING_STATES) {
    for (const to of TRADING_STATES) {
      for (const trigger of TRADING_STATE_TRIGGERS) {
        if (canTransitionTradingState(from, to, trigger)) continue;
        unlisted += 1;
        const error = t.throws(() => transitionTradingState(from, to, trigger), { instanceOf: InvalidTradingStateTransitionError });
        t.deepEqual([error!.from, error!.to, error!.trigger], [from, to, trigger]);
      }
    }
  }
  t.is(unlisted, 27 - TRADING_STATE_TRANSITIONS.length);
});

test('automatic triggers never loosen the state', (t) => {
  for (const { from, to, trigger } of TRADING_STATE_TRANSITIONS) {
    if (trigger === 'operator') continue;
    t.true(TRADING_STATES.indexOf(to) > TRADING_STATES.indexOf(from), `${from} -> ${to}`);
  }
});

const metrics = { equity: 100_000, startOfDayEquity: 100_000, peakEquity: 100_000 };
const automatic = [
  { name: 'a daily loss at the limit restricts ACTIVE to REDUCING', state: 'ACTIVE', m: { ...metrics, equity: 95_000 }, to: 'REDUCING', trigger: 'daily_loss_limit' },
  { name: 'a drawdown at the limit halts ACTIVE', state: 'ACTIVE', m: { ...metrics, equity: 80_000, startOfDayEquity: 80_000 }, to: 'HALTED', trigger: 'max_drawdown' },
  { name: 'a drawdown at the limit halts REDUCING', state: 'REDUCING', m: { ...metrics, equity: 79_000 }, to: 'HALTED', trigger: 'max_drawdown' },
  { name: 'the drawdown wins over the daily loss when both are reached', state: 'ACTIVE', m: { ...metrics, equity: 70_000 }, to: 'HALTED', trigger: 'max_drawdown' },
  { name: 'a daily loss leaves REDUCING as it is', state: 'REDUCING', m: { ...metrics, equity: 94_000 }, to: undefined, trigger: undefined },
  { name: 'nothing changes within the limits', state: 'ACTIVE', m: { ...metrics, equity: 95_001 }, to: undefined, trigger: undefined },
] as const;

for (const row of automatic) {
  test(row.name, (t) => {
    const change = automaticTransition(row.state, row.m, DEFAULT_RISK_LIMITS);
    t.is(change?.to, row.to);
    t.is(change?.trigger, row.trigger);
  });
}

test('automatic transitions are off when their limits are null', (t) => {
  const limits = { ...DEFAULT_RISK_LIMITS, maxDailyLoss: null, maxDrawdownPct: null };
  t.is(automaticTransition('ACTIVE', { ...metrics, equity: 1 }, limits), undefined);
});
