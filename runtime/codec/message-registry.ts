import { DuplicateMessageTypeError } from './errors.js';

/** How the codec accepts one message type. */
export interface MessageSpec {
  /** The newest body schema version this node understands (a positive integer). Older versions are accepted. */
  readonly version: number;
  /** Returns every problem with a body (an empty list when it is valid). Runs on encode and decode. */
  readonly validate?: (body: unknown) => string[];
}

/**
 * The message types a codec accepts. A transport registers every protocol's types at start-up;
 * the codec then refuses unknown types, bodies that fail validation, and versions from the future.
 *
 * @example
 * const registry = new MessageRegistry()
 *   .register('risk.submitOrder', { version: 1, validate: submitOrderProblems });
 */
export class MessageRegistry {
  readonly #specs = new Map<string, MessageSpec>();

  /**
   * Registers `type`. Registering the same spec again is a no-op; a different spec for a known type
   * throws {@link DuplicateMessageTypeError}, because two protocols claiming one name is a bug.
   */
  register(type: string, spec: MessageSpec): this {
    if (typeof type !== 'string' || type.length === 0) throw new TypeError('message type must be a non-empty string');
    if (!Number.isSafeInteger(spec.version) || spec.version < 1) {
      throw new TypeError(`version of ${type} must be a positive integer, was ${spec.version}`);
    }
    const existing = this.#specs.get(type);
    if (existing !== undefined) {
      if (existing.version === spec.version && existing.validate === spec.validate) return this;
      throw new DuplicateMessageTypeError(type);
    }
    this.#specs.set(type, Object.freeze({ ...spec }));
    return this;
  }

  /** The spec registered for `type`, if any. */
  get(type: string): MessageSpec | undefined {
    return this.#specs.get(type);
  }

  has(type: string): boolean {
    return this.#specs.has(type);
  }

  /** Every registered type, in registration order. */
  types(): string[] {
    return [...this.#specs.keys()];
  }
}
