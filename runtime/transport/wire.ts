import { CodecError, InvalidMessageError, MessageRegistry, PayloadTooLargeError, UnknownMessageTypeError, UnsupportedVersionError } from '../codec/index.js';
import type { MessageSpec } from '../codec/index.js';
import { ActorNotFoundError, MailboxFullError } from '../errors.js';
import type { DeadLetterReason } from '../events.js';
import { formatRef } from '../ref.js';
import type { ActorRef, Message } from '../ref.js';
import { RemoteDeliveryError } from './errors.js';

/**
 * The node name of a remote ask's temporary sender. An ask from node A carries the sender
 * `{ node: '$ask', path: '/$ask/A/<id>' }`; whoever replies to it (the target, or an actor it forwarded
 * to, on any node) sends the reply to A's reply subject for `<id>`. No real node can have this name.
 */
export const ASK_NODE = '$ask';

/** Recipient recorded on dead letters for frames that could not be decoded far enough to name one. */
export const TRANSPORT_PATH = '/$transport';

/** The control message a node sends back when it cannot deliver an ask, so the asker fails fast. */
export const ASK_FAILED_TYPE = 'bifrost.askFailed';

/** Body of {@link ASK_FAILED_TYPE}. */
export interface AskFailed {
  readonly type: typeof ASK_FAILED_TYPE;
  readonly reason: DeadLetterReason;
  readonly path: string;
  readonly detail?: string;
}

function askFailedProblems(body: unknown): string[] {
  const b = body as Partial<AskFailed> | null;
  if (typeof b !== 'object' || b === null) return ['body is not an object'];
  const problems: string[] = [];
  if (typeof b.reason !== 'string') problems.push('reason is not a string');
  if (typeof b.path !== 'string') problems.push('path is not a string');
  if (b.detail !== undefined && typeof b.detail !== 'string') problems.push('detail is not a string');
  return problems;
}

/** The spec the transport registers for its own control message (one object, so re-registering is a no-op). */
export const ASK_FAILED_SPEC: MessageSpec = Object.freeze({ version: 1, validate: askFailedProblems });

const OPEN_SPEC: MessageSpec = Object.freeze({ version: 1 });

/**
 * A registry that also accepts types nobody registered, as version 1 without validation: the codec's
 * permissive mode, for development and tests. Registered types keep their version and validator.
 */
export class OpenMessageRegistry extends MessageRegistry {
  override get(type: string): MessageSpec | undefined {
    return super.get(type) ?? OPEN_SPEC;
  }
}

/** The sender ref of node `askerNode`'s remote ask `id`. */
export function askSenderRef(askerNode: string, id: string): ActorRef {
  return { node: ASK_NODE, path: `/$ask/${askerNode}/${id}` };
}

/** The asker node and ask id of a ref made by {@link askSenderRef}; undefined for anything else. */
export function parseAskRef(ref: ActorRef): { node: string; id: string } | undefined {
  if (ref.node !== ASK_NODE || !ref.path.startsWith('/$ask/')) return undefined;
  const rest = ref.path.slice(6);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const node = rest.slice(0, slash);
  const id = rest.slice(slash + 1);
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(node) && /^[0-9a-z]{1,16}$/.test(id) ? { node, id } : undefined;
}

/** The dead-letter reason for a codec failure. */
export function reasonForCodecError(error: unknown): DeadLetterReason {
  if (error instanceof PayloadTooLargeError) return 'too-large';
  if (error instanceof UnknownMessageTypeError || (error instanceof UnsupportedVersionError && error.messageType !== undefined)) return 'unknown-type';
  return 'malformed';
}

/** `CODE: message` for a dead letter's detail. */
export function detailOf(error: unknown): string {
  if (error instanceof CodecError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * What a dead letter holds for a frame that never became a message: its subject, size, first bytes and,
 * when the codec got that far, the type it claimed. The frame itself is not kept (it may be large).
 */
export function frameSummary(subject: string, bytes: Uint8Array, error: unknown): Record<string, unknown> & { type: string } {
  const claimed = error instanceof UnknownMessageTypeError ? error.messageType : error instanceof InvalidMessageError ? error.messageType : undefined;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(16, bytes.byteLength)).toString('hex');
  return { type: claimed ?? '$undecodable', subject, sizeBytes: bytes.byteLength, head };
}

/** A tell waiting in the outbox, kept so it can become a dead letter if it is never published. */
export class LostTell {
  constructor(
    readonly ref: ActorRef<any>,
    readonly message: Message,
    readonly sender: ActorRef<any> | undefined,
  ) {}
}

/** The {@link ASK_FAILED_TYPE} message for an ask to `path` that failed for `reason` (detail capped at 500 characters). */
export function askFailedBody(path: string, reason: DeadLetterReason, detail: string | undefined): AskFailed {
  return detail === undefined ? { type: ASK_FAILED_TYPE, reason, path } : { type: ASK_FAILED_TYPE, reason, path, detail: detail.slice(0, 500) };
}

/** The error an asker rejects with for an {@link AskFailed} answer: the runtime's own for not-found and mailbox-full. */
export function askFailedError(target: ActorRef<any>, failed: AskFailed, messageType: string): Error {
  const where = formatRef(target);
  switch (failed.reason) {
    case 'unknown':
    case 'stopped':
      return new ActorNotFoundError(where);
    case 'mailbox-full':
      return new MailboxFullError(where, 0, messageType);
    default:
      return new RemoteDeliveryError(target.node!, target.path, failed.reason, failed.detail);
  }
}
