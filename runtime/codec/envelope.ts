/** Where a message comes from or goes to: an actor path, on a named node when it is remote. */
export interface EnvelopeAddress {
  readonly node?: string;
  readonly path: string;
}

/**
 * A message as it travels between nodes (and into the journal's audit trail): a registered `type`
 * with its schema `version`, routing and tracing metadata, and the `body` itself.
 *
 * @example
 * const env: Envelope = {
 *   type: 'risk.submitOrder',
 *   version: 1,
 *   id: '01HZY3…',
 *   sender: { node: 'trading', path: '/user/strategy/sma' },
 *   recipient: { node: 'trading', path: '/user/risk' },
 *   deadline: Date.now() + 2_000,
 *   body: { clientOrderId: 'c-1', symbol: 'AAPL', qty: 10 },
 * };
 */
export interface Envelope {
  /** Namespaced message type, e.g. `risk.submitOrder`; must be registered with the codec's registry. */
  readonly type: string;
  /** Schema version of `body`, a positive integer; never newer than the registered version. */
  readonly version: number;
  /** Unique message id. */
  readonly id: string;
  /** The id of the message this one answers (ask/reply). */
  readonly correlationId?: string;
  readonly sender?: EnvelopeAddress;
  readonly recipient?: EnvelopeAddress;
  readonly traceId?: string;
  /** Epoch milliseconds after which the receiver should drop the message unprocessed. */
  readonly deadline?: number;
  readonly body: unknown;
}
