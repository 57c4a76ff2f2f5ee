import test from 'ava';
import { Packr } from 'msgpackr';
import {
  Codec,
  CodecError,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DuplicateMessageTypeError,
  InvalidMessageError,
  MalformedMessageError,
  MessageRegistry,
  PayloadTooLargeError,
  UnencodableValueError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
  WIRE_MAGIC,
  WIRE_VERSION,
} from '../../runtime/codec/index.js';
import type { Envelope } from '../../runtime/codec/index.js';

function orderProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null) return ['body is not an object'];
  const b = body as Record<string, unknown>;
  if (typeof b.symbol !== 'string') problems.push('symbol must be a string');
  if (typeof b.qty !== 'number' || !(b.qty > 0)) problems.push('qty must be positive');
  return problems;
}

function makeCodec(maxPayloadBytes?: number): Codec {
  const registry = new MessageRegistry()
    .register('demo.ping', { version: 1 })
    .register('risk.submitOrder', { version: 2, validate: orderProblems })
    .register('demo.throwing', {
      version: 1,
      validate: () => {
        throw new Error('validator bug');
      },
    });
  return new Codec(maxPayloadBytes === undefined ? { registry } : { registry, maxPayloadBytes });
}

const full: Envelope = {
  type: 'risk.submitOrder',
  version: 2,
  id: 'msg-1',
  correlationId: 'corr-9',
  sender: { node: 'gpu', path: '/user/strategy/sma' },
  recipient: { node: 'trading', path: '/user/risk' },
  traceId: 'trace-abc',
  deadline: 1_700_000_002_000,
  body: { symbol: 'AAPL', qty: 10, limit: 187.25, tags: ['a', 'ü', '日本'], meta: { nested: [1, [2, [3]]] } },
};

// Raw frames for the malformed cases, packed the same way the codec packs.
const raw = new Packr({ mapsAsObjects: true, useRecords: false });
function frame(overrides: Record<number, unknown>, length = 13): Uint8Array {
  const f: unknown[] = [WIRE_MAGIC, WIRE_VERSION, 'demo.ping', 1, 'id-1', null, null, null, null, null, null, null, { x: 1 }];
  for (const [i, v] of Object.entries(overrides)) f[Number(i)] = v;
  return raw.pack(f.slice(0, length));
}

// mulberry32: a small seeded PRNG so the fuzz cases are the same on every run.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

test('an envelope with every field round-trips unchanged', (t) => {
  const codec = makeCodec();
  t.deepEqual(codec.decodeEnvelope(codec.encodeEnvelope(full)), full);
});

test('an envelope with only the required fields round-trips without undefined keys', (t) => {
  const codec = makeCodec();
  const env: Envelope = { type: 'demo.ping', version: 1, id: 'm', body: null };
  const back = codec.decodeEnvelope(codec.encodeEnvelope(env));
  t.deepEqual(back, env);
  t.deepEqual(Object.keys(back).sort(), ['body', 'id', 'type', 'version']);
});

test('addresses without a node round-trip as local addresses', (t) => {
  const codec = makeCodec();
  const env: Envelope = { type: 'demo.ping', version: 1, id: 'm', sender: { path: '/user/a' }, recipient: { path: '/user/b' }, body: 1 };
  t.deepEqual(codec.decodeEnvelope(codec.encodeEnvelope(env)), env);
});

test('numbers round-trip as exact float64 values, -0 and large integers included', (t) => {
  const codec = makeCodec();
  const numbers = [
    0, -0, 1, -1, 0.1, -2.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 + 2, 2 ** 64, 1e300, -1e-300,
    5e-324, Number.MAX_VALUE, Number.EPSILON, Infinity, -Infinity, 187.25, 0.30000000000000004,
  ];
  const back = codec.decodeValue(codec.encodeValue({ numbers, nested: { z: -0, list: [-0, [-0]] } })) as {
    numbers: number[];
    nested: { z: number; list: [number, [number]] };
  };
  numbers.forEach((n, i) => t.true(Object.is(back.numbers[i], n), `index ${i}: ${n} came back as ${back.numbers[i]}`));
  t.true(Object.is(back.nested.z, -0));
  t.true(Object.is(back.nested.list[0], -0));
  t.true(Object.is(back.nested.list[1][0], -0));
  t.true(Object.is(codec.decodeValue(codec.encodeValue(-0)), -0));
});

test('a value without -0 is encoded as is and the input is never mutated', (t) => {
  const codec = makeCodec();
  const value = { a: [-0, 1], b: { c: -0 } };
  codec.encodeValue(value);
  t.true(Object.is(value.a[0], -0));
  t.true(Object.is(value.b.c, -0));
});

test('plain values round-trip: strings, booleans, null, binary, nested objects', (t) => {
  const codec = makeCodec();
  const value = { s: 'héllo \u0000 🎉', t: true, f: false, n: null, bin: new Uint8Array([0, 1, 255]), deep: { a: [{ b: [] }] } };
  const back = codec.decodeValue(codec.encodeValue(value)) as typeof value;
  t.deepEqual({ ...back, bin: [...back.bin] }, { ...value, bin: [0, 1, 255] });
});

test('decoded binary does not alias the input buffer', (t) => {
  const codec = makeCodec();
  const bytes = new Uint8Array(codec.encodeValue({ bin: new Uint8Array([7, 7, 7]) }));
  const back = codec.decodeValue(bytes) as { bin: Uint8Array };
  bytes.fill(0);
  t.deepEqual([...back.bin], [7, 7, 7]);
});

test('an unregistered type is rejected on encode and on decode', (t) => {
  const codec = makeCodec();
  const err = t.throws(() => codec.encodeEnvelope({ type: 'nope.unknown', version: 1, id: 'x', body: {} }), {
    instanceOf: UnknownMessageTypeError,
  });
  t.is(err?.messageType, 'nope.unknown');
  t.throws(() => codec.decodeEnvelope(frame({ 2: 'nope.unknown' })), { instanceOf: UnknownMessageTypeError });
});

test('a message newer than the registered version is rejected, an older one is accepted', (t) => {
  const codec = makeCodec();
  const err = t.throws(() => codec.decodeEnvelope(frame({ 2: 'risk.submitOrder', 3: 3, 12: { symbol: 'X', qty: 1 } })), {
    instanceOf: UnsupportedVersionError,
  });
  t.is(err?.messageType, 'risk.submitOrder');
  t.is(err?.version, 3);
  t.is(err?.supported, 2);
  t.is(codec.decodeEnvelope(frame({ 2: 'risk.submitOrder', 3: 1, 12: { symbol: 'X', qty: 1 } })).version, 1);
  t.throws(() => codec.encodeEnvelope({ ...full, version: 3 }), { instanceOf: UnsupportedVersionError });
});

test('a frame from a newer wire format is rejected as unsupported, not malformed', (t) => {
  const codec = makeCodec();
  const err = t.throws(() => codec.decodeEnvelope(frame({ 1: WIRE_VERSION + 1 }, 14)), { instanceOf: UnsupportedVersionError });
  t.is(err?.messageType, undefined);
  t.is(err?.version, WIRE_VERSION + 1);
});

test('a body that fails validation is rejected with every problem listed', (t) => {
  const codec = makeCodec();
  const err = t.throws(() => codec.encodeEnvelope({ ...full, body: { qty: -1 } }), { instanceOf: InvalidMessageError });
  t.deepEqual(err?.problems, ['symbol must be a string', 'qty must be positive']);
  t.throws(() => codec.decodeEnvelope(frame({ 2: 'risk.submitOrder', 3: 2, 12: { symbol: 1, qty: 1 } })), {
    instanceOf: InvalidMessageError,
  });
});

test('a validator that throws becomes an InvalidMessageError carrying the cause', (t) => {
  const codec = makeCodec();
  const err = t.throws(() => codec.decodeEnvelope(frame({ 2: 'demo.throwing' })), { instanceOf: InvalidMessageError });
  t.true(err?.cause instanceof Error);
});

test('an envelope with a bad header is rejected on encode with every problem', (t) => {
  const codec = makeCodec();
  const bad = { type: 'demo.ping', version: 1.5, id: '', deadline: Number.NaN, sender: { path: 7 }, body: {} } as unknown as Envelope;
  const err = t.throws(() => codec.encodeEnvelope(bad), { instanceOf: InvalidMessageError });
  t.is(err?.problems.length, 4);
});

const malformedCases: ReadonlyArray<{ name: string; bytes: () => Uint8Array }> = [
  { name: 'an empty buffer', bytes: () => new Uint8Array(0) },
  { name: 'a value that is not an array', bytes: () => raw.pack({ type: 'demo.ping' }) },
  { name: 'a frame with the wrong magic number', bytes: () => frame({ 0: 0x3c }) },
  { name: 'a frame with a string wire version', bytes: () => frame({ 1: '1' }) },
  { name: 'a frame with too few fields', bytes: () => frame({}, 12) },
  { name: 'a frame with a numeric type', bytes: () => frame({ 2: 42 }) },
  { name: 'a frame with an empty type', bytes: () => frame({ 2: '' }) },
  { name: 'a frame with a fractional version', bytes: () => frame({ 3: 1.5 }) },
  { name: 'a frame with a zero version', bytes: () => frame({ 3: 0 }) },
  { name: 'a frame with a numeric id', bytes: () => frame({ 4: 12 }) },
  { name: 'a frame with an object correlation id', bytes: () => frame({ 5: {} }) },
  { name: 'a frame with a sender node but no path', bytes: () => frame({ 6: 'node-a' }) },
  { name: 'a frame with a boolean recipient path', bytes: () => frame({ 9: true }) },
  { name: 'a frame with a string deadline', bytes: () => frame({ 11: 'soon' }) },
  { name: 'a frame with an infinite deadline', bytes: () => frame({ 11: Infinity }) },
  { name: 'a truncated frame', bytes: () => frame({}).subarray(0, 10) },
  { name: 'a frame followed by trailing bytes', bytes: () => Uint8Array.from([...frame({}), 0x01]) },
  { name: 'an unknown MessagePack extension', bytes: () => Uint8Array.from([0xd4, 0x05, 0x00]) },
  { name: 'a reserved MessagePack byte', bytes: () => Uint8Array.from([0xc1]) },
  { name: 'an array header claiming four billion elements', bytes: () => Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]) },
  { name: 'a string header longer than the buffer', bytes: () => Uint8Array.from([0xdb, 0x00, 0x0f, 0xff, 0xff, 0x61]) },
  { name: 'deeply nested arrays', bytes: () => new Uint8Array(200_000).fill(0x91) },
];

for (const c of malformedCases) {
  test(`decoding ${c.name} throws MalformedMessageError`, (t) => {
    t.throws(() => makeCodec().decodeEnvelope(c.bytes()), { instanceOf: MalformedMessageError });
  });
}

test('decoding something that is not a byte array throws MalformedMessageError', (t) => {
  t.throws(() => makeCodec().decodeEnvelope('abc' as unknown as Uint8Array), { instanceOf: MalformedMessageError });
  t.throws(() => makeCodec().decodeValue(null as unknown as Uint8Array), { instanceOf: MalformedMessageError });
});

test('a payload over the limit is rejected on encode and on decode', (t) => {
  const codec = makeCodec(1_000);
  const big = 'x'.repeat(2_000);
  const enc = t.throws(() => codec.encodeEnvelope({ type: 'demo.ping', version: 1, id: 'm', body: big }), {
    instanceOf: PayloadTooLargeError,
  });
  t.is(enc?.maxBytes, 1_000);
  t.true((enc?.sizeBytes ?? 0) > 1_000);
  t.throws(() => codec.encodeValue(big), { instanceOf: PayloadTooLargeError });
  const bytes = makeCodec().encodeEnvelope({ type: 'demo.ping', version: 1, id: 'm', body: big });
  t.throws(() => codec.decodeEnvelope(bytes), { instanceOf: PayloadTooLargeError });
  t.throws(() => codec.decodeValue(bytes), { instanceOf: PayloadTooLargeError });
});

test('the default payload limit is 1 MiB', (t) => {
  t.is(DEFAULT_MAX_PAYLOAD_BYTES, 1_048_576);
  const codec = makeCodec();
  t.is(codec.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES);
  t.throws(() => codec.decodeValue(new Uint8Array(DEFAULT_MAX_PAYLOAD_BYTES + 1)), { instanceOf: PayloadTooLargeError });
});

test('a cyclic value is rejected with UnencodableValueError instead of overflowing the stack', (t) => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  t.throws(() => makeCodec().encodeValue(cyclic), { instanceOf: UnencodableValueError });
});

test('a cycle behind a -0 is rejected too, and nesting is refused from 514 levels on, with or without -0', (t) => {
  const codec = makeCodec();
  const cyclic: Record<string, unknown> = { z: -0 };
  cyclic.self = cyclic;
  t.throws(() => codec.encodeValue(cyclic), { instanceOf: UnencodableValueError, message: /nesting deeper than 512/ });
  const nest = (levels: number, leaf: unknown): unknown => {
    let v = leaf;
    for (let i = 0; i < levels; i++) v = i % 2 === 0 ? { k: v } : [v];
    return v;
  };
  for (const leaf of [1, -0]) {
    t.notThrows(() => codec.encodeValue(nest(513, leaf)));
    t.throws(() => codec.encodeValue(nest(514, leaf)), { instanceOf: UnencodableValueError, message: /nesting deeper than 512/ });
  }
  // A date is an object, so it is a level of its own.
  t.notThrows(() => codec.encodeValue(nest(512, new Date(0))));
  t.throws(() => codec.encodeValue(nest(513, new Date(0))), { instanceOf: UnencodableValueError, message: /nesting deeper than 512/ });
});

// msgpackr's own packing of the value after the -0 swap, which is what the codec wrote before its
// one-pass writer for plain data; both must give the same bytes.
const referencePackr = new Packr({ mapsAsObjects: true, useRecords: false });
const negativeZeroMarker = [0xc7, 0x00, 0x2d];

test('plain values are written byte for byte as msgpackr writes them', (t) => {
  const codec = makeCodec();
  const strings = [
    '', 'x', 'é', '\u{1F600}', '\ud800', '\udc00x', 'a'.repeat(31), 'a'.repeat(32), 'a'.repeat(63), 'a'.repeat(64), 'é'.repeat(40),
    'x'.repeat(63) + '\ud800', 'x'.repeat(64) + '\ud800', '\ud83dx'.repeat(40), '\u{1F600}'.repeat(40), 'ÿ€'.repeat(100), 'a'.repeat(255),
    'a'.repeat(256), 'é'.repeat(200), 'x'.repeat(300) + '\udc00', 'a'.repeat(70_000),
    // Short strings take an ASCII-only path first; one unit outside ASCII, anywhere, sends them back to the general one.
    'a'.repeat(10), 'a'.repeat(11), 'clientOrderId', 'x'.repeat(30) + 'é', 'é' + 'x'.repeat(30), 'ab\u007fcd', 'ab\u0080cd', 'x'.repeat(20) + '\ud800',
  ];
  const numbers = [
    0, 1, -1, 31, 32, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -32, -33, -128, -129, -32768, -32769, -(2 ** 31),
    -(2 ** 31) - 1, 0.5, 190.01, NaN, Infinity, -Infinity, 1e300, 5e-324, 2 ** 53 + 2,
  ];
  const values: unknown[] = [
    ...strings, ...numbers, null, undefined, true, false, [], {}, strings, numbers, [1, , 3],
    { 1: 'a', b: 'c', 0: 'z', u: undefined }, { 'clé': 1, ['k'.repeat(40)]: 'é', ['\u{1F600}']: -1.5 }, Array.from({ length: 70_000 }, (_, i) => i), Object.fromEntries(numbers.map((n, i) => [`k${i}`, n])),
    {
      kind: 'opened',
      order: { clientOrderId: 'n1-abc-123', symbol: 'AAPL', side: 'buy', quantity: 1, createdAt: 1700000000000 },
      approval: { v: 1, seq: 12, orderDigest: 'ab'.repeat(32), tags: ['a', ['b', { c: 2 }]] },
      time: 1700000000001,
    },
  ];
  for (const value of values) {
    t.deepEqual(Buffer.from(codec.encodeValue(value)), Buffer.from(referencePackr.pack(value)), JSON.stringify(value)?.slice(0, 80));
  }
  // -0 is the zero-length marker extension wherever it sits, as the scan-and-copy path writes it.
  t.deepEqual([...codec.encodeValue(-0)], negativeZeroMarker);
  const withZeros = { a: -0, b: [0, -0], c: { d: -0, e: 'x' } };
  const swapped = { a: 1.5, b: [0, 1.5], c: { d: 1.5, e: 'x' } };
  const expected = Buffer.from(referencePackr.pack(swapped)).toString('hex').replaceAll('cb3ff8000000000000', 'c7002d');
  t.is(Buffer.from(codec.encodeValue(withZeros)).toString('hex'), expected);
});

test('values outside plain data keep their encoding, -0 included', (t) => {
  const codec = makeCodec();
  class Point {
    x = -0;
    y = 2;
  }
  const date = new Date(1_700_000_000_000);
  const bytes = codec.encodeValue({ date, point: new Point(), map: new Map([['k', -0]]), bin: new Uint8Array([1, 2]) });
  const back = codec.decodeValue(bytes) as { date: Date; point: { x: number; y: number }; map: Record<string, number>; bin: Uint8Array };
  t.is(back.date.getTime(), date.getTime());
  t.true(Object.is(back.point.x, -0));
  t.is(back.point.y, 2);
  t.deepEqual([...back.bin], [1, 2]);
  // Own keys only, as msgpackr writes objects: an inherited -0 neither adds a key nor changes the bytes.
  const inherited = Object.assign(Object.create({ inh: -0 }) as object, { own: 2 });
  t.deepEqual(Buffer.from(codec.encodeValue(inherited)), Buffer.from(referencePackr.pack({ own: 2 })));
  // An object whose own hasOwnProperty is not the built-in one is left to msgpackr, which consults it.
  const odd = { hasOwnProperty: () => false, a: 1 };
  t.deepEqual(Buffer.from(codec.encodeValue(odd)), Buffer.from(referencePackr.pack(odd)));
  t.throws(() => codec.encodeValue(Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, i]))), {
    instanceOf: UnencodableValueError,
  });
});

test('encoded bytes stay intact across later encodes, and a getter that encodes again gets its own bytes', (t) => {
  const codec = makeCodec();
  const kept = Array.from({ length: 3000 }, (_, i) => ({ value: { i, s: 'x'.repeat(i % 400), z: i % 7 === 0 ? -0 : i } }));
  const encoded = kept.map(({ value }) => codec.encodeValue(value));
  kept.forEach(({ value }, i) => {
    const back = codec.decodeValue(encoded[i]!) as typeof value;
    t.true(back.i === value.i && back.s === value.s && Object.is(back.z, value.z), `value ${i}`);
  });
  let inner: Uint8Array | undefined;
  const outer = codec.encodeValue({
    a: 'before',
    get b() {
      inner = codec.encodeValue({ inner: -0 });
      return 'b';
    },
    c: 'after',
  });
  t.deepEqual(codec.decodeValue(outer), { a: 'before', b: 'b', c: 'after' });
  t.true(Object.is((codec.decodeValue(inner!) as { inner: number }).inner, -0));
});

test('registering a type twice with a different spec throws, the same spec is a no-op', (t) => {
  const validate = (): string[] => [];
  const registry = new MessageRegistry().register('a.b', { version: 1, validate });
  t.notThrows(() => registry.register('a.b', { version: 1, validate }));
  t.throws(() => registry.register('a.b', { version: 2 }), { instanceOf: DuplicateMessageTypeError });
  t.deepEqual(registry.types(), ['a.b']);
});

test('random buffers never make the decoder throw anything but a codec error', (t) => {
  const codec = makeCodec();
  const rand = prng(0xb1f057);
  let decoded = 0;
  for (let i = 0; i < 5_000; i++) {
    const bytes = new Uint8Array(Math.floor(rand() * 96));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
    // Half the cases start like a real frame so the decoder gets past the first checks.
    if (i % 2 === 0 && bytes.length > 3) bytes.set([0x9d, WIRE_MAGIC, WIRE_VERSION]);
    for (const decode of [() => codec.decodeEnvelope(bytes), () => codec.decodeValue(bytes)]) {
      try {
        decode();
        decoded++;
      } catch (error) {
        if (!(error instanceof CodecError)) t.fail(`case ${i} threw ${String(error)} for ${Buffer.from(bytes).toString('hex')}`);
      }
    }
  }
  t.true(decoded > 0);
});

test('mutated and truncated valid frames never make the decoder throw anything but a codec error', (t) => {
  const codec = makeCodec();
  const rand = prng(42);
  const good = codec.encodeEnvelope(full);
  let accepted = 0;
  for (let i = 0; i < 5_000; i++) {
    const bytes = Uint8Array.from(good);
    const flips = 1 + Math.floor(rand() * 4);
    for (let f = 0; f < flips; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    const input = rand() < 0.3 ? bytes.subarray(0, Math.floor(rand() * bytes.length)) : bytes;
    try {
      const env = codec.decodeEnvelope(input);
      t.is(typeof env.type, 'string');
      accepted++;
    } catch (error) {
      if (!(error instanceof CodecError)) t.fail(`case ${i} threw ${String(error)} for ${Buffer.from(input).toString('hex')}`);
    }
  }
  t.true(accepted < 5_000);
});

test('every decode failure of a truncated frame is typed', (t) => {
  const codec = makeCodec();
  const good = codec.encodeEnvelope(full);
  for (let n = 0; n < good.length; n++) {
    t.throws(() => codec.decodeEnvelope(good.subarray(0, n)), { instanceOf: CodecError }, `prefix of ${n} bytes`);
  }
});
