import crypto, { createHash, createHmac } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { inspect } from 'node:util';
import test from 'ava';
import type { OrderRequest } from '../../actors/domain/order.js';
import { canonicalOrderText, orderDigest, signApproval, signedText, verifyApproval } from '../../actors/risk/approval.js';
import { flatCanonical } from '../../actors/risk/flat-canonical.js';
import { MemoryUsedTokenSet } from '../../actors/risk/used-tokens.js';
import { canonicalEncode } from '../../actors/domain/canonical.js';
import { Codec } from '../../runtime/codec/codec.js';
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

test('the in-process memo stays in the process: encoded, cloned, spread or inspected, a token is only its fields', (t) => {
  const approved = signApproval(baseOrder, { key, riskId: 'risk', seq: 3, expiresAt: NOW + 1_000 });
  const fields = { v: 1, orderDigest: approved.approval.orderDigest, riskId: 'risk', seq: 3, expiresAt: NOW + 1_000, signature: approved.approval.signature };
  t.deepEqual(Object.keys(approved.approval).sort(), Object.keys(fields).sort());
  t.deepEqual(JSON.parse(JSON.stringify(approved.approval)), fields);
  const codec = new Codec();
  t.deepEqual(codec.decodeValue(codec.encodeValue(approved.approval)), fields);
  t.deepEqual(Object.getOwnPropertySymbols(structuredClone(approved.approval)), []);
  t.deepEqual(Object.getOwnPropertySymbols({ ...approved.approval }), []);
  // Nothing of the key can be printed: the memo is hidden from inspection and names the key by an opaque identity.
  const shown = inspect(approved, { showHidden: true, depth: 10 });
  t.false(shown.includes(key.toString('hex').slice(0, 16)) || shown.includes('04 04 04'));
  // The two computed fields are getters: util.inspect shows them as such, and reads them when asked to.
  t.regex(inspect(approved.approval), /orderDigest: \[Getter\].*signature: \[Getter\]/s);
  const read = inspect(approved.approval, { getters: true, breakLength: Infinity });
  for (const [name, value] of Object.entries(fields)) t.true(read.includes(`${name}: ${typeof value === 'string' ? `[Getter: '${value}']` : value}`) || read.includes(`${name}: '${value}'`), name);
});

test('a token that is not the one signed here is verified in full, also under a key this process never signed with', (t) => {
  const signer = Buffer.alloc(32, 6);
  const approved = signApproval(baseOrder, { key: signer, riskId: 'risk', seq: 4, expiresAt: NOW + 1_000 });
  const fresh = Buffer.alloc(32, 7); // never used to sign: no memo can name it
  const seen = () => new MemoryUsedTokenSet();
  t.like(verifyApproval(approved, { key: fresh, now: NOW, seen: seen() }), { ok: false, reason: 'BAD_SIGNATURE' });
  const forged = { order: { ...approved.order }, approval: { ...approved.approval, expiresAt: NOW + 9_000 } };
  t.like(verifyApproval(forged, { key: fresh, now: NOW, seen: seen() }), { ok: false, reason: 'BAD_SIGNATURE' });
  t.like(verifyApproval(forged, { key: signer, now: NOW, seen: seen() }), { ok: false, reason: 'BAD_SIGNATURE' });
  t.like(verifyApproval({ order: { ...approved.order, quantity: 999 }, approval: approved.approval }, { key: signer, now: NOW, seen: seen() }), { ok: false, reason: 'TAMPERED' });
  t.like(verifyApproval(structuredClone(approved), { key: Buffer.from(signer), now: NOW, seen: seen() }), { ok: true }, 'a decoded copy under an equal key verifies in full');
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

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('the order text and the signed token text are the canonical encoding, and sign as createHmac over it does', (t) => {
  const orders: Record<string, unknown>[] = [
    { ...baseOrder },
    { ...baseOrder, type: 'stop_limit', limitPrice: 0.1 + 0.2, stopPrice: 1e21 },
    { ...baseOrder, limitPrice: undefined, quantity: -0, clientOrderId: 'é"\\\n\u2028', symbol: '' },
    { createdAt: 5e-7, clientOrderId: 'x' },
    { ...baseOrder, note: 'an unknown field' },
    { ...baseOrder, note: undefined, stopPrice: undefined },
    { ...baseOrder, symbol: 'A\ud800B', portfolioId: 'tab\there', strategyId: '\u{1f600}' },
    { ...baseOrder, quantity: null },
    { ...baseOrder, quantity: true },
    Object.assign(Object.create(null) as Record<string, unknown>, baseOrder),
    {},
  ];
  for (const o of orders) {
    const order = o as unknown as OrderRequest;
    t.is(canonicalOrderText(order), canonicalEncode(o as CanonicalValue));
    for (const riskId of ['risk', 'trading1/risk', 'ri"sk\\é']) {
      const { approval } = signApproval(order, { key, riskId, seq: 42, expiresAt: NOW + 1_000 });
      const fields = { domain: 'bifrost.approval', v: 1, orderDigest: sha256(canonicalEncode(o as CanonicalValue)), riskId, seq: 42, expiresAt: NOW + 1_000 };
      t.is(signedText(approval), canonicalEncode(fields));
      t.is(approval.orderDigest, fields.orderDigest);
      t.is(approval.signature, createHmac('sha256', key).update(canonicalEncode(fields), 'utf8').digest('hex'));
    }
  }
  t.throws(() => canonicalOrderText({ ...baseOrder, quantity: Number.NaN }), { message: /not a finite number/ });
});

test('an approval freezes the order it signs: a frozen flat order as it is, anything else as a deep-frozen copy', (t) => {
  const frozen = Object.freeze({ ...baseOrder });
  t.is(signApproval(frozen, { key, riskId: 'risk', seq: 1, expiresAt: NOW }).order, frozen);
  const mutable = { ...baseOrder };
  const signed = signApproval(mutable, { key, riskId: 'risk', seq: 2, expiresAt: NOW }).order;
  t.not(signed, mutable);
  t.true(Object.isFrozen(signed));
  const nested = Object.freeze({ ...baseOrder, extra: { a: [1] } }) as unknown as OrderRequest;
  const copy = signApproval(nested, { key, riskId: 'risk', seq: 3, expiresAt: NOW }).order as unknown as { extra: { a: number[] } };
  t.true(Object.isFrozen(copy.extra) && Object.isFrozen(copy.extra.a));
});

test('a token signed in this process, presented with an equal copy of its order, verifies in full and passes', (t) => {
  const approved = signApproval(baseOrder, { key, riskId: 'risk', seq: 9, expiresAt: NOW + 1_000 });
  t.like(verifyApproval({ order: { ...approved.order }, approval: approved.approval }, { key, now: NOW, seen: new MemoryUsedTokenSet() }), { ok: true });
});

test('an order with an own __proto__ key is signed as a copy that keeps the key, not as one with another prototype', (t) => {
  const tricky = JSON.parse(`{"__proto__":5,${JSON.stringify(baseOrder).slice(1)}`) as OrderRequest;
  const { order, approval } = signApproval(tricky, { key, riskId: 'risk', seq: 1, expiresAt: NOW + 1_000 });
  t.is(Object.getPrototypeOf(order), Object.prototype);
  t.is(Object.getOwnPropertyDescriptor(order, '__proto__')?.value, 5);
  t.is(approval.orderDigest, sha256(canonicalEncode(tricky as unknown as CanonicalValue)));
  t.is(approval.orderDigest, orderDigest({ ...tricky }));
});

test('a token hashes nothing until a field is read, and a broker in the signing process never reads one', (t) => {
  const calls = { n: 0 };
  const real = crypto.hash;
  crypto.hash = ((...args: Parameters<typeof crypto.hash>) => {
    calls.n += 1;
    return real(...args);
  }) as typeof crypto.hash;
  syncBuiltinESMExports();
  try {
    const approved = signApproval({ ...baseOrder }, { key, riskId: 'risk', seq: 11, expiresAt: NOW + 1_000 });
    t.like(verifyApproval(approved, { key, now: NOW, seen: new MemoryUsedTokenSet() }), { ok: true });
    t.is(calls.n, 0, 'signed and verified by its memo without a digest or an HMAC');
    const { signature } = approved.approval;
    t.is(calls.n, 3, 'the first read of the signature computes the digest and the HMAC');
    t.is(approved.approval.signature, signature);
    t.is(approved.approval.orderDigest, sha256(canonicalEncode({ ...baseOrder } as unknown as CanonicalValue)));
    t.is(calls.n, 3, 'and later reads return the same values');
  } finally {
    crypto.hash = real;
    syncBuiltinESMExports();
  }
});

test('an order that cannot be encoded is refused when it is signed, not when its token is first read', (t) => {
  t.throws(() => signApproval({ ...baseOrder, quantity: Number.NaN }, { key, riskId: 'risk', seq: 1, expiresAt: NOW }), { message: /not a finite number/ });
  t.throws(() => signApproval({ ...baseOrder, note: () => 1 } as unknown as OrderRequest, { key, riskId: 'risk', seq: 1, expiresAt: NOW }));
});

test("a token's computed fields read through another object are a TypeError, not a wrong value", (t) => {
  const { approval } = signApproval(baseOrder, { key, riskId: 'risk', seq: 12, expiresAt: NOW + 1_000 });
  const getter = Object.getOwnPropertyDescriptor(approval, 'signature')!.get!;
  t.throws(() => getter.call({ ...approval }), { instanceOf: TypeError });
  t.is(Object.create(approval).signature, approval.signature, 'an object that inherits the token reads its fields');
});
