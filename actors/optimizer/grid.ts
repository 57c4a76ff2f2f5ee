import type { ParamsDefinition, ParamSpec } from '../strategy/params.js';
import { InvalidGridError } from './errors.js';

/** An inclusive range `from..to` in steps of `step` (default 1). */
export interface RangeSpec {
  readonly from: number;
  readonly to: number;
  readonly step?: number;
}

/**
 * A grid as a user writes it: the CLI text `fast=5..50:5,slow=20..200:10,notional=10000`, or an object whose
 * values are a number, a list of numbers or a `RangeSpec`. Parameters left out take the strategy's default.
 */
export type GridInput = string | Readonly<Record<string, number | readonly number[] | RangeSpec>>;

/** A checked grid: the values of every parameter the strategy has, in the strategy's parameter order. */
export type Grid = Readonly<Record<string, readonly number[]>>;

/** The combinations of a grid that pass the strategy's cross-field checks, as a row-major table. */
export interface ExpandedGrid {
  readonly strategy: string;
  /** Parameter names, in the strategy's order: the columns of `values`. */
  readonly names: readonly string[];
  /** `combos × names.length` values; row `i` is combination `i`. */
  readonly values: Float64Array;
  readonly combos: number;
  /** Combinations the strategy's cross-field checks ruled out (e.g. fast >= slow). */
  readonly skipped: number;
}

/** Most combinations one sweep may hold (about 40 MB of parameters on the host for 5 parameters). */
export const DEFAULT_MAX_GRID_COMBOS = 5_000_000;
/** Most values one parameter's range may expand to. */
export const MAX_VALUES_PER_PARAM = 100_000;

const RANGE = /^(-?[\d.]+(?:e[-+]?\d+)?)\s*\.\.\s*(-?[\d.]+(?:e[-+]?\d+)?)(?:\s*:\s*(-?[\d.]+(?:e[-+]?\d+)?))?$/i;

/** `1e-12`-free decimal: `0.1 * 3` gives 0.3, not 0.30000000000000004. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

function expandRange(name: string, from: number, to: number, step: number, problems: string[]): number[] {
  const text = `${from}..${to}:${step}`;
  if (![from, to, step].every(Number.isFinite)) {
    problems.push(`${name}: range ${text} must use finite numbers`);
    return [];
  }
  if (!(step > 0)) {
    problems.push(`${name}: step must be > 0 in ${text}`);
    return [];
  }
  if (from > to) {
    problems.push(`${name}: empty range ${text} (from > to)`);
    return [];
  }
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_VALUES_PER_PARAM) {
    problems.push(`${name}: range ${text} has ${count} values, more than ${MAX_VALUES_PER_PARAM}`);
    return [];
  }
  return Array.from({ length: count }, (_, i) => clean(from + i * step));
}

function parseValueText(name: string, text: string, problems: string[]): number[] {
  const range = RANGE.exec(text);
  if (range !== null) return expandRange(name, Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3]), problems);
  const parts = text.split('|').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p.length === 0) || values.some((v) => !Number.isFinite(v))) {
    problems.push(`${name}: cannot read ${JSON.stringify(text)}; write a number, a list a|b|c, or a range from..to[:step]`);
    return [];
  }
  return values;
}

/**
 * Reads the CLI grid syntax: comma-separated `name=spec`, where spec is `from..to[:step]` (step 1 by
 * default), `a|b|c` or a single number. Throws InvalidGridError listing every problem.
 *
 * @example
 * parseGridText('sma-cross', 'fast=5..50:5,slow=20..200:10') // { fast: [5, 10, …, 50], slow: [20, 30, …, 200] }
 */
export function parseGridText(strategy: string, text: string): Record<string, number[]> {
  const problems: string[] = [];
  const out: Record<string, number[]> = {};
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) problems.push('the grid is empty; write e.g. fast=5..50:5,slow=20..200:10');
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq).trim();
    if (eq < 0 || name.length === 0) {
      problems.push(`${JSON.stringify(entry)}: expected name=values`);
      continue;
    }
    if (name in out) {
      problems.push(`${name}: given twice`);
      continue;
    }
    out[name] = parseValueText(name, entry.slice(eq + 1).trim(), problems);
  }
  if (problems.length > 0) throw new InvalidGridError(strategy, problems);
  return out;
}

function valuesOf(name: string, raw: unknown, problems: string[]): number[] {
  if (typeof raw === 'number') return [raw];
  if (Array.isArray(raw)) {
    if (raw.length === 0) problems.push(`${name}: empty list`);
    return raw.map((v) => (typeof v === 'number' ? v : Number.NaN));
  }
  if (typeof raw === 'object' && raw !== null && 'from' in raw && 'to' in raw) {
    const r = raw as RangeSpec;
    return expandRange(name, Number(r.from), Number(r.to), r.step === undefined ? 1 : Number(r.step), problems);
  }
  problems.push(`${name}: expected a number, a list of numbers or { from, to, step }, got ${JSON.stringify(raw)}`);
  return [];
}

/**
 * Checks a grid against a strategy's parameters: names must be known, values finite, integers where the
 * parameter is an integer, within its bounds. Parameters left out get their default. Throws
 * InvalidGridError naming every parameter at fault.
 */
export function normalizeGrid<S extends ParamSpec>(definition: ParamsDefinition<S>, input: GridInput): Grid {
  const raw = typeof input === 'string' ? parseGridText(definition.strategy, input) : input;
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidGridError(definition.strategy, [`the grid must be an object or text, got ${JSON.stringify(raw)}`]);
  const known = Object.keys(definition.spec);
  for (const name of Object.keys(raw)) if (!known.includes(name)) problems.push(`${name}: unknown parameter of ${definition.strategy} (known: ${known.join(', ')})`);
  const grid: Record<string, number[]> = {};
  for (const name of known) {
    const p = definition.spec[name]!;
    const given = (raw as Record<string, unknown>)[name];
    const values = given === undefined ? [p.default] : valuesOf(name, given, problems);
    for (const v of values) {
      if (!Number.isFinite(v)) problems.push(`${name}: ${v} is not a finite number`);
      else if (p.kind === 'int' && !Number.isInteger(v)) problems.push(`${name}: ${v} is not an integer`);
      else if (p.min !== undefined && v < p.min) problems.push(`${name}: ${v} is below the minimum ${p.min}`);
      else if (p.max !== undefined && v > p.max) problems.push(`${name}: ${v} is above the maximum ${p.max}`);
    }
    grid[name] = [...new Set(values)];
  }
  if (problems.length > 0) throw new InvalidGridError(definition.strategy, problems);
  return Object.freeze(grid);
}

/**
 * Every combination of a checked grid (first parameter outermost) that passes the strategy's cross-field
 * checks. Throws InvalidGridError when the grid is larger than `maxCombos` or when no combination is valid,
 * quoting the check that failed (`fast (50) must be less than slow (20)`).
 */
export function expandGrid<S extends ParamSpec>(definition: ParamsDefinition<S>, grid: Grid, maxCombos = DEFAULT_MAX_GRID_COMBOS): ExpandedGrid {
  const names = Object.keys(definition.spec);
  const lists = names.map((n) => grid[n]!);
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (total > maxCombos) {
    throw new InvalidGridError(definition.strategy, [`${total.toLocaleString('en-US')} combinations (${names.map((n, i) => `${n}: ${lists[i]!.length}`).join(' × ')}) exceed the limit of ${maxCombos.toLocaleString('en-US')}`]);
  }
  const width = names.length;
  const values = new Float64Array(total * width);
  const index = new Array<number>(width).fill(0);
  const params: Record<string, number> = {};
  let combos = 0;
  let firstProblem: string | undefined;
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < width; j++) params[names[j]!] = lists[j]![index[j]!]!;
    const problems = definition.cross(params as never);
    if (problems.length === 0) {
      for (let j = 0; j < width; j++) values[combos * width + j] = params[names[j]!]!;
      combos++;
    } else firstProblem ??= problems.join('; ');
    for (let j = width - 1; j >= 0; j--) {
      if (++index[j]! < lists[j]!.length) break;
      index[j] = 0;
    }
  }
  if (combos === 0) throw new InvalidGridError(definition.strategy, [`no valid combination among ${total}: ${firstProblem}`]);
  return { strategy: definition.strategy, names, values: values.slice(0, combos * width), combos, skipped: total - combos };
}

/** Combination `i` of an expanded grid as a params object. */
export function comboParams(grid: ExpandedGrid, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  grid.names.forEach((n, j) => (out[n] = grid.values[i * grid.names.length + j]!));
  return out;
}
