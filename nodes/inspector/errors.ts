import { BifrostError } from '../../runtime/errors.js';

/** The root of the errors an inspector client (the CLI's HTTP and NATS clients) throws. */
export class InspectorClientError extends BifrostError {}

/** Nothing answered where the client looked: no HTTP server, no NATS server, no cluster of that name, no live node. */
export class InspectorUnreachableError extends InspectorClientError {
  constructor(
    readonly target: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('INSPECTOR_UNREACHABLE', `cannot reach ${target}: ${reason}`, options);
  }
}

/** An inspector answered, but with an error (`NOT_FOUND`, `NO_TARGET`, `TARGET_FAILED`, `TIMEOUT`, `BAD_REQUEST`). */
export class InspectorQueryError extends InspectorClientError {
  constructor(
    readonly target: string,
    readonly reason: string,
    message: string,
  ) {
    super(`INSPECTOR_${reason}`, `${target}: ${message}`);
  }
}

/** Invalid options for the inspector server; `problems` lists every one. */
export class InvalidInspectorServerOptionsError extends BifrostError {
  constructor(readonly problems: readonly string[]) {
    super('INSPECTOR_SERVER_INVALID_OPTIONS', `invalid inspector server options: ${problems.join('; ')}`);
  }
}
