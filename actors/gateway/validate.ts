/**
 * A small structural validator for the gateway's JSON protocol: schemas are plain functions that append
 * one problem per field at fault (`order.quantity: must be an integer >= 1, got 1.5`), so a client learns
 * everything wrong with a message at once. No dependency; each schema also serves as documentation.
 */

/** Checks `value`, appending a problem (prefixed by `path`) for each thing wrong. */
export interface Schema<T> {
  readonly check: (value: unknown, path: string, problems: string[]) => void;
  /** True for `opt(...)`: an absent field passes. */
  readonly optional?: boolean;
  /** Phantom: the type a passing value has. */
  readonly __type?: T;
}

/** The type a schema accepts. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Most characters of a bad value quoted back in a problem. */
const QUOTE_CHARS = 40;

/** A short rendering of a value for a problem message. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value;
  }
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
}

function at(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

function label(path: string): string {
  return path === '' ? 'message' : path;
}

/** A string, optionally bounded in length, matching a pattern or one of a list. */
export function str(options: { min?: number; max?: number; pattern?: RegExp; oneOf?: readonly string[] } = {}): Schema<string> {
  const { min = 0, max = 1_000, pattern, oneOf } = options;
  return {
    check(value, path, problems) {
      if (typeof value !== 'string') return void problems.push(`${label(path)}: must be a string, got ${quote(value)}`);
      if (oneOf !== undefined) {
        if (!oneOf.includes(value)) problems.push(`${label(path)}: must be one of ${oneOf.join(', ')}, got ${quote(value)}`);
        return;
      }
      if (value.length < min || value.length > max) problems.push(`${label(path)}: must be ${min}..${max} characters, got ${value.length}`);
      else if (pattern !== undefined && !pattern.test(value)) problems.push(`${label(path)}: must match ${pattern.source}, got ${quote(value)}`);
    },
  };
}

/** One of a list of string constants. */
export function literal<const T extends string>(...values: readonly T[]): Schema<T> {
  return str({ oneOf: values }) as Schema<T>;
}

/** A finite number, optionally an integer, within bounds; `gt` is an exclusive lower bound. */
export function num(options: { min?: number; max?: number; gt?: number; integer?: boolean } = {}): Schema<number> {
  const { min, max, gt, integer = false } = options;
  const want = [integer ? 'an integer' : 'a finite number', gt !== undefined ? `> ${gt}` : '', min !== undefined ? `>= ${min}` : '', max !== undefined ? `<= ${max}` : '']
    .filter((s) => s !== '').join(' ');
  return {
    check(value, path, problems) {
      const ok = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value))
        && (gt === undefined || value > gt) && (min === undefined || value >= min) && (max === undefined || value <= max);
      if (!ok) problems.push(`${label(path)}: must be ${want}, got ${quote(value)}`);
    },
  };
}

/** A boolean. */
export function bool(): Schema<boolean> {
  return {
    check(value, path, problems) {
      if (typeof value !== 'boolean') problems.push(`${label(path)}: must be true or false, got ${quote(value)}`);
    },
  };
}

/** A field that may be absent (undefined); present, it must pass `schema`. */
export function opt<T>(schema: Schema<T>): Schema<T | undefined> {
  return { optional: true, check: (value, path, problems) => (value === undefined ? undefined : schema.check(value, path, problems)) };
}

/** `null` or a value passing `schema`. */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return { check: (value, path, problems) => (value === null ? undefined : schema.check(value, path, problems)) };
}

/** An array of at most `max` items, each passing `item`; problems are reported for the first few bad items. */
export function arr<T>(item: Schema<T>, options: { min?: number; max?: number } = {}): Schema<T[]> {
  const { min = 0, max = 10_000 } = options;
  return {
    check(value, path, problems) {
      if (!Array.isArray(value)) return void problems.push(`${label(path)}: must be an array, got ${quote(value)}`);
      if (value.length < min || value.length > max) return void problems.push(`${label(path)}: must hold ${min}..${max} items, got ${value.length}`);
      const before = problems.length;
      for (let i = 0; i < value.length && problems.length - before < 5; i++) item.check(value[i], at(path, i), problems);
    },
  };
}

/** An object whose values all pass `value`, with at most `maxKeys` keys matching `key`. */
export function record<T>(value: Schema<T>, options: { maxKeys?: number; key?: RegExp } = {}): Schema<Record<string, T>> {
  const { maxKeys = 1_000, key } = options;
  return {
    check(input, path, problems) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return void problems.push(`${label(path)}: must be an object, got ${quote(input)}`);
      const entries = Object.entries(input);
      if (entries.length > maxKeys) return void problems.push(`${label(path)}: at most ${maxKeys} keys, got ${entries.length}`);
      for (const [k, v] of entries) {
        if (key !== undefined && !key.test(k)) problems.push(`${label(path)}: key ${quote(k)} must match ${key.source}`);
        else value.check(v, at(path, k), problems);
      }
    },
  };
}

type Fields = Readonly<Record<string, Schema<unknown>>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { optional: true } ? K : undefined extends Infer<F[K]> ? K : never }[keyof F];
type Shape<F extends Fields> = { -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & { -readonly [K in OptionalKeys<F>]?: Infer<F[K]> };

/** An object with exactly these fields (unknown keys are refused, so a typo is not silently ignored). */
export function obj<F extends Fields>(fields: F): Schema<Shape<F>> {
  const known = new Set(Object.keys(fields));
  return {
    check(value, path, problems) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${label(path)}: must be an object, got ${quote(value)}`);
      const input = value as Record<string, unknown>;
      for (const k of Object.keys(input)) if (!known.has(k)) problems.push(`${at(path, k)}: unknown field (known: ${[...known].join(', ')})`);
      for (const [k, schema] of Object.entries(fields)) {
        if (input[k] === undefined && !schema.optional) problems.push(`${at(path, k)}: is required`);
        else schema.check(input[k], at(path, k), problems);
      }
    },
  };
}

/** The outcome of checking a message against a union keyed by `type`. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks a message of a discriminated union: its `type` picks the schema from `byType`.
 *
 * @example
 * const r = checkUnion({ ping: obj({ type: literal('ping') }) }, JSON.parse(text));
 * if (!r.ok) send({ type: 'error', code: 'BAD_MESSAGE', message: r.problems.join('; ') });
 */
export function checkUnion<T>(byType: Readonly<Record<string, Schema<unknown>>>, value: unknown): Checked<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problems: [`message: must be a JSON object, got ${quote(value)}`] };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, problems: [`type: must be a string, got ${quote(type)}`] };
  const schema = Object.hasOwn(byType, type) ? byType[type] : undefined;
  if (schema === undefined) return { ok: false, problems: [`type: unknown message type ${quote(type)} (known: ${Object.keys(byType).join(', ')})`] };
  const problems: string[] = [];
  schema.check(value, '', problems);
  return problems.length === 0 ? { ok: true, value: value as T } : { ok: false, problems };
}
