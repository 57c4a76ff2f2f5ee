import { InvalidStrategyParamsError } from './errors.js';

/** One numeric parameter: its bounds, whether it is an integer, its default and what it means. */
export interface NumberParam {
  readonly kind: 'int' | 'number';
  readonly min?: number;
  readonly max?: number;
  readonly default: number;
  readonly description: string;
}

export type ParamSpec = Readonly<Record<string, NumberParam>>;
export type ParamsOf<S extends ParamSpec> = { readonly [K in keyof S]: number };

/** An integer parameter. */
export function int(description: string, options: { default: number; min?: number; max?: number }): NumberParam {
  return Object.freeze({ kind: 'int', description, ...options });
}

/** A real-valued parameter. */
export function num(description: string, options: { default: number; min?: number; max?: number }): NumberParam {
  return Object.freeze({ kind: 'number', description, ...options });
}

/**
 * A strategy's parameters: each field's spec plus checks across fields. `parse` takes `unknown` (config,
 * a CLI grid, a UI form), fills defaults, rejects unknown keys, and reports every problem at once.
 *
 * @example
 * const params = defineParams('sma-cross', {
 *   fast: int('fast moving-average length, bars', { default: 10, min: 1 }),
 *   slow: int('slow moving-average length, bars', { default: 30, min: 2 }),
 * }, (p) => (p.fast < p.slow ? [] : [`fast (${p.fast}) must be less than slow (${p.slow})`]));
 */
export class ParamsDefinition<S extends ParamSpec> {
  constructor(
    readonly strategy: string,
    readonly spec: S,
    readonly cross: (params: ParamsOf<S>) => string[] = () => [],
  ) {}

  get defaults(): ParamsOf<S> {
    return Object.freeze(Object.fromEntries(Object.entries(this.spec).map(([k, p]) => [k, p.default]))) as ParamsOf<S>;
  }

  /** Every problem with `input`, each naming its field; empty when valid. */
  problems(input: unknown): string[] {
    const problems: string[] = [];
    if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) return [`params must be an object, got ${JSON.stringify(input)}`];
    const given = (input ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(given)) if (!(key in this.spec)) problems.push(`${key}: unknown parameter (known: ${Object.keys(this.spec).join(', ')})`);
    for (const [key, p] of Object.entries(this.spec)) {
      const v = given[key] ?? p.default;
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${key}: must be a finite number, got ${JSON.stringify(v)}`);
      else if (p.kind === 'int' && !Number.isInteger(v)) problems.push(`${key}: must be an integer, got ${v}`);
      else if (p.min !== undefined && v < p.min) problems.push(`${key}: must be >= ${p.min}, got ${v}`);
      else if (p.max !== undefined && v > p.max) problems.push(`${key}: must be <= ${p.max}, got ${v}`);
    }
    if (problems.length === 0) problems.push(...this.cross({ ...this.defaults, ...given } as ParamsOf<S>));
    return problems;
  }

  /** Validated params with defaults filled in; throws InvalidStrategyParamsError listing every problem. */
  parse(input: unknown): ParamsOf<S> {
    const problems = this.problems(input);
    if (problems.length > 0) throw new InvalidStrategyParamsError(this.strategy, problems);
    return Object.freeze({ ...this.defaults, ...(input as object) }) as ParamsOf<S>;
  }
}

export function defineParams<S extends ParamSpec>(strategy: string, spec: S, cross?: (params: ParamsOf<S>) => string[]): ParamsDefinition<S> {
  return new ParamsDefinition(strategy, spec, cross);
}
