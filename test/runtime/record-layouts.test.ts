import test from 'ava';
import { Packr } from 'msgpackr';
import { Codec, MalformedMessageError, MessageRegistry } from '../../runtime/codec/index.js';
import { RECORD_EXTENSION_TYPE, RECORD_LAYOUTS } from '../../runtime/codec/record-layouts.js';

// Journals and snapshots hold layout ids: an id must keep its keys for ever. This is the table as released;
// a new layout is appended here and there, and no line above it may change.
const RELEASED = [
  'kind,order,tokenId,expiresAt,time,replyTo,riskRef',
  'kind,order,tokenId,expiresAt,time,replyTo',
  'kind,order,tokenId,expiresAt,time,riskRef',
  'kind,order,tokenId,expiresAt,time',
  'kind,report,time',
  'kind,clientOrderId,venueOrderId,time',
  'kind,clientOrderId,fill',
  'kind,clientOrderId,reason,time',
  'kind,clientOrderId,time',
  'clientOrderId,portfolioId,strategyId,symbol,side,type,quantity,tif,createdAt',
  'clientOrderId,portfolioId,strategyId,symbol,side,type,quantity,limitPrice,tif,createdAt',
  'clientOrderId,portfolioId,strategyId,symbol,side,type,quantity,stopPrice,tif,createdAt',
  'clientOrderId,portfolioId,strategyId,symbol,side,type,quantity,limitPrice,stopPrice,tif,createdAt',
  'fillId,clientOrderId,portfolioId,symbol,side,quantity,price,commission,time,venue,venueOrderId,leavesQuantity',
  'fillId,clientOrderId,portfolioId,symbol,side,quantity,price,commission,time,venue',
  'kind,portfolioId,strategyId,clientOrderId,seq,time',
  'kind,portfolioId,clientOrderId',
  'kind,fill',
  'portfolioId,clientOrderId,symbol,side,quantity,time,positionBefore',
  'kind,fill,brokerId,seq,brokerRef',
  'kind,fill,brokerId,seq',
  'node,path',
];

const plainPackr = new Packr({ mapsAsObjects: true, useRecords: false });
const codec = new Codec({ registry: new MessageRegistry().register('demo.event', { version: 1 }) });

const order = { clientOrderId: 'n1-7-1a', portfolioId: 'p1', strategyId: 's1', symbol: 'AAPL', side: 'buy', type: 'market', quantity: 3, tif: 'day', createdAt: 1_700_000_000_000 };
const fill = { fillId: 'paper-9', clientOrderId: 'n1-7-1a', portfolioId: 'p1', symbol: 'AAPL', side: 'buy', quantity: 3, price: 190.01, commission: 1, time: 1_700_000_000_005, venue: 'paper' };
const opened = { kind: 'opened', order, tokenId: 'risk:41', expiresAt: 1_700_000_060_000, time: 1_700_000_000_001, replyTo: { node: 'n1', path: '/strategy' }, riskRef: { path: '/risk' } };

test('released record layouts never change: ids are appended, never edited or reused', (t) => {
  t.is(RECORD_LAYOUTS[0], undefined);
  const now = RECORD_LAYOUTS.slice(1).map((keys) => keys!.join(','));
  t.deepEqual(now.slice(0, RELEASED.length), RELEASED);
  t.is(new Set(now).size, now.length, 'two ids with the same keys');
  t.true(Object.isFrozen(RECORD_LAYOUTS) && RECORD_LAYOUTS.slice(1).every((keys) => Object.isFrozen(keys)));
});

test('an object with a layout\'s keys in its order is written as a record and read back whole', (t) => {
  for (let id = 1; id < RECORD_LAYOUTS.length; id++) {
    const keys = RECORD_LAYOUTS[id]!;
    // Values of every kind, one per key, nested objects included.
    const samples: unknown[] = ['s', 1.5, -0, null, undefined, true, [1, 'a'], { deep: { x: 1 } }, order, 2 ** 40, '', -7];
    const value = Object.fromEntries(keys.map((key, i) => [key, samples[i % samples.length]]));
    const bytes = Buffer.from(codec.encodeValue(value));
    t.deepEqual([...bytes.subarray(0, 3)], [0xd4, RECORD_EXTENSION_TYPE, 0], keys.join(','));
    t.is(bytes.readUInt16BE(7), id);
    const back = codec.decodeValue(bytes) as Record<string, unknown>;
    t.deepEqual(Object.keys(back), [...keys]);
    t.deepEqual(back, value);
    keys.forEach((key, i) => typeof value[key] === 'object' || t.true(Object.is(back[key], value[key]), `${key} at ${i}`)); // -0 stays -0
    // No key names in the bytes.
    t.false(keys.some((key) => key.length > 3 && bytes.includes(Buffer.from(key))), keys.join(','));
  }
});

test('records are much smaller than maps and nest inside maps, arrays and each other', (t) => {
  const bytes = codec.encodeValue(opened);
  const asMap = plainPackr.pack(opened);
  t.true(bytes.byteLength < asMap.byteLength * 0.6, `${bytes.byteLength} against ${asMap.byteLength}`);
  t.deepEqual(codec.decodeValue(bytes), opened);
  const wrapped = { batch: [opened, { kind: 'report', report: { kind: 'fill', clientOrderId: 'n1-7-1a', fill }, time: 5 }], note: 'x' };
  const back = codec.decodeValue(codec.encodeValue(wrapped));
  t.deepEqual(back, wrapped);
  t.is(JSON.stringify(back), JSON.stringify(wrapped), 'keys in their order');
});

test('objects that are no layout stay maps, byte for byte as msgpackr writes them', (t) => {
  const { venue: _venue, ...fewer } = fill;
  const values = [
    { ...fill, extra: 1 }, // a key more
    fewer, // a key less
    { portfolioId: 'p1', clientOrderId: 'x', kind: 'closed' }, // the keys of a layout in another order
    { kind: 'report' }, // a layout's first key only
    {},
    { node: 'n1' },
    [{ path: '/risk' }],
  ];
  for (const value of values) t.deepEqual(Buffer.from(codec.encodeValue(value)), Buffer.from(plainPackr.pack(value)), JSON.stringify(value));
  // Inside a record, a non-layout object is a map, and the record is still a record.
  const mixed = { ...opened, riskRef: { path: '/risk', extra: true } };
  const bytes = Buffer.from(codec.encodeValue(mixed));
  t.is(bytes[1], RECORD_EXTENSION_TYPE);
  t.deepEqual(codec.decodeValue(bytes), mixed);
});

test('envelopes on the wire never use records', (t) => {
  const frame = Buffer.from(codec.encodeEnvelope({ type: 'demo.event', version: 1, id: 'm1', body: opened }));
  t.false(frame.includes(Buffer.from([0xd4, RECORD_EXTENSION_TYPE, 0])));
  t.true(frame.includes(Buffer.from('tokenId')));
  t.deepEqual(codec.decodeEnvelope(frame).body, opened);
});

test('a record of an unknown layout, or with the wrong number of values, is a typed decode error', (t) => {
  const record = (id: number, values: unknown[]): Buffer => Buffer.concat([Buffer.from([0xd4, RECORD_EXTENSION_TYPE, 0]), plainPackr.pack([id, ...values])]);
  t.throws(() => codec.decodeValue(record(RECORD_LAYOUTS.length + 100, [1])), { instanceOf: MalformedMessageError, message: /unknown record layout/ });
  t.throws(() => codec.decodeValue(record(0, [])), { instanceOf: MalformedMessageError, message: /unknown record layout/ });
  t.throws(() => codec.decodeValue(record(5, ['report'])), { instanceOf: MalformedMessageError, message: /has 3 keys, the record 1 values/ });
  t.throws(() => codec.decodeValue(Buffer.concat([Buffer.from([0xd4, RECORD_EXTENSION_TYPE, 0]), plainPackr.pack('x')])), { instanceOf: MalformedMessageError });
  // A record written today decodes to the same event (these bytes are what a journal holds).
  const stored = 'd44c00dc0004cd0005a67265706f7274d44c00dc0005cd0006a86163636570746564a26931a276310101';
  t.deepEqual(codec.decodeValue(Buffer.from(stored, 'hex')), { kind: 'report', report: { kind: 'accepted', clientOrderId: 'i1', venueOrderId: 'v1', time: 1 }, time: 1 });
});

test('deep nesting of objects that share a layout\'s first keys is written once per level, not once per level and failed guess', (t) => {
  // `kind, fill` is a layout and `kind, fill, z` is not: a writer that wrote the values before it knew would
  // write each level twice, 2^60 times in all here; this one decides from the keys first.
  let value: Record<string, unknown> = { kind: 'leaf', fill: 0 };
  for (let i = 0; i < 60; i++) value = { kind: 'node', fill: value, z: i };
  const bytes = codec.encodeValue(value);
  t.deepEqual(codec.decodeValue(bytes), value);
  const leafLayout = RECORD_LAYOUTS.findIndex((keys) => keys?.join(',') === 'kind,fill');
  const recordHeader = Buffer.from([0xd4, RECORD_EXTENSION_TYPE, 0, 0xdc, 0, 3, 0xcd, 0, leafLayout]);
  t.is(Buffer.from(bytes).indexOf(recordHeader), Buffer.from(bytes).lastIndexOf(recordHeader), 'one record');
  t.true(Buffer.from(bytes).includes(recordHeader), 'the innermost object, whose keys are a layout\'s, is a record');
});

test('a getter that changes the object\'s keys while it is written cannot make a record that lies about them', (t) => {
  const event: Record<string, unknown> = { kind: 'closed', portfolioId: 'p1' };
  Object.defineProperty(event, 'clientOrderId', { enumerable: true, configurable: true, get: () => 'c1' });
  Object.defineProperty(event, 'portfolioId', { enumerable: true, configurable: true, get() { delete (event as { clientOrderId?: string }).clientOrderId; return 'p1'; } });
  const back = codec.decodeValue(codec.encodeValue(event)) as Record<string, unknown>;
  t.deepEqual(back, { kind: 'closed', portfolioId: 'p1' });
});
