import { canonicalEncode } from '../domain/canonical.js';
import type { CanonicalValue } from '../domain/canonical.js';

/**
 * `canonicalEncode` for the flat records the approval path signs (an order, a token's fields): the same
 * text, without the general encoder's recursion, cycle set and eager error paths. Anything that is not a
 * plain object of strings, finite numbers, booleans and nulls goes to `canonicalEncode`, which also
 * raises its errors.
 */
export function flatCanonical(value: object): string {
  if (Object.getPrototypeOf(value) !== Object.prototype) return canonicalEncode(value as CanonicalValue);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    let encoded: string;
    switch (typeof v) {
      case 'undefined':
        continue;
      case 'string':
        encoded = JSON.stringify(v);
        break;
      case 'number':
        if (!Number.isFinite(v)) return canonicalEncode(value as CanonicalValue);
        encoded = String(v);
        break;
      case 'boolean':
        encoded = v ? 'true' : 'false';
        break;
      default:
        if (v !== null) return canonicalEncode(value as CanonicalValue);
        encoded = 'null';
    }
    out += `${first ? '' : ','}${JSON.stringify(key)}:${encoded}`;
    first = false;
  }
  return `${out}}`;
}
