import { addExtension } from 'msgpackr';
import { UnencodableValueError } from './errors.js';

/**
 * msgpackr writes -0 as the integer 0 (it tests `value >>> 0 === value`), which would silently turn
 * -0 into +0. We find -0 before packing and swap it for a marker that packs as a zero-length
 * extension and unpacks as -0. The extension is registered with msgpackr globally, once.
 */
export const NEGATIVE_ZERO_EXTENSION_TYPE = 0x2d;

/** Nesting deeper than this is refused: it is almost always a cycle, and msgpackr would overflow the stack. */
export const MAX_NESTING_DEPTH = 512;

class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();
const EMPTY = new Uint8Array(0);

addExtension({
  Class: NegativeZero,
  type: NEGATIVE_ZERO_EXTENSION_TYPE,
  pack: () => EMPTY as Buffer,
  unpack: () => -0,
});

function isNegativeZero(v: number): boolean {
  return v === 0 && 1 / v < 0;
}

function containsNegativeZero(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return isNegativeZero(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_NESTING_DEPTH) throw new UnencodableValueError(`nesting deeper than ${MAX_NESTING_DEPTH} levels (a cycle?)`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsNegativeZero(value[i], depth + 1)) return true;
    return false;
  }
  // Binary, dates, maps and sets carry no plain numbers msgpackr would rewrite.
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof Map || value instanceof Set) return false;
  for (const key in value) {
    if (containsNegativeZero((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function replaceNegativeZero(value: unknown, depth: number): unknown {
  if (typeof value === 'number') return isNegativeZero(value) ? NEGATIVE_ZERO : value;
  if (typeof value !== 'object' || value === null) return value;
  // The scan stops at the first -0, so a cycle behind it is only met here.
  if (depth > MAX_NESTING_DEPTH) throw new UnencodableValueError(`nesting deeper than ${MAX_NESTING_DEPTH} levels (a cycle?)`);
  if (Array.isArray(value)) return value.map((item) => replaceNegativeZero(item, depth + 1));
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof Map || value instanceof Set) return value;
  const out: Record<string, unknown> = {};
  // The keys msgpackr writes for an object (own ones, unless hasOwnProperty is not a function), so
  // the copy packs like the original would: an inherited -0 does not add an inherited key.
  const record = value as Record<string, unknown>;
  const ownOnly = typeof record.hasOwnProperty === 'function';
  for (const key in record) {
    if (!ownOnly || record.hasOwnProperty(key)) out[key] = replaceNegativeZero(record[key], depth + 1);
  }
  return out;
}

/**
 * Returns `value` unchanged when it holds no -0 (the common case, no copy), otherwise a copy with
 * every -0 replaced by the marker. Throws {@link UnencodableValueError} for nesting beyond
 * {@link MAX_NESTING_DEPTH}.
 */
export function protectNegativeZero(value: unknown): unknown {
  return containsNegativeZero(value, 0) ? replaceNegativeZero(value, 0) : value;
}
