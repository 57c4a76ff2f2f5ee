export { Actor } from './actor.js';
export type { ActorClass, ActorContext, PropsOf, ProtocolOfActor, ScheduleOptions, SpawnArgs, SpawnOptions } from './actor.js';
export { SimulatedClock, SystemClock } from './clock.js';
export type { Cancellable, Clock } from './clock.js';
export { DeadLetters, DEFAULT_DEAD_LETTER_RING_SIZE } from './dead-letters.js';
export {
  ActorExistsError,
  ActorNotFoundError,
  AskTimeoutError,
  BifrostError,
  describeError,
  EscalatedFailureError,
  InvalidPathError,
  MailboxFullError,
  RestartIntensityExceededError,
  SystemStoppedError,
  UnknownActorKindError,
} from './errors.js';
export { EventStream } from './event-stream.js';
export type { EventFilter, StreamEvent } from './event-stream.js';
export { errorInfo } from './events.js';
export type { DeadLetter, DeadLetterReason, ErrorInfo, LifecycleEvent, SupervisorDirective, SupervisorEvent, SystemEvent } from './events.js';
export { createLogger, REDACTED_KEYS } from './logger.js';
export { DEFAULT_MAILBOX_CAPACITY, Mailbox } from './mailbox.js';
export type { MailboxOptions, OverflowPolicy } from './mailbox.js';
export { childPath, MAX_PATH_DEPTH, MAX_SEGMENT_LENGTH, nameOf, parentPath, segmentProblem, validateName, validateNodeName, validatePath } from './path.js';
export { actorRef, formatRef, isActorRef, parseRef } from './ref.js';
export type { ActorRef, Message, ProtocolOf } from './ref.js';
export { ActorKinds } from './registry.js';
export { serviceKey, ServiceNotProvidedError, Services } from './services.js';
export type { ServiceKey } from './services.js';
export type { ActorState, ActorStats } from './stats.js';
export { ActorSystem, DEFAULT_NODE_NAME, DEFAULT_THROUGHPUT, NotAMessageError, PLACED_NODE, placedRef } from './system.js';
export type { ActorSystemOptions, ActorTreeNode, RemoteTransport } from './system.js';
export {
  Codec,
  CodecError,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DuplicateMessageTypeError,
  InvalidMessageError,
  MalformedMessageError,
  MessageRegistry,
  PayloadTooLargeError,
  UnencodableValueError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
  WIRE_MAGIC,
  WIRE_VERSION,
} from './codec/index.js';
export type { CodecOptions, Envelope, EnvelopeAddress, MessageSpec } from './codec/index.js';
