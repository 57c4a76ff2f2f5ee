import { NonCanonicalValueError } from './errors.js';

/** A value `canonicalEncode` accepts: JSON-like data with finite numbers. */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

function encode(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NonCanonicalValueError(path, `${value} is not a finite number`);
      // ECMAScript Number::toString is the shortest round-trip form and fully specified; -0 prints as 0.
      return String(value);
    case 'undefined':
      return undefined;
    case 'object': {
      if (seen.has(value)) throw new NonCanonicalValueError(path, 'cycle');
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = `[${value.map((v, i) => encode(v, `${path}[${i}]`, seen) ?? 'null').join(',')}]`;
      } else {
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) throw new NonCanonicalValueError(path, 'not a plain object');
        const parts: string[] = [];
        for (const key of Object.keys(value).sort()) {
          const encoded = encode((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
          if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
        }
        out = `{${parts.join(',')}}`;
      }
      seen.delete(value);
      return out;
    }
    default:
      throw new NonCanonicalValueError(path, `a ${typeof value} cannot be encoded`);
  }
}

/**
 * A deterministic textual encoding: JSON with object keys sorted by UTF-16 code units, no whitespace,
 * keys whose value is `undefined` omitted, strings as `JSON.stringify` writes them and numbers in
 * ECMAScript's shortest round-trip form (`0.1`, `1e+21`, `-0` as `0`). Non-finite numbers, cycles,
 * class instances, functions and bigints throw `NonCanonicalValueError`. Two values that are equal as
 * data encode to the same text whatever their key order.
 */
export function canonicalEncode(value: CanonicalValue): string {
  return encode(value, '$', new Set()) ?? 'null';
}

/** `canonicalEncode` as UTF-8 bytes: the bytes that approval tokens sign. */
export function canonicalBytes(value: CanonicalValue): Buffer {
  return Buffer.from(canonicalEncode(value), 'utf8');
}
