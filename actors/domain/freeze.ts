/**
 * Freezes a plain-data value and everything it holds, in place, and returns it. Messages on the order
 * path are deep-frozen so that no actor can change what another actor received.
 */
export function deepFreeze<T>(value: T): T {
  try {
    freezeInto(value, 0);
  } finally {
    deep.clear();
  }
  return value;
}

/** Levels frozen without bookkeeping: messages are shallow. Deeper, shared and cyclic values are tracked. */
const SHALLOW_LEVELS = 8;
const deep = new Set<object>();

function freezeInto(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= SHALLOW_LEVELS) {
    if (deep.has(value)) return;
    deep.add(value);
  }
  Object.freeze(value);
  for (const key of Object.keys(value)) freezeInto((value as Record<string, unknown>)[key], depth + 1);
}
