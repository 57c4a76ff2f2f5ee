import test from 'ava';
import { RATE_KEYS_KEPT, portfolioKey, rateKeysHeld, strategyKey } from '../../actors/risk/rate-limit.js';

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
