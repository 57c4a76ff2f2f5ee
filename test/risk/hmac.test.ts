import { createHmac, randomBytes } from 'node:crypto';
import test from 'ava';
import { hmacSha256Hex } from '../../actors/risk/hmac.js';

const reference = (key: Buffer, text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');

test('hmacSha256Hex is createHmac for keys shorter than, equal to and longer than a block, and for any text', (t) => {
  const texts = ['', 'a', '{"domain":"bifrost.approval","seq":1}', 'é"\\\n\u0000\u{1f600}', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'long '.repeat(200)];
  for (const length of [1, 16, 32, 63, 64, 65, 100, 200]) {
    const key = randomBytes(length);
    for (const text of texts) t.is(hmacSha256Hex(key, text), reference(key, text), `key of ${length} bytes, text of ${text.length} chars`);
  }
});

test('hmacSha256Hex keeps each key apart, grows past its scratch space and stays right after a long text', (t) => {
  const a = randomBytes(32);
  const b = randomBytes(32);
  const long = 'é'.repeat(5_000);
  t.is(hmacSha256Hex(a, 'm'), reference(a, 'm'));
  t.is(hmacSha256Hex(b, 'm'), reference(b, 'm'));
  t.not(hmacSha256Hex(a, 'm'), hmacSha256Hex(b, 'm'));
  t.is(hmacSha256Hex(a, long), reference(a, long));
  t.is(hmacSha256Hex(a, 'm'), reference(a, 'm'), 'a short text after a long one');
  t.is(hmacSha256Hex(Buffer.alloc(0), 'm'), reference(Buffer.alloc(0), 'm'), 'an empty key');
});
