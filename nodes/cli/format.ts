/**
 * Output helpers of the `bifrost` CLI: aligned tables, colour only on a terminal (and never with NO_COLOR),
 * and the units operators read (durations, bytes, rates, times).
 */

/** Colour functions; each is the identity when colour is off. */
export interface Palette {
  readonly enabled: boolean;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

/** A palette that colours when `enabled`. */
export function palette(enabled: boolean): Palette {
  const id = (s: string): string => s;
  return enabled
    ? { enabled, red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
    : { enabled, red: id, green: id, yellow: id, cyan: id, dim: id, bold: id };
}

/** Colour only when the stream is a terminal and NO_COLOR is not set (https://no-color.org). */
export function wantsColour(stream: { readonly isTTY?: boolean } = process.stdout, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** The width of `s` on a terminal (colour codes take none). */
export function visibleWidth(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/**
 * Rows under a header, each column as wide as its widest cell, two spaces apart, no trailing spaces.
 * `align` gives each column's alignment (left by default).
 *
 * @example
 * table(['NODE', 'ACTORS'], [['trading', '42']], ['left', 'right']);
 * // NODE     ACTORS
 * // trading      42
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = [], p: Palette = palette(false)): string {
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - visibleWidth(cell));
        return align[i] === 'right' ? pad + cell : i === cells.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .replace(/\s+$/, '');
  return [p.bold(line(headers)), ...rows.map(line)].join('\n') + '\n';
}

/** `key  value` lines with the values aligned. */
export function keyValues(pairs: readonly (readonly [string, string])[], indent = ''): string {
  const width = Math.max(0, ...pairs.map(([k]) => visibleWidth(k)));
  return pairs.map(([k, v]) => `${indent}${k}${' '.repeat(width - visibleWidth(k))}  ${v}`.replace(/\s+$/, '')).join('\n') + '\n';
}

/** `-` for a value that is not known. */
export const NONE = '-';

/** 850ms, 12.3s, 5m 03s, 2h 05m, 3d 04h. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = ms / 1_000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const two = (n: number): string => String(Math.floor(n)).padStart(2, '0');
  if (s < 3_600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h ${two((s % 3_600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${two((s % 86_400) / 3_600)}h`;
}

/** 512 B, 1.5 KiB, 120.3 MiB, 1.2 GiB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NONE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1_024 && u < units.length - 1) {
    v /= 1_024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** A number with at most `decimals` decimals and thousands separators (1,234.5); `-` when unknown. */
export function formatNumber(n: number | null | undefined, decimals = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  return n.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

/** A fraction as a percentage (0.048 -> 4.8%). */
export function formatPct(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NONE;
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Epoch ms as `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** `s` cut to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  return [...s].length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`;
}
