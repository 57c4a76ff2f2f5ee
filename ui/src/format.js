// Number and time formatting: fixed decimals, thousands separators, signs on P&L.
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const num4 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 4 });

const ok = (v) => typeof v === 'number' && Number.isFinite(v);

export const fmt = {
  money: (v) => (ok(v) ? money.format(v) : '—'),
  signedMoney: (v) => (ok(v) ? `${v > 0 ? '+' : ''}${money.format(v)}` : '—'),
  price: (v) => (ok(v) ? money.format(v) : '—'),
  qty: (v) => (ok(v) ? int.format(v) : '—'),
  num: (v, digits = 2) => (ok(v) ? v.toFixed(digits) : '—'),
  param: (v) => (ok(v) ? num4.format(v) : '—'),
  pct: (v, digits = 2) => (ok(v) ? `${(v * 100).toFixed(digits)}%` : '—'),
  signedPct: (v, digits = 2) => (ok(v) ? `${v > 0 ? '+' : ''}${(v * 100).toFixed(digits)}%` : '—'),
  date: (ms) => (ok(ms) ? new Date(ms).toISOString().slice(0, 10) : '—'),
  clock: (ms) => (ok(ms) ? new Date(ms).toISOString().slice(11, 19) : '—'),
  duration: (ms) => (!ok(ms) ? '—' : ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`),
};

/** `up` for gains, `down` for losses. */
export function pnlClass(v) {
  return !ok(v) || v === 0 ? '' : v > 0 ? 'up' : 'down';
}

/** A value in the unit of a limit row. */
export function byUnit(v, unit) {
  if (unit === 'money') return fmt.money(v);
  if (unit === 'pct') return fmt.pct(v, 1);
  return fmt.qty(v);
}
