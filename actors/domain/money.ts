/**
 * Money and precision helpers. Prices are checked and rounded on an integer grid of ticks so that
 * binary floating point noise (0.1 + 0.2 = 0.30000000000000004) never decides whether a price is valid.
 */

/** Relative tolerance under which a scaled price counts as an integer (absorbs float noise only). */
const GRID_EPSILON = 1e-9;

/**
 * Number of decimal places needed to write `x` exactly as the shortest round-trip decimal
 * (`0.01` -> 2, `0.05` -> 2, `1e-7` -> 7, `25` -> 0).
 */
export function decimalPlaces(x: number): number {
  const known = placesOf.get(x);
  if (known !== undefined) return known;
  if (!Number.isFinite(x)) throw new RangeError(`decimalPlaces: ${x} is not finite`);
  const places = placesFromText(x);
  // Tick and lot sizes repeat on every order: remember a few (formatting a number costs about 0.5 us).
  if (placesOf.size < PLACES_MEMO_SIZE) placesOf.set(x, places);
  return places;
}

const PLACES_MEMO_SIZE = 256;
const placesOf = new Map<number, number>();

function placesFromText(x: number): number {
  const text = Math.abs(x).toString();
  const exp = text.indexOf('e');
  const mantissa = exp === -1 ? text : text.slice(0, exp);
  const exponent = exp === -1 ? 0 : Number(text.slice(exp + 1));
  const dot = mantissa.indexOf('.');
  const fraction = dot === -1 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}

/** `x * 10^places` as an integer when it is one up to float noise, else `undefined`. */
export function toScaledInteger(x: number, places: number): number | undefined {
  const scaled = x * 10 ** places;
  const rounded = Math.round(scaled);
  if (!Number.isSafeInteger(rounded)) return undefined;
  return Math.abs(scaled - rounded) <= GRID_EPSILON * Math.max(1, Math.abs(scaled)) ? rounded : undefined;
}

/** Whether `price` is an exact multiple of `tickSize`, decided on integers (0.1 + 0.2 is on a 0.1 tick). */
export function isOnTick(price: number, tickSize: number): boolean {
  if (!Number.isFinite(price) || !(tickSize > 0)) return false;
  const places = Math.max(decimalPlaces(tickSize), 0);
  const tick = toScaledInteger(tickSize, places);
  if (tick === undefined || tick === 0) return false;
  // A price with more decimals than the tick is off the grid unless those decimals are float noise.
  const scaled = toScaledInteger(price, places);
  return scaled !== undefined && scaled % tick === 0;
}

/** How `roundToTick` breaks off-grid prices: to the nearest tick (half away from zero), up or down. */
export type TickRounding = 'nearest' | 'up' | 'down';

/**
 * Rounds `price` onto the tick grid. The result is computed as `ticks * tickUnits / 10^places`
 * so that it is the double nearest the decimal value (0.3, not 0.30000000000000004).
 * @example roundToTick(10.037, 0.05) // 10.05
 */
export function roundToTick(price: number, tickSize: number, mode: TickRounding = 'nearest'): number {
  if (!Number.isFinite(price)) throw new RangeError(`roundToTick: price ${price} is not finite`);
  if (!(tickSize > 0) || !Number.isFinite(tickSize)) throw new RangeError(`roundToTick: tick size ${tickSize} is not positive`);
  const places = decimalPlaces(tickSize);
  const scale = 10 ** places;
  const tick = Math.round(tickSize * scale);
  // Normalise float noise first so that 0.30000000000000004 is treated as 0.3 before rounding up or down.
  const units = normalised(price * scale) / tick;
  let ticks: number;
  if (mode === 'up') ticks = Math.ceil(units);
  else if (mode === 'down') ticks = Math.floor(units);
  else ticks = Math.sign(units) * Math.round(Math.abs(units));
  return (ticks * tick) / scale + 0; // + 0 turns -0 into 0
}

/**
 * `Number(x.toPrecision(15))`, without formatting a string when `x` is an integer up to float noise (a price
 * already on its grid, the usual case): within 4e-16 of |x| (under 2 ulps) of an integer below 1e15, the
 * nearest 15-digit decimal is that integer, so both give it.
 */
function normalised(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - r) <= 4e-16 * Math.abs(x) && Math.abs(r) < 1e15) return r;
  return Number(x.toPrecision(15));
}

/**
 * Rounds an amount of money to cents, half away from zero, treating the amount as the decimal it was
 * meant to be (1.005 -> 1.01, -1.005 -> -1.01) rather than its binary approximation.
 */
export function roundToCents(amount: number): number {
  return roundToPlaces(amount, 2);
}

/** Rounds to `places` decimals, half away from zero, after normalising float noise to 15 significant digits. */
export function roundToPlaces(amount: number, places: number): number {
  if (!Number.isFinite(amount)) throw new RangeError(`roundToPlaces: ${amount} is not finite`);
  const scale = 10 ** places;
  const scaled = normalised(Math.abs(amount) * scale);
  return (Math.sign(amount) * Math.round(scaled)) / scale + 0;
}

/** Basis points (1 bp = 0.01%) to a fraction: `bpsToFraction(25) === 0.0025`. */
export function bpsToFraction(bps: number): number {
  return bps / 10_000;
}
