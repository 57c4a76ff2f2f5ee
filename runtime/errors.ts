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

/** An `ask` got no reply within its timeout. A reply that arrives later goes to dead letters. */
export class AskTimeoutError extends BifrostError {
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
    readonly messageType: string,
  ) {
    super('ASK_TIMEOUT', `ask to ${path} (${messageType}) timed out after ${timeoutMs} ms`);
  }
}

/** A bounded mailbox with the `reject` policy was full; the message was not enqueued. */
export class MailboxFullError extends BifrostError {
  constructor(
    readonly path: string,
    readonly capacity: number,
    readonly messageType: string,
  ) {
    super('MAILBOX_FULL', `mailbox of ${path} is full (capacity ${capacity}); rejected ${messageType}`);
  }
}

/** A path or ref did not follow the grammar in runtime/path.ts. */
export class InvalidPathError extends BifrostError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('INVALID_PATH', `invalid actor path ${JSON.stringify(path)}: ${reason}`);
  }
}

/** A child with this name already exists under the same parent. */
export class ActorExistsError extends BifrostError {
  constructor(readonly path: string) {
    super('ACTOR_EXISTS', `an actor already exists at ${path}`);
  }
}

/** No actor class is registered under this kind name. */
export class UnknownActorKindError extends BifrostError {
  constructor(
    readonly kind: string,
    readonly known: readonly string[],
  ) {
    super('UNKNOWN_ACTOR_KIND', `no actor kind ${JSON.stringify(kind)} is registered (known: ${known.join(', ') || 'none'})`);
  }
}

/** The target of an `ask` is stopped or unknown, so no reply can come. */
export class ActorNotFoundError extends BifrostError {
  constructor(readonly path: string) {
    super('ACTOR_NOT_FOUND', `no actor at ${path}`);
  }
}

/** The actor system has been shut down. */
export class SystemStoppedError extends BifrostError {
  constructor(readonly systemName: string) {
    super('SYSTEM_STOPPED', `actor system ${systemName} is stopped`);
  }
}

/** A child failed and its supervisor escalated: the supervisor itself fails with this error. */
export class EscalatedFailureError extends BifrostError {
  constructor(
    readonly childPath: string,
    cause: unknown,
  ) {
    super('ESCALATED', `failure of ${childPath} escalated: ${describeError(cause)}`, { cause });
  }
}

/** A supervisor exceeded its restart intensity (more than maxRestarts within withinMs). */
export class RestartIntensityExceededError extends BifrostError {
  constructor(
    readonly supervisorPath: string,
    readonly maxRestarts: number,
    readonly withinMs: number,
    cause: unknown,
  ) {
    super(
      'RESTART_INTENSITY_EXCEEDED',
      `${supervisorPath} exceeded ${maxRestarts} restarts within ${withinMs} ms: ${describeError(cause)}`,
      { cause },
    );
  }
}

/** A one-line description of any thrown value, for events and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
