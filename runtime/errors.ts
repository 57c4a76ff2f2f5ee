/**
 * The root of every error Bifrost throws. Each module's `errors.ts` extends it, sets `name`,
 * carries typed fields and accepts `{ cause }`, so callers can branch on `instanceof` or `code`.
 */
export class BifrostError extends Error {
  /** A stable, machine-readable code for this kind of error. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
