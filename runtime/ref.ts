import { InvalidPathError } from './errors.js';
import { validateNodeName, validatePath } from './path.js';

/** Every message is a plain object with a namespaced `type`, e.g. `"risk.submitOrder"`. */
export interface Message {
  readonly type: string;
}

declare const protocolMarker: unique symbol;

/**
 * A serialisable reference to an actor: `{ node?, path }`. The type parameter is the protocol the
 * actor accepts, so `tell(ref, msg)` is checked at compile time. The same ref works for a local
 * and a remote actor; `node` is absent or the local node's name for a local one.
 */
export interface ActorRef<P extends Message = Message> {
  readonly node?: string;
  readonly path: string;
  /** Phantom field, never present at run time; a method type so refs of narrower protocols widen to `ActorRef<Message>`. */
  readonly [protocolMarker]?: { accepts(msg: P): void }['accepts'];
}

/** The protocol type of a ref. */
export type ProtocolOf<R> = R extends ActorRef<infer P> ? P : never;

/** Builds a ref from its parts, validating both. */
export function actorRef<P extends Message = Message>(path: string, node?: string): ActorRef<P> {
  validatePath(path, true);
  if (node !== undefined) validateNodeName(node);
  return node === undefined ? { path } : { node, path };
}

/** `node/path` for a remote-qualified ref, `path` otherwise. */
export function formatRef(ref: ActorRef): string {
  return ref.node === undefined ? ref.path : `${ref.node}${ref.path}`;
}

/** Parses the output of {@link formatRef}. */
export function parseRef<P extends Message = Message>(text: string): ActorRef<P> {
  if (typeof text !== 'string' || text.length === 0) throw new InvalidPathError(String(text), 'empty ref');
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidPathError(text, 'a ref needs a path starting with "/"');
  return slash === 0 ? actorRef<P>(text) : actorRef<P>(text.slice(slash), text.slice(0, slash));
}

/** True when `value` has the shape of a ref (a string path starting with "/" and an optional string node). */
export function isActorRef(value: unknown): value is ActorRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { path?: unknown; node?: unknown };
  return typeof v.path === 'string' && v.path.startsWith('/') && (v.node === undefined || typeof v.node === 'string');
}
