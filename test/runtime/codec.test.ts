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
