import { BifrostError } from '../errors.js';

/** The root of every error the codec throws, so a transport can catch codec failures in one place. */
export class CodecError extends BifrostError {}

/** The bytes are not a Bifrost frame: not MessagePack, truncated, wrong magic or wire version, or a field of the wrong type. */
export class MalformedMessageError extends CodecError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('CODEC_MALFORMED', `malformed message: ${reason}`, options);
  }
}

/** The envelope names a message type nobody registered, so its body cannot be trusted or handled. */
export class UnknownMessageTypeError extends CodecError {
  constructor(readonly messageType: string) {
    super('CODEC_UNKNOWN_TYPE', `unknown message type ${JSON.stringify(messageType)}`);
  }
}

/**
 * A message or frame is newer than this node understands. `messageType` is undefined when the
 * frame's wire-format version itself is unsupported.
 */
export class UnsupportedVersionError extends CodecError {
  constructor(
    readonly messageType: string | undefined,
    readonly version: number,
    readonly supported: number,
  ) {
    super(
      'CODEC_UNSUPPORTED_VERSION',
      messageType === undefined
        ? `wire format version ${version} is not supported (this node speaks ${supported})`
        : `${messageType} version ${version} is newer than the registered version ${supported}`,
    );
  }
}

/** A payload is larger than the codec's limit, on encode or decode. */
export class PayloadTooLargeError extends CodecError {
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super('CODEC_PAYLOAD_TOO_LARGE', `payload of ${sizeBytes} bytes exceeds the limit of ${maxBytes} bytes`);
  }
}

/** A registered message type's validator rejected the body; `problems` lists every finding. */
export class InvalidMessageError extends CodecError {
  constructor(
    readonly messageType: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super('CODEC_INVALID_MESSAGE', `invalid ${messageType}: ${problems.join('; ')}`, options);
  }
}

/** A value cannot be encoded (a cycle, nesting too deep, or a type MessagePack cannot carry). */
export class UnencodableValueError extends CodecError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('CODEC_UNENCODABLE', `value cannot be encoded: ${reason}`, options);
  }
}

/** A message type was registered twice with different specs. */
export class DuplicateMessageTypeError extends CodecError {
  constructor(readonly messageType: string) {
    super('CODEC_DUPLICATE_TYPE', `message type ${JSON.stringify(messageType)} is already registered with another spec`);
  }
}
