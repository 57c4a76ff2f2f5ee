/**
 * Freezes a plain-data value and everything it holds, in place, and returns it. Messages on the order
 * path are deep-frozen so that no actor can change what another actor received.
 */
export function deepFreeze<T>(value: T): T {
  freezeInto(value, new WeakSet());
  return value;
}

function freezeInto(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const key of Object.keys(value)) freezeInto((value as Record<string, unknown>)[key], seen);
}
