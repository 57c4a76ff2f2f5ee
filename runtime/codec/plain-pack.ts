import { UnencodableValueError } from './errors.js';
import { MAX_NESTING_DEPTH, NEGATIVE_ZERO_EXTENSION_TYPE } from './negative-zero.js';
import { layoutOf, RECORD_EXTENSION_TYPE, RECORD_LAYOUTS } from './record-layouts.js';

/**
 * A one-pass MessagePack writer for the values the codec meets on the hot path: plain objects
 * (constructor `Object`), plain arrays, strings, numbers, booleans, null and undefined. It writes
 * exactly the bytes the codec's msgpackr `Packr` (`useRecords: false`, default map mode) writes for
 * such a value after {@link protectNegativeZero}, so the wire format is unchanged; what it saves is
 * the separate -0 scan and msgpackr's per-call and per-key overhead. -0 becomes the marker
 * extension as it is written, and nesting beyond {@link MAX_NESTING_DEPTH} is refused as it is met.
 *
 * Anything else (a Date, binary, Map, Set, class instance, bigint, function, symbol, an object
 * with its own `hasOwnProperty`, a map over 65535 keys) makes {@link packPlain} give up and return
 * `undefined`, and the caller packs the value with msgpackr as before. msgpackr's choices ported
 * here: maps are always map16 (`0xde`, the fast-map mode); unsigned integers below 0x80 are one
 * byte (records off); other non-integers are float64; undefined is fixext1 type 0; strings shorter
 * than 64 UTF-16 units are encoded as msgpackr's own loop does (a lone surrogate as three bytes),
 * longer ones as `Buffer#utf8Write` does (a lone surrogate as U+FFFD).
 *
 * With `records`, an object whose keys are one of the record layouts (./record-layouts.ts) is written as
 * a record instead of a map: the keys' names are left out. msgpackr decodes it to the same object.
 */

const GIVE_UP = 1;
/** Bytes a record's header takes: the extension tag (3), an array16 header (3), the layout id as a uint16 (3). */
const RECORD_HEADER_BYTES = 9;
const objectHasOwnProperty = Object.prototype.hasOwnProperty;

const CHUNK = 8192;
let target = Buffer.allocUnsafeSlow(CHUNK);
/** `target` as a DataView, for doubles: `setFloat64` is compiled inline, `Buffer#writeDoubleBE` is a call that copies byte by byte. */
let view = viewOf(target);
let position = 0;
let start = 0;
let safeEnd = 0;
let busy = false;
/** Whether this call writes records (see `packPlain`). */
let records = false;

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
}

function makeRoom(end: number): void {
  const used = position - start;
  const size = Math.max(CHUNK, 2 ** Math.ceil(Math.log2(end - start + 16 + 4096)));
  const next = Buffer.allocUnsafeSlow(size);
  target.copy(next, 0, start, position);
  target = next;
  view = viewOf(next);
  start = 0;
  position = used;
  safeEnd = size - 16;
}

/**
 * The packed bytes of `value`, or `undefined` when it holds something outside the plain subset
 * (then nothing is kept). Throws {@link UnencodableValueError} for nesting beyond
 * {@link MAX_NESTING_DEPTH}; errors thrown by getters propagate.
 */
export function packPlain(value: unknown, withRecords = false): Buffer | undefined {
  // A getter that encodes again would write over this call's bytes: the inner call gives up.
  if (busy) return undefined;
  busy = true;
  records = withRecords;
  try {
    if (target.length - position < 0x800) {
      target = Buffer.allocUnsafeSlow(CHUNK);
      view = viewOf(target);
      position = 0;
    }
    start = position;
    safeEnd = target.length - 16;
    if (write(value, 0) === GIVE_UP) {
      position = start;
      return undefined;
    }
    return target.subarray(start, position);
  } catch (error) {
    position = start;
    throw error;
  } finally {
    busy = false;
  }
}

function write(value: unknown, depth: number): number {
  if (position > safeEnd) makeRoom(position + 16);
  switch (typeof value) {
    case 'string':
      writeString(value);
      return 0;
    case 'number':
      writeNumber(value);
      return 0;
    case 'object':
      if (value === null) {
        target[position++] = 0xc0;
        return 0;
      }
      return writeObject(value, depth);
    case 'boolean':
      target[position++] = value ? 0xc3 : 0xc2;
      return 0;
    case 'undefined':
      target[position++] = 0xd4;
      target[position++] = 0;
      target[position++] = 0;
      return 0;
    default:
      return GIVE_UP;
  }
}

function writeObject(value: object, depth: number): number {
  const constructor = value.constructor;
  if (constructor === Object) {
    // msgpackr walks for...in and keeps keys that `value.hasOwnProperty` accepts: the same keys in
    // the same order as Object.keys, as long as hasOwnProperty is the built-in one.
    if ((value as { hasOwnProperty?: unknown }).hasOwnProperty !== objectHasOwnProperty) return GIVE_UP;
    if (depth > MAX_NESTING_DEPTH) throw tooDeep();
    const layout = records ? layoutOf(value) : undefined;
    if (layout !== undefined) return writeRecord(value, layout, depth);
    // The count goes in after the keys: for...in walks V8's enum cache, Object.keys copies it into a new array.
    const header = position - start;
    position += 3;
    let length = 0;
    for (const key in value) {
      if (!objectHasOwnProperty.call(value, key)) continue;
      length++;
      if (position > safeEnd) makeRoom(position + 16);
      writeString(key);
      if (write((value as Record<string, unknown>)[key], depth + 1) === GIVE_UP) return GIVE_UP;
    }
    if (length > 0xffff) return GIVE_UP; // msgpackr's fast maps refuse this; let it say so
    const at = start + header;
    target[at] = 0xde;
    target[at + 1] = length >> 8;
    target[at + 2] = length & 0xff;
    return 0;
  }
  if (constructor === Array) {
    if (depth > MAX_NESTING_DEPTH) throw tooDeep();
    const array = value as unknown[];
    const length = array.length;
    if (length < 0x10) target[position++] = 0x90 | length;
    else writeSized(length, 0xdc, 0xdd); // array16, array32
    for (let i = 0; i < length; i++) if (write(array[i], depth + 1) === GIVE_UP) return GIVE_UP;
    return 0;
  }
  return GIVE_UP;
}

/**
 * Writes `value`, whose keys are those of `layout` (`layoutOf`), as a record: the header, then the values in
 * key order. Room for the header is there: `write` leaves 16 bytes past `position`.
 */
function writeRecord(value: object, layout: number, depth: number): number {
  const length = RECORD_LAYOUTS[layout]!.length + 1;
  const out = target;
  out[position] = 0xd4;
  out[position + 1] = RECORD_EXTENSION_TYPE;
  out[position + 2] = 0;
  out[position + 3] = 0xdc;
  out[position + 4] = length >> 8;
  out[position + 5] = length & 0xff;
  out[position + 6] = 0xcd;
  out[position + 7] = layout >> 8;
  out[position + 8] = layout & 0xff;
  position += RECORD_HEADER_BYTES;
  let values = 0;
  for (const key in value) {
    if (!objectHasOwnProperty.call(value, key)) continue;
    values++;
    if (write((value as Record<string, unknown>)[key], depth + 1) === GIVE_UP) return GIVE_UP;
  }
  // A getter that added or deleted keys meanwhile: the header would lie; let msgpackr write the value.
  return values === length - 1 ? 0 : GIVE_UP;
}

/** `tag16` and `n` as a big-endian uint16 when it fits, else `tag32` and a uint32: msgpack's 16- and 32-bit forms. */
function writeSized(n: number, tag16: number, tag32: number): void {
  if (n < 0x10000) {
    target[position++] = tag16;
    target[position++] = n >> 8;
    target[position++] = n & 0xff;
  } else {
    target[position++] = tag32;
    view.setUint32(position, n);
    position += 4;
  }
}

function tooDeep(): UnencodableValueError {
  return new UnencodableValueError(`nesting deeper than ${MAX_NESTING_DEPTH} levels (a cycle?)`);
}

function writeNumber(value: number): void {
  if (value >>> 0 === value) {
    if (value === 0 && 1 / value < 0) {
      // -0: the marker extension, as msgpackr writes it (ext8, length 0).
      target[position++] = 0xc7;
      target[position++] = 0;
      target[position++] = NEGATIVE_ZERO_EXTENSION_TYPE;
    } else if (value < 0x80) {
      target[position++] = value;
    } else if (value < 0x100) {
      target[position++] = 0xcc;
      target[position++] = value;
    } else {
      writeSized(value, 0xcd, 0xce); // uint16, uint32
    }
  } else if (value >> 0 === value) {
    if (value >= -0x20) {
      target[position++] = 0x100 + value;
    } else if (value >= -0x80) {
      target[position++] = 0xd0;
      target[position++] = value + 0x100;
    } else if (value >= -0x8000) {
      target[position++] = 0xd1;
      target.writeInt16BE(value, position);
      position += 2;
    } else {
      target[position++] = 0xd2;
      target.writeInt32BE(value, position);
      position += 4;
    }
  } else {
    target[position++] = 0xcb;
    view.setFloat64(position, value);
    position += 8;
  }
}

/** The string header for `bytes` UTF-8 bytes: fixstr, str8, str16 or str32. */
function headerSizeFor(bytes: number): number {
  return bytes < 0x20 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5;
}

/**
 * Writes `text` as UTF-8 at `at` and returns the bytes written. Below 64 UTF-16 units a lone surrogate
 * is written as its own three bytes, as msgpackr's inline encoder does; from 64 on, as U+FFFD, as
 * `Buffer#write` (which msgpackr uses there) does. Room for three bytes per unit is the caller's.
 */
function writeUtf8(text: string, at: number): number {
  const out = target;
  const keepLone = text.length < 0x40;
  let p = at;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[p++] = code;
      continue;
    }
    if (code < 0x800) {
      out[p++] = 0xc0 | (code >> 6);
      out[p++] = 0x80 | (code & 0x3f);
      continue;
    }
    if ((code & 0xfc00) === 0xd800 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if ((low & 0xfc00) === 0xdc00) {
        const point = 0x10000 + ((code & 0x3ff) << 10) + (low & 0x3ff);
        i++;
        out[p++] = 0xf0 | (point >> 18);
        out[p++] = 0x80 | ((point >> 12) & 0x3f);
        out[p++] = 0x80 | ((point >> 6) & 0x3f);
        out[p++] = 0x80 | (point & 0x3f);
        continue;
      }
    }
    if (!keepLone && (code & 0xf800) === 0xd800) code = 0xfffd;
    out[p++] = 0xe0 | (code >> 12);
    out[p++] = 0x80 | ((code >> 6) & 0x3f);
    out[p++] = 0x80 | (code & 0x3f);
  }
  return p - at;
}

/**
 * Writes a string: the bytes go after a header sized for the worst case (three bytes per unit), and
 * move back when the real length needs a smaller header, so a short string is encoded only once.
 * Strings of 256 units and more go through `Buffer#write`.
 */
function writeString(text: string): void {
  const units = text.length;
  if (units < 0x20 && position + 1 + units <= safeEnd) {
    // Short and (almost always) ASCII, as keys and ids are: one byte per unit under a fixstr header, no
    // move afterwards. The first unit outside ASCII sends it to the general path below, which rewrites it.
    const out = target;
    let p = position + 1;
    let i = 0;
    for (; i < units; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      out[p++] = code;
    }
    if (i === units) {
      out[position] = 0xa0 | units;
      position = p;
      return;
    }
  }
  const reserved = headerSizeFor(units * 3);
  if (position + reserved + units * 3 > safeEnd) makeRoom(position + reserved + units * 3 + 16);
  const bytes = units < 0x100
    ? writeUtf8(text, position + reserved)
    : target.write(text, position + reserved, target.length - position - reserved, 'utf8');
  const header = headerSizeFor(bytes);
  if (header !== reserved) target.copyWithin(position + header, position + reserved, position + reserved + bytes);
  if (header === 1) {
    target[position] = 0xa0 | bytes;
  } else if (header === 2) {
    target[position] = 0xd9;
    target[position + 1] = bytes;
  } else if (header === 3) {
    target[position] = 0xda;
    target[position + 1] = bytes >> 8;
    target[position + 2] = bytes & 0xff;
  } else {
    target[position] = 0xdb;
    target.writeUInt32BE(bytes, position + 1);
  }
  position += header + bytes;
}
