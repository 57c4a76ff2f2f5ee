import { connect, ErrorCode, Events } from 'nats';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { Codec, CodecError, DEFAULT_MAX_PAYLOAD_BYTES, MessageRegistry } from '../codec/index.js';
import type { Envelope } from '../codec/index.js';
import { AskTimeoutError } from '../errors.js';
import { errorInfo } from '../events.js';
import type { DeadLetterReason } from '../events.js';
import { formatRef } from '../ref.js';
import type { ActorRef, Message } from '../ref.js';
import type { ActorSystem, RemoteTransport } from '../system.js';
import { credentialOptions } from './credentials.js';
import { InvalidTransportOptionsError, NodeUnreachableError, TransportUnavailableError } from './errors.js';
import type { TransportEvent } from './events.js';
import { actorSubject, pingSubject, replySubject, replyWildcard, SUBJECT_PREFIX } from './subjects.js';
import { DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_PING_INTERVAL_MS, DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_RECONNECT_TIME_WAIT_MS, optionProblems } from './transport-options.js';
import type { NatsTransportOptions, ProbeResult, TransportStats } from './transport-options.js';
import { isBatch, splitBatch } from './batch-frame.js';
import { DEFAULT_MAX_BATCH_BYTES, Outbox } from './outbox.js';
import { PendingAsks } from './pending-asks.js';
import {
  ASK_FAILED_SPEC,
  ASK_FAILED_TYPE,
  ASK_NODE,
  askFailedBody,
  askFailedError,
  askSenderRef,
  detailOf,
  frameSummary,
  LostTell,
  OpenMessageRegistry,
  parseAskRef,
  reasonForCodecError,
  TRANSPORT_PATH,
} from './wire.js';
import type { AskFailed } from './wire.js';

const EMPTY = new Uint8Array(0);

/**
 * The cluster transport over core NATS. Each node subscribes to its actor subject, its reply wildcard
 * and its ping subject (see subjects.ts); envelopes are the runtime codec's frames.
 *
 * - `tell` is a core publish: at-most-once. Envelopes for one node sent in the same tick travel as one
 *   batch (outbox.ts). While the connection is down nothing is published and the message becomes a
 *   `no-route` dead letter instead of vanishing in the client.
 * - `ask` publishes with the temporary sender `{ node: '$ask', path: '/$ask/<node>/<id>' }` and waits for
 *   a reply on `bifrost.<cluster>.<node>.reply.<id>`; it rejects with `AskTimeoutError` after the timeout,
 *   at once with `NodeUnreachableError` when no node subscribes (NATS no-responders), and with
 *   `ActorNotFoundError`/`MailboxFullError` when the remote node could not deliver it.
 * - Incoming frames that are malformed, of an unknown type, too large, refused by `authorize` or past their
 *   deadline become dead letters with a typed reason and detail; the node keeps serving.
 *
 * @example
 * const transport = await NatsTransport.connect(system, { cluster: 'prod', servers: ['nats://10.0.0.80:4222'], registry });
 * system.tell({ node: 'trading', path: '/risk' }, { type: 'risk.halt' });
 * await transport.close();
 */
export class NatsTransport implements RemoteTransport {
  readonly system: ActorSystem;
  readonly node: string;
  readonly cluster: string;
  readonly connection: NatsConnection;
  readonly codec: Codec;
  /** Set by the cluster layer: a reason when `node` is known to be down, so sends fail fast. */
  routeCheck: ((node: string) => string | undefined) | undefined;

  readonly #ownsConnection: boolean;
  readonly #authorize: ((envelope: Envelope) => string | undefined) | undefined;
  readonly #maxSkewMs: number;
  readonly #pending: PendingAsks;
  readonly #outbox: Outbox;
  readonly #subjects = new Map<string, string>();
  readonly #subs: Subscription[] = [];
  readonly #replyPrefix: string;
  readonly #clusterPrefix: string;
  readonly #idPrefix = `${Math.random().toString(36).slice(2, 8)}-`;
  #msgSeq = 0;
  #connected = true;
  #closed = false;
  #sent = 0;
  #received = 0;
  #rejected = 0;

  /** Connects to NATS and installs the transport as `system.transport`. */
  static async connect(system: ActorSystem, options: NatsTransportOptions): Promise<NatsTransport> {
    const problems = optionProblems(options);
    if (options.servers === undefined || (Array.isArray(options.servers) && options.servers.length === 0)) problems.push('servers: at least one NATS server URL is required');
    if (problems.length > 0) throw new InvalidTransportOptionsError(problems);
    const connection = await connect({
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers!],
      name: options.name ?? `bifrost-${options.cluster}-${system.node}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? DEFAULT_RECONNECT_TIME_WAIT_MS,
      reconnectJitter: 0,
      reconnectJitterTLS: 0,
      pingInterval: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      ...credentialOptions(options.credentials),
    });
    const transport = new NatsTransport(system, connection, options, true);
    transport.install();
    return transport;
  }

  /** Wraps an open connection (not closed by {@link NatsTransport.close} unless `ownsConnection`). Call {@link install} to route through it. */
  constructor(system: ActorSystem, connection: NatsConnection, options: NatsTransportOptions, ownsConnection = false) {
    const problems = optionProblems(options);
    if (problems.length > 0) throw new InvalidTransportOptionsError(problems);
    this.system = system;
    this.node = system.node;
    this.cluster = options.cluster;
    this.connection = connection;
    this.#ownsConnection = ownsConnection;
    this.#authorize = options.authorize;
    this.#maxSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    const registry = options.acceptUnregisteredTypes ? new OpenMessageRegistry() : (options.registry ?? new MessageRegistry());
    if (options.acceptUnregisteredTypes && options.registry !== undefined) {
      for (const type of options.registry.types()) registry.register(type, options.registry.get(type)!);
    }
    registry.register(ASK_FAILED_TYPE, ASK_FAILED_SPEC);
    const serverMax = connection.info?.max_payload ?? Number.MAX_SAFE_INTEGER;
    this.codec = new Codec({ registry, maxPayloadBytes: Math.min(options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, serverMax) });
    this.#pending = new PendingAsks(system.clock);
    this.#outbox = new Outbox(connection, Math.min(options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES, serverMax - 1), (items, error) => this.#lost(items, error));
    this.#replyPrefix = replySubject(this.cluster, this.node, '');
    this.#clusterPrefix = `${SUBJECT_PREFIX}.${this.cluster}.`;
    this.#subs.push(
      connection.subscribe(actorSubject(this.cluster, this.node), { callback: (error, msg) => this.#onActorSubject(error, msg) }),
      connection.subscribe(replyWildcard(this.cluster, this.node), { callback: (error, msg) => this.#onReply(error, msg) }),
      connection.subscribe(pingSubject(this.cluster, this.node), { callback: (_error, msg) => msg.respond(EMPTY) }),
    );
    void this.#watchStatus();
    connection.closed().then(() => this.#onClosed(), () => this.#onClosed());
  }

  /** Makes this the system's transport. Throws when the system already has another one. */
  install(): this {
    if (this.system.transport !== undefined && this.system.transport !== this) throw new InvalidTransportOptionsError([`node ${this.node} already has a transport`]);
    this.system.transport = this;
    return this;
  }

  /** True while the connection is up (false while reconnecting and after close). */
  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  get stats(): TransportStats {
    return { sent: this.#sent, received: this.#received, rejected: this.#rejected, pendingAsks: this.#pending.size, connected: this.connected, server: this.connection.getServer() };
  }

  tell(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined): DeadLetterReason | undefined {
    if (!this.connected) return 'no-route';
    let subject: string;
    if (ref.node === ASK_NODE) {
      const ask = parseAskRef(ref);
      if (ask === undefined) return 'no-route';
      subject = replySubject(this.cluster, ask.node, ask.id);
    } else {
      if (this.routeCheck?.(ref.node!) !== undefined) return 'no-route';
      subject = this.#subjectOf(ref.node!);
    }
    let bytes: Uint8Array;
    try {
      bytes = this.#encode(ref, message, sender, undefined);
    } catch (error) {
      if (error instanceof CodecError) return reasonForCodecError(error);
      throw error;
    }
    this.#outbox.push(subject, bytes, new LostTell(ref, message, sender));
    this.#sent++;
    return undefined;
  }

  ask<R>(ref: ActorRef<any>, message: Message, timeoutMs: number): Promise<R> {
    if (!this.connected) return Promise.reject(new TransportUnavailableError(this.node, this.#closed ? 'closed' : 'disconnected'));
    const down = this.routeCheck?.(ref.node!);
    if (down !== undefined) return Promise.reject(new NodeUnreachableError(ref.node!, down));
    const id = this.#pending.nextId();
    let bytes: Uint8Array;
    try {
      bytes = this.#encode(ref, message, askSenderRef(this.node, id), this.system.clock.now() + timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<R>((resolve, reject) => {
      this.#pending.add(id, ref, message.type, timeoutMs, resolve, reject, () => new AskTimeoutError(formatRef(ref), timeoutMs, message.type));
      // The reply subject on the publish is what makes the server answer "no responders" for a missing node.
      this.#outbox.push(this.#subjectOf(ref.node!), bytes, id, `${this.#replyPrefix}${id}`);
      this.#sent++;
    });
  }

  /** Asks `node`'s transport whether it is there: `absent` is NATS's no-responders (nobody subscribes). */
  async probe(node: string, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<ProbeResult> {
    if (!this.connected) return 'unavailable';
    try {
      await this.connection.request(pingSubject(this.cluster, node), EMPTY, { timeout: timeoutMs });
      return 'alive';
    } catch (error) {
      const code = (error as NatsError).code;
      if (code === ErrorCode.NoResponders) return 'absent';
      if (code === ErrorCode.Timeout) return 'timeout';
      return 'unavailable';
    }
  }

  /** Publishes what is queued and resolves when the server has processed everything published so far. */
  flush(): Promise<void> {
    this.#outbox.flush();
    return this.connection.flush();
  }

  /**
   * Stops routing through this transport, rejects pending asks with {@link TransportUnavailableError} and,
   * when it owns the connection, drains it (published messages are flushed first).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.system.transport === this) this.system.transport = undefined;
    this.#outbox.flush();
    this.#pending.rejectAll(() => new TransportUnavailableError(this.node, 'closed'));
    for (const sub of this.#subs) sub.unsubscribe();
    if (this.#ownsConnection && !this.connection.isClosed()) await this.connection.drain().catch(() => this.connection.close());
  }

  // ---- sending ----

  #subjectOf(node: string): string {
    let subject = this.#subjects.get(node);
    if (subject === undefined) {
      subject = actorSubject(this.cluster, node);
      this.#subjects.set(node, subject);
    }
    return subject;
  }

  #encode(ref: ActorRef<any>, message: Message, sender: ActorRef<any> | undefined, deadline: number | undefined): Uint8Array {
    const env: { -readonly [K in keyof Envelope]: Envelope[K] } = {
      type: message.type,
      version: this.codec.registry.get(message.type)?.version ?? 1,
      id: `${this.#idPrefix}${(++this.#msgSeq).toString(36)}`,
      recipient: { node: ref.node!, path: ref.path },
      body: message,
    };
    if (sender !== undefined) env.sender = { node: sender.node ?? this.node, path: sender.path };
    if (deadline !== undefined) env.deadline = deadline;
    return this.codec.encodeEnvelope(env);
  }

  /** A queued send that could not be published (the connection closed): tells become dead letters, asks fail. */
  #lost(items: readonly unknown[], error: unknown): void {
    for (const item of items) {
      if (item instanceof LostTell) this.system.deadLetter(item.ref, item.message, item.sender, 'no-route', `not published: ${(error as Error).message}`);
      else if (typeof item === 'string') this.#pending.take(item)?.reject(new TransportUnavailableError(this.node, 'closed'));
    }
  }

  // ---- receiving ----

  #onActorSubject(error: NatsError | null, msg: Msg): void {
    if (error !== null) return;
    const bytes = msg.data;
    if (!isBatch(bytes)) {
      this.#onFrame(msg.subject, bytes, msg.reply);
      return;
    }
    let frames: Uint8Array[];
    try {
      frames = splitBatch(bytes);
    } catch (failure) {
      this.#received++;
      this.#rejectFrame(msg.subject, bytes, failure);
      return;
    }
    for (const frame of frames) this.#onFrame(msg.subject, frame, undefined);
  }

  #onFrame(subject: string, bytes: Uint8Array, reply: string | undefined): void {
    this.#received++;
    let env: Envelope;
    try {
      env = this.codec.decodeEnvelope(bytes);
    } catch (failure) {
      this.#rejectFrame(subject, bytes, failure);
      // The sender is in the undecodable frame; an ask still names its reply subject, so answer there.
      if (reply !== undefined && reply.startsWith(this.#clusterPrefix) && reply.includes('.reply.')) {
        this.#publishAskFailed(reply, TRANSPORT_PATH, reasonForCodecError(failure), detailOf(failure));
      }
      return;
    }
    const body = env.body as Message | null;
    const sender = env.sender as ActorRef | undefined;
    const recipient: ActorRef = { node: this.node, path: env.recipient?.path ?? TRANSPORT_PATH };
    let problem: string | undefined;
    if (typeof body !== 'object' || body === null || body.type !== env.type) problem = 'body is not a message of the envelope type';
    else if (env.recipient === undefined) problem = 'no recipient';
    else if (env.recipient.node !== undefined && env.recipient.node !== this.node) problem = `recipient node ${env.recipient.node} is not this node`;
    else if (sender !== undefined && sender.node === undefined) problem = 'sender has no node';
    if (problem !== undefined) {
      this.#reject(recipient, body ?? frameSummary(subject, bytes, undefined), sender, 'malformed', problem);
      return;
    }
    const denial = this.#authorize?.(env);
    if (denial !== undefined) {
      this.#reject(recipient, body, sender, 'unauthorised', denial);
      return;
    }
    if (env.deadline !== undefined && env.deadline + this.#maxSkewMs < this.system.clock.now()) {
      this.#reject(recipient, body, sender, 'expired', `deadline ${new Date(env.deadline).toISOString()}`);
      return;
    }
    const failure = this.system.deliver(recipient, body!, sender);
    if (failure !== undefined && sender?.node === ASK_NODE) this.#answerAskFailed(sender, recipient.path, failure, undefined);
  }

  #onReply(error: NatsError | null, msg: Msg): void {
    if (error !== null) return;
    const id = msg.subject.slice(this.#replyPrefix.length);
    if (msg.data.byteLength === 0 && msg.headers?.code === 503) {
      // NATS no-responders: nobody subscribes to the target node's subject.
      const pending = this.#pending.take(id);
      pending?.reject(new NodeUnreachableError(pending.target.node!, 'no subscriber on its subject (node not connected)'));
      return;
    }
    this.#received++;
    let env: Envelope;
    try {
      env = this.codec.decodeEnvelope(msg.data);
    } catch (failure) {
      this.#rejectFrame(msg.subject, msg.data, failure);
      this.#pending.take(id)?.reject(failure as Error);
      return;
    }
    const pending = this.#pending.take(id);
    if (pending === undefined) {
      this.system.deadLetter(askSenderRef(this.node, id), env.body, env.sender, 'ask-expired', 'reply to a remote ask that timed out or never existed');
      return;
    }
    if (env.type === ASK_FAILED_TYPE) pending.reject(askFailedError(pending.target, env.body as AskFailed, pending.messageType));
    else pending.resolve(env.body);
  }

  #reject(recipient: ActorRef, message: unknown, sender: ActorRef | undefined, reason: DeadLetterReason, detail: string): void {
    this.#rejected++;
    this.system.deadLetter(recipient, message, sender, reason, detail);
    if (sender?.node === ASK_NODE) this.#answerAskFailed(sender, recipient.path, reason, detail);
  }

  #rejectFrame(subject: string, bytes: Uint8Array, error: unknown): void {
    if (!(error instanceof CodecError)) throw error;
    this.#rejected++;
    this.system.deadLetter({ node: this.node, path: TRANSPORT_PATH }, frameSummary(subject, bytes, error), undefined, reasonForCodecError(error), detailOf(error));
  }

  #answerAskFailed(askRef: ActorRef, path: string, reason: DeadLetterReason, detail: string | undefined): void {
    this.tell(askRef, askFailedBody(path, reason, detail), undefined);
  }

  #publishAskFailed(subject: string, path: string, reason: DeadLetterReason, detail: string | undefined): void {
    try {
      this.#outbox.push(subject, this.#encode({ node: ASK_NODE, path: TRANSPORT_PATH }, askFailedBody(path, reason, detail), undefined, undefined), undefined);
    } catch {
      // best effort: the asker times out instead
    }
  }

  // ---- connection status ----

  async #watchStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      const at = this.system.clock.now();
      switch (status.type) {
        case Events.Disconnect:
          this.#connected = false;
          this.#publishEvent({ type: 'transport.disconnected', at, node: this.node, server: String(status.data) });
          break;
        case Events.Reconnect:
          this.#connected = true;
          this.#publishEvent({ type: 'transport.reconnected', at, node: this.node, server: String(status.data) });
          break;
        case Events.Error:
          this.#publishEvent({ type: 'transport.error', at, node: this.node, error: errorInfo(status.data) });
          break;
        default:
          break;
      }
    }
  }

  #onClosed(): void {
    this.#connected = false;
    this.#pending.rejectAll(() => new TransportUnavailableError(this.node, 'closed'));
    if (this.system.transport === this) this.system.transport = undefined;
    this.#closed = true;
    this.#publishEvent({ type: 'transport.closed', at: this.system.clock.now(), node: this.node });
  }

  #publishEvent(event: TransportEvent): void {
    this.system.events.publish(event);
  }
}
