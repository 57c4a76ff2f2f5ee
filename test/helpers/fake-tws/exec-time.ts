/** Execution times as TWS writes them (`20240102 09:30:01 America/New_York`) and reads filters (`20240102-14:30:01`, UTC). */

/** `yyyyMMdd HH:mm:ss <zone>` in the given IANA zone. */
export function formatExecTime(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}${part('month')}${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${timeZone}`;
}

/** A REQ_EXECUTIONS time filter, `yyyyMMdd-HH:mm:ss` in UTC, as epoch ms; `undefined` when empty or unreadable. */
export function parseFilterTime(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
