export { Codec, DEFAULT_MAX_PAYLOAD_BYTES, WIRE_MAGIC, WIRE_VERSION } from './codec.js';
export type { CodecOptions } from './codec.js';
export type { Envelope, EnvelopeAddress } from './envelope.js';
export {
  CodecError,
  DuplicateMessageTypeError,
  InvalidMessageError,
  MalformedMessageError,
  PayloadTooLargeError,
  UnencodableValueError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
} from './errors.js';
export { MessageRegistry } from './message-registry.js';
export type { MessageSpec } from './message-registry.js';
