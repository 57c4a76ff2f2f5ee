import test from 'ava';
import type { OrderRequest } from '../../actors/domain/order.js';
import { orderDigest, signApproval, verifyApproval } from '../../actors/risk/approval.js';
import type { ApprovalRejectReason, ApprovedOrder } from '../../actors/risk/approval.js';
import { InvalidRiskKeyError } from '../../actors/risk/errors.js';
import { loadRiskKey } from '../../actors/risk/risk-key.js';
import { MemoryUsedTokenSet } from '../../actors/risk/used-tokens.js';
import { NOW, baseOrder } from './fixtures.js';

const key = Buffer.from('k'.repeat(32));
const otherKey = Buffer.from('x'.repeat(32));
const params = { key, riskId: 'trading1/risk', seq: 7, expiresAt: NOW + 5_000 };

test('a valid approval is accepted once and then rejected as replayed', (t) => {
  const approved = signApproval(baseOrder, params);
  const seen = new MemoryUsedTokenSet();
  t.deepEqual(verifyApproval(approved, { key, now: NOW, seen }), { ok: true, tokenId: 'trading1/risk:7' });
  const again = verifyApproval(approved, { key, now: NOW + 1, seen });
  t.is(again.ok ? undefined : again.reason, 'REPLAYED');
});

const rejections: { name: string; approved: () => ApprovedOrder; key?: Buffer; now?: number; expectedRiskId?: string; reason: ApprovalRejectReason }[] = [
  {
    name: 'an order whose quantity was changed after approval is rejected as tampered',
    approved: () => {
      const a = signApproval(baseOrder, params);
      return { order: { ...a.order, quantity: 1_000 }, approval: a.approval };
    },
    reason: 'TAMPERED',
  },
  {
    name: 'an order re-hashed after tampering is rejected for its signature',
    approved: () => {
      const a = signApproval(baseOrder, params);
      const order = { ...a.order, quantity: 1_000 };
      return { order, approval: { ...a.approval, orderDigest: orderDigest(order) } };
    },
    reason: 'BAD_SIGNATURE',
  },
  { name: 'a token signed with another key is rejected for its signature', approved: () => signApproval(baseOrder, { ...params, key: otherKey }), reason: 'BAD_SIGNATURE' },
  {
    name: 'a token whose expiry was extended is rejected for its signature',
    approved: () => {
      const a = signApproval(baseOrder, params);
      return { order: a.order, approval: { ...a.approval, expiresAt: a.approval.expiresAt + 60_000 } };
    },
    now: NOW + 10_000,
    reason: 'BAD_SIGNATURE',
  },
  { name: 'a token at its expiry time is rejected as expired', approved: () => signApproval(baseOrder, params), now: NOW + 5_000, reason: 'EXPIRED' },
  { name: 'a token from an unexpected risk identity is rejected', approved: () => signApproval(baseOrder, params), expectedRiskId: 'trading2/risk', reason: 'UNKNOWN_SIGNER' },
  { name: 'a message without a token is rejected as malformed', approved: () => ({ order: baseOrder }) as unknown as ApprovedOrder, reason: 'MALFORMED' },
  {
    name: 'a token of an unknown version is rejected',
    approved: () => {
      const a = signApproval(baseOrder, params);
      return { order: a.order, approval: { ...a.approval, v: 2 } } as unknown as ApprovedOrder;
    },
    reason: 'UNSUPPORTED_VERSION',
  },
];

for (const row of rejections) {
  test(row.name, (t) => {
    const seen = new MemoryUsedTokenSet();
    const result = verifyApproval(row.approved(), { key: row.key ?? key, now: row.now ?? NOW, seen, ...(row.expectedRiskId ? { expectedRiskId: row.expectedRiskId } : {}) });
    t.false(result.ok);
    if (!result.ok) {
      t.is(result.reason, row.reason);
      t.true(result.message.startsWith(row.reason));
    }
    t.is(seen.size, 0, 'a rejected token is not remembered');
  });
}

test('the token does not depend on the key order or on absent optional fields of the order', (t) => {
  const approved = signApproval(baseOrder, params);
  const reordered = Object.fromEntries(Object.entries(baseOrder).reverse()) as unknown as OrderRequest;
  const withUndefined = { ...reordered, limitPrice: undefined } as OrderRequest;
  const result = verifyApproval({ order: withUndefined, approval: approved.approval }, { key, now: NOW, seen: new MemoryUsedTokenSet() });
  t.true(result.ok);
});

test('an approval survives a JSON round trip over the wire', (t) => {
  const approved = JSON.parse(JSON.stringify(signApproval(baseOrder, params))) as ApprovedOrder;
  t.true(verifyApproval(approved, { key, now: NOW, seen: new MemoryUsedTokenSet() }).ok);
});

test('an approved order is deeply frozen', (t) => {
  const approved = signApproval(baseOrder, params);
  t.true(Object.isFrozen(approved) && Object.isFrozen(approved.order) && Object.isFrozen(approved.approval));
});

test('used tokens are forgotten once they have expired', (t) => {
  const seen = new MemoryUsedTokenSet();
  t.true(verifyApproval(signApproval(baseOrder, params), { key, now: NOW, seen }).ok);
  t.is(seen.prune(NOW + 4_999), 0);
  t.is(seen.prune(NOW + 5_000), 1);
});

test('without BIFROST_RISK_KEY a random key is generated and reported without revealing it', (t) => {
  const a = loadRiskKey({});
  const b = loadRiskKey({ BIFROST_RISK_KEY: '' });
  t.is(a.source, 'generated');
  t.is(a.key.length, 32);
  t.false(a.key.equals(b.key));
  t.true(a.notice!.includes('BIFROST_RISK_KEY'));
  t.false(a.notice!.includes(a.key.toString('hex')));
});

test('BIFROST_RISK_KEY is used when set, and a short one is refused without echoing it', (t) => {
  const secret = 'f'.repeat(64);
  const loaded = loadRiskKey({ BIFROST_RISK_KEY: secret });
  t.is(loaded.source, 'env');
  t.is(loaded.notice, undefined);
  t.true(loaded.key.equals(Buffer.from(secret)));
  const error = t.throws(() => loadRiskKey({ BIFROST_RISK_KEY: 'short-secret' }), { instanceOf: InvalidRiskKeyError });
  t.false(error!.message.includes('short-secret'));
});
