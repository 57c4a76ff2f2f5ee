import { BifrostError } from '../errors.js';

/** The root of every error the cluster transport throws. */
export class TransportError extends BifrostError {}

/** The transport's connection is down (reconnecting) or closed, so nothing can be sent now. */
export class TransportUnavailableError extends TransportError {
  constructor(
    readonly node: string,
    readonly state: 'disconnected' | 'closed',
  ) {
    super('TRANSPORT_UNAVAILABLE', `transport of node ${node} is ${state}`);
  }
}

/**
 * No node answers on the target's subject (NATS "no responders"), or membership has marked the node
 * down: the message was not delivered and no reply can come.
 */
export class NodeUnreachableError extends TransportError {
  constructor(
    readonly node: string,
    readonly reason: string,
  ) {
    super('NODE_UNREACHABLE', `node ${node} is unreachable: ${reason}`);
  }
}

/**
 * The remote node received an ask but could not deliver it to the target actor for a reason other than
 * "not found" or "mailbox full" (both of which reject with the runtime's own errors).
 */
export class RemoteDeliveryError extends TransportError {
  constructor(
    readonly node: string,
    readonly path: string,
    readonly reason: string,
    readonly detail: string | undefined,
  ) {
    super('REMOTE_DELIVERY_FAILED', `node ${node} could not deliver to ${path}: ${reason}${detail === undefined ? '' : ` (${detail})`}`);
  }
}

/** Transport or credential options are invalid; `problems` lists every one, each naming its field. */
export class InvalidTransportOptionsError extends TransportError {
  constructor(readonly problems: readonly string[]) {
    super('TRANSPORT_INVALID_OPTIONS', `invalid transport options: ${problems.join('; ')}`);
  }
}
