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

/**
 * `value` frozen, as a flat record: itself when it is frozen and holds no objects (already immutable),
 * a deep-frozen copy when it holds objects, else a frozen shallow copy. The copy is made key by key, not
 * spread: V8 freezes an object built this way through a cached map transition and a spread copy through
 * a slow path (about ten times the cost, a microsecond per order). Assigning `__proto__` would set the
 * copy's prototype instead of copying the key, so such a record is spread.
 */
export function frozenRecord<T extends object>(value: T): T {
  const record = value as Record<string, unknown>;
  if (!isFlat(record)) return deepFreeze({ ...value });
  // An order passes here three or four times on its way (validation, approval, OMS, venue), frozen after the first.
  if (Object.isFrozen(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key in record) {
    if (!hasOwnProperty.call(record, key)) continue;
    if (key === '__proto__') return Object.freeze({ ...value });
    copy[key] = record[key];
  }
  return Object.freeze(copy) as T;
}

/**
 * Whether no own enumerable value of `record` is an object. Keys by for...in: no key array per call; and
 * `hasOwnProperty.call` inside it, which V8 answers from the enum cache (`Object.hasOwn` there: 5x slower).
 */
function isFlat(record: Record<string, unknown>): boolean {
  for (const key in record) {
    if (!hasOwnProperty.call(record, key)) continue;
    const item = record[key];
    if (typeof item === 'object' && item !== null) return false;
  }
  return true;
}

const hasOwnProperty = Object.prototype.hasOwnProperty;
