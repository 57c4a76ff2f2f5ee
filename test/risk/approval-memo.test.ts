import test from 'ava';
import { signApproval, verifyApproval } from '../../actors/risk/approval.js';
import { flatCanonical } from '../../actors/risk/flat-canonical.js';
import { MemoryUsedTokenSet } from '../../actors/risk/used-tokens.js';
import { canonicalEncode } from '../../actors/domain/canonical.js';
import type { CanonicalValue } from '../../actors/domain/canonical.js';
import { baseOrder, NOW } from './fixtures.js';

const key = Buffer.alloc(32, 4);

test('an approval verified in the signing process still fails under another key, or once copied and altered', (t) => {
  const approved = signApproval(baseOrder, { key, riskId: 'risk', seq: 1, expiresAt: NOW + 1_000 });
  const params = { now: NOW, seen: new MemoryUsedTokenSet() };
  t.like(verifyApproval(approved, { ...params, key: Buffer.alloc(32, 5) }), { ok: false, reason: 'BAD_SIGNATURE' });
  t.like(verifyApproval(approved, { ...params, key: Buffer.from(key) }), { ok: true }, 'an equal key in another Buffer verifies in full');
  const copied = structuredClone(approved);
  t.like(verifyApproval(copied, { ...params, key }), { ok: false, reason: 'REPLAYED' }, 'a decoded copy is verified in full and is a replay');
  const altered = { order: approved.order, approval: { ...approved.approval, seq: 2 } };
  t.like(verifyApproval(altered, { ...params, key }), { ok: false, reason: 'BAD_SIGNATURE' });
});

test('the flat canonical encoding is the canonical encoding, byte for byte', (t) => {
  const values: Record<string, unknown>[] = [
    { ...baseOrder },
    { ...baseOrder, limitPrice: 0.1 + 0.2, stopPrice: undefined, note: 'é"\\\n', flag: true, nothing: null, neg: -0, big: 1e21, tiny: 5e-7 },
    { b: 1, a: 2, A: 3, _: 4, '\u00e9': 5, '10': 6, '9': 7 },
    { nested: { a: 1 } },
    {},
  ];
  for (const v of values) t.is(flatCanonical(v), canonicalEncode(v as CanonicalValue));
  t.throws(() => flatCanonical({ x: Number.NaN }), { message: /not a finite number/ });
});
