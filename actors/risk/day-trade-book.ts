import { sideSign } from '../domain/order.js';
import type { DayTrade, DayTradeFill, DayTradeLedger } from './day-trades.js';
import { DAY_TRADE_RETENTION_BUSINESS_DAYS } from './day-trades.js';
import { DIFFERENT_TRADING_DAYS_MS, oldestBusinessDay, tradingDay } from './trading-calendar.js';

// Trading days are worked out exactly as `recordDayTradeFill` always did, but only where the rule needs
// them: an instant's day takes a time-zone conversion (several microseconds inside a busy process), and a
// backtest's fills each fall on a new day.

/** Fills at these times are booked as the ledger always booked them (their days may not format). */
const LAZY_FROM_MS = Date.UTC(1000, 0, 3);
const LAZY_TO_MS = Date.UTC(9999, 11, 29);

/** An opening or increase: its direction, and its trading day, worked out from its time when first read. */
class Opening {
  readonly direction: 1 | -1;
  /** The fill's time, or NaN for an opening restored from a ledger. */
  readonly time: number;
  readonly #timeZone: string;
  #day: string | undefined;

  constructor(direction: 1 | -1, time: number, timeZone: string, day?: string) {
    this.direction = direction;
    this.time = time;
    this.#timeZone = timeZone;
    this.#day = day;
  }

  get day(): string {
    return (this.#day ??= tradingDay(this.time, this.#timeZone));
  }

  /** Whether `time` falls on this opening's trading day. */
  sameDayAs(time: number): boolean {
    // NaN (a restored opening) is never this far from anything, so its day is compared.
    if (Math.abs(time - this.time) >= DIFFERENT_TRADING_DAYS_MS) return false;
    return this.day === tradingDay(time, this.#timeZone);
  }
}

/**
 * The risk engine's working form of one portfolio's `DayTradeLedger`, as `RateCounter` is of the rate
 * state: a fill updates it in place instead of copying the ledger, and the trading day of an opening is
 * found only when something reads it (a reducing fill within four days, the pattern-day-trader check, a
 * snapshot). What it holds is always what `recordDayTradeFill` would have made of the same fills.
 * `view()` is a ledger over the live records (read it, never keep it); `state()` is a frozen plain copy.
 */
export class DayTradeBook {
  readonly #timeZone: string;
  readonly #maxPerDay: number;
  // No prototype: a symbol named like an Object.prototype member is an ordinary key here.
  readonly #openedOn: Record<string, Opening> = Object.create(null) as Record<string, Opening>;
  #dayTrades: DayTrade[] = [];
  readonly #view: { openedOn: Record<string, Opening>; dayTrades: readonly DayTrade[] };

  /** `maxPerDay` is the rule's `pdtMaxDayTrades` (see `recordDayTradeFill`). */
  constructor(timeZone: string, maxPerDay = Number.POSITIVE_INFINITY, from?: DayTradeLedger) {
    this.#timeZone = timeZone;
    this.#maxPerDay = maxPerDay;
    if (from !== undefined) {
      for (const symbol of Object.keys(from.openedOn)) {
        const { day, direction } = from.openedOn[symbol]!;
        this.#openedOn[symbol] = new Opening(direction, Number.NaN, timeZone, day);
      }
      this.#dayTrades = [...from.dayTrades];
    }
    this.#view = { openedOn: this.#openedOn, dayTrades: this.#dayTrades };
  }

  /** Books a fill given the position just before it (the rules of `recordDayTradeFill`). */
  record(fill: DayTradeFill, positionBefore: number): void {
    const time = fill.time;
    // Outside these years the ledger's day arithmetic fails (or the time does not format): fail as it did.
    if (!(time >= LAZY_FROM_MS && time < LAZY_TO_MS)) oldestBusinessDay(tradingDay(time, this.#timeZone), DAY_TRADE_RETENTION_BUSINESS_DAYS);
    const sign = sideSign(fill.side);
    const symbol = fill.symbol;
    if (positionBefore === 0 || Math.sign(positionBefore) === sign) {
      this.#openedOn[symbol] = new Opening(sign, time, this.#timeZone);
    } else {
      const opened = this.#openedOn[symbol];
      if (opened !== undefined && opened.direction === Math.sign(positionBefore) && opened.sameDayAs(time)) this.#count(fill.clientOrderId, symbol, opened.day);
      const after = positionBefore + sign * fill.quantity;
      if (after === 0) delete this.#openedOn[symbol];
      else if (Math.sign(after) === sign) this.#openedOn[symbol] = new Opening(sign, time, this.#timeZone);
    }
    if (this.#dayTrades.length > 0) this.#prune(tradingDay(time, this.#timeZone));
  }

  /** Counts a day trade today, unless this order was counted today already or the day is full. */
  #count(clientOrderId: string, symbol: string, today: string): void {
    let onDay = 0;
    for (const t of this.#dayTrades) {
      if (t.day !== today) continue;
      if (t.clientOrderId === clientOrderId) return;
      onDay += 1;
    }
    if (onDay < this.#maxPerDay) this.#dayTrades.push({ day: today, symbol, clientOrderId });
  }

  /** Drops the day trades before the oldest retained business day of `today` (in place). */
  #prune(today: string): void {
    const oldest = oldestBusinessDay(today, DAY_TRADE_RETENTION_BUSINESS_DAYS);
    const trades = this.#dayTrades;
    let kept = 0;
    for (const t of trades) if (t.day >= oldest) trades[kept++] = t;
    if (kept < trades.length) trades.length = kept;
  }

  /** The ledger over the live records: valid until the next `record`. */
  view(): DayTradeLedger {
    return this.#view;
  }

  /** A frozen plain copy of the ledger. */
  state(): DayTradeLedger {
    const openedOn: Record<string, { readonly day: string; readonly direction: 1 | -1 }> = {};
    for (const symbol of Object.keys(this.#openedOn)) {
      const opened = this.#openedOn[symbol]!;
      openedOn[symbol] = { day: opened.day, direction: opened.direction };
    }
    return Object.freeze({ openedOn: Object.freeze(openedOn), dayTrades: Object.freeze([...this.#dayTrades]) });
  }
}

/**
 * The ledger after a fill, given the position quantity just before it: records an opening or increase,
 * counts a day trade when the fill reduces a position opened today, and treats the remainder of a flip
 * through zero as a new opening today. Trades older than the retention are dropped.
 *
 * `maxPerDay` (the rule's `pdtMaxDayTrades`) keeps at most that many day trades per trading day: any
 * window holding such a day has reached the limit anyway, so the check decides the same, and an
 * actively trading book keeps a ledger of a few dozen entries instead of one per round trip.
 */
export function recordDayTradeFill(ledger: DayTradeLedger, fill: DayTradeFill, positionBefore: number, timeZone: string, maxPerDay = Number.POSITIVE_INFINITY): DayTradeLedger {
  const book = new DayTradeBook(timeZone, maxPerDay, ledger);
  book.record(fill, positionBefore);
  return book.state();
}
