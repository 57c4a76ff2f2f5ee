const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a CSV date cell to epoch milliseconds (UTC), or returns a string saying what is wrong.
 *
 * - `YYYY-MM-DD` is that day's UTC midnight (a daily bar's open time, by Bifrost's convention).
 * - An ISO timestamp (`2024-01-02T14:30:00Z`, `2024-01-02 09:30:00-05:00`) is that instant; one
 *   without a zone is read as UTC, never as the machine's local time, so results do not depend on TZ.
 */
export function parseCsvDate(cell: string): number | string {
  if (cell.length === 10) return parseDay(cell);
  const m = ISO_TIMESTAMP.exec(cell);
  if (m === null) return `date '${cell}' is neither YYYY-MM-DD nor an ISO timestamp`;
  const day = parseDay(m[1]!);
  if (typeof day === 'string') return day;
  let zone = m[3] ?? 'Z';
  if (zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  else if (zone.length === 3) zone = `${zone}:00`;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone.toUpperCase()}`);
  return Number.isNaN(ms) ? `date '${cell}' is not a valid timestamp` : ms;
}

/** `YYYY-MM-DD` to UTC midnight, checking the calendar (no 2023-02-29). Hand-rolled: it runs once per row. */
function parseDay(s: string): number | string {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return `date '${s}' is not YYYY-MM-DD`;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  if (y < 0 || mo < 0 || d < 0) return `date '${s}' is not YYYY-MM-DD`;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) {
    return `date '${s}' is not a calendar date`;
  }
  return Date.UTC(y, mo - 1, d);
}

function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
