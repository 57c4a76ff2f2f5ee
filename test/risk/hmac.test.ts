import { createHmac, randomBytes } from 'node:crypto';
import test from 'ava';
import { hmacSha256Hex } from '../../actors/risk/hmac.js';

const reference = (key: Buffer, text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');

test('hmacSha256Hex equals createHmac for keys shorter than, equal to and longer than the block, and any text', (t) => {
  const texts = ['', 'a', '{"domain":"bifrost.approval","seq":1}', 'ümlaut ✓ 漢字 😀', 'x'.repeat(1_000), 'y'.repeat(70_000)];
  for (const length of [1, 16, 32, 63, 64, 65, 100, 200]) {
    const key = randomBytes(length);
    for (const text of texts) t.is(hmacSha256Hex(key, text), reference(key, text), `key of ${length} bytes, text of ${text.length} chars`);
  }
});

test('hmacSha256Hex gives the RFC 4231 test case 2 value', (t) => {
  t.is(hmacSha256Hex(Buffer.from('Jefe'), 'what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('hmacSha256Hex notices a key Buffer whose bytes changed after use', (t) => {
  const key = Buffer.alloc(32, 1);
  const before = hmacSha256Hex(key, 'order');
  key.fill(2);
  t.not(hmacSha256Hex(key, 'order'), before);
  t.is(hmacSha256Hex(key, 'order'), reference(key, 'order'));
});

test('hmacSha256Hex keeps two keys apart and a long text does not spoil a later short one', (t) => {
  const a = randomBytes(32);
  const b = randomBytes(32);
  t.not(hmacSha256Hex(a, 'same'), hmacSha256Hex(b, 'same'));
  hmacSha256Hex(a, 'z'.repeat(5_000));
  t.is(hmacSha256Hex(a, 'short'), reference(a, 'short'));
  t.is(hmacSha256Hex(b, 'short'), reference(b, 'short'));
});
