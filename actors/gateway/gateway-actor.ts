import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { StreamEvent } from '../../runtime/event-stream.js';
import type { BrokerFill } from '../broker/protocol.js';
import { ALERT_EVENT_TYPES, alertOf } from './alerts.js';
import type { GatewayScope } from './config.js';
import type { AlertRow, ClientCommand, FillRow, NodeRow, Topic } from './protocol.js';
import { SessionActor } from './session-actor.js';
import type { SessionProtocol } from './session-protocol.js';
import { fillRow } from './views.js';

/** Alerts kept for a client that connects later. */
export const ALERTS_KEPT = 200;
/** Fills kept for a blotter that opens later. */
export const FILLS_KEPT = 500;

/** Messages of the `/gateway` actor: the server's connection events, and its sessions' requests. */
export type GatewayProtocol =
  /** A socket was authenticated: spawn its session. */
  | { readonly type: 'gateway.open'; readonly sessionId: string }
  /** A checked command from a socket, for its session (through here, so it never overtakes the open). */
  | { readonly type: 'gateway.command'; readonly sessionId: string; readonly command: ClientCommand }
  /** The socket closed: its session unsubscribes and stops. */
  | { readonly type: 'gateway.closed'; readonly sessionId: string }
  /** A session asks for the shared state of these topics; answered with `session.shared`. */
  | { readonly type: 'gateway.sync'; readonly topics: readonly Topic[] }
  /** An event-stream event the gateway follows (from its own listener). */
  | { readonly type: 'gateway.event'; readonly event: StreamEvent }
  /** Answered with `gateway.status`. */
  | { readonly type: 'gateway.getStatus' };

/** The answer to `gateway.getStatus`. */
export interface GatewayStatus {
  readonly type: 'gateway.status';
  readonly sessions: readonly string[];
  readonly nodes: readonly NodeRow[];
  readonly alerts: number;
}

/**
 * The `/gateway` actor: parent and supervisor of one SessionActor per WebSocket (sessions are
 * `temporary`: one that fails is stopped and its socket closed, never restarted behind the client's back).
 * It keeps what a newly opened page needs from before it connected: cluster nodes up and down, recent
 * alerts and recent fills, and pushes changes of the first two to every session.
 */
export class GatewayActor extends Actor<GatewayProtocol, GatewayScope> {
  readonly #nodes = new Map<string, NodeRow>();
  readonly #alerts: AlertRow[] = [];
  readonly #fills: FillRow[] = [];
  #seq = 0;
  #unsubscribe: (() => void) | undefined;

  override started(ctx: ActorContext<GatewayProtocol>): void {
    const node = ctx.system.node;
    this.#nodes.set(node, { node, status: 'up', roles: [...this.props.roles], since: ctx.clock.now(), self: true });
    const follow = (event: StreamEvent): void => ctx.system.tell(ctx.self, { type: 'gateway.event', event });
    this.#unsubscribe = ctx.system.events.subscribe([...ALERT_EVENT_TYPES, 'broker.fill'], follow);
  }

  override restarting(): void {
    this.#unsubscribe?.();
  }

  override stopped(): void {
    this.#unsubscribe?.();
  }

  receive(msg: GatewayProtocol, ctx: ActorContext<GatewayProtocol>): void {
    switch (msg.type) {
      case 'gateway.open':
        return this.#open(msg.sessionId, ctx);
      case 'gateway.command':
        return this.#toSession(msg.sessionId, { type: 'session.command', command: msg.command }, ctx);
      case 'gateway.closed':
        return this.#toSession(msg.sessionId, { type: 'session.closed' }, ctx);
      case 'gateway.sync':
        return this.#sync(msg.topics, ctx);
      case 'gateway.event':
        return this.#onEvent(msg.event, ctx);
      case 'gateway.getStatus':
        return ctx.reply<GatewayStatus>({ type: 'gateway.status', sessions: ctx.children().map((c) => c.path.slice(c.path.lastIndexOf('/') + 1)), nodes: [...this.#nodes.values()], alerts: this.#alerts.length });
    }
  }

  #open(sessionId: string, ctx: ActorContext<GatewayProtocol>): void {
    if (ctx.child(sessionId) !== undefined) return;
    ctx.spawn(SessionActor, sessionId, { sessionId, scope: this.props }, { restart: 'temporary', kind: 'gateway.session' });
  }

  #toSession(sessionId: string, msg: SessionProtocol, ctx: ActorContext<GatewayProtocol>): void {
    const child = ctx.child(sessionId);
    if (child !== undefined) ctx.tell(child, msg);
  }

  #sync(topics: readonly Topic[], ctx: ActorContext<GatewayProtocol>): void {
    ctx.reply<SessionProtocol>({
      type: 'session.shared',
      ...(topics.includes('cluster') ? { nodes: [...this.#nodes.values()] } : {}),
      ...(topics.includes('alerts') ? { alerts: [...this.#alerts] } : {}),
      ...(topics.includes('blotter') ? { fills: [...this.#fills] } : {}),
    });
  }

  #onEvent(event: StreamEvent, ctx: ActorContext<GatewayProtocol>): void {
    if (event.type === 'broker.fill') {
      this.#fills.push(fillRow((event as BrokerFill).fill));
      if (this.#fills.length > FILLS_KEPT) this.#fills.shift();
      return;
    }
    const now = ctx.clock.now();
    if (event.type === 'cluster.nodeUp' || event.type === 'cluster.nodeDown') this.#onMembership(event, now, ctx);
    const alert = alertOf(event, now);
    if (alert === undefined) return;
    const row: AlertRow = { seq: ++this.#seq, ...alert };
    this.#alerts.push(row);
    if (this.#alerts.length > ALERTS_KEPT) this.#alerts.shift();
    this.#broadcast({ type: 'session.alert', alert: row }, ctx);
  }

  #onMembership(event: StreamEvent, now: number, ctx: ActorContext<GatewayProtocol>): void {
    const e = event as StreamEvent & { node?: unknown; reason?: unknown; record?: { roles?: unknown } };
    if (typeof e.node !== 'string') return;
    const known = this.#nodes.get(e.node);
    const roles = Array.isArray(e.record?.roles) ? e.record.roles.filter((r): r is string => typeof r === 'string') : (known?.roles ?? []);
    const up = event.type === 'cluster.nodeUp';
    this.#nodes.set(e.node, {
      node: e.node, status: up ? 'up' : 'down', roles: [...roles], since: now,
      ...(up || typeof e.reason !== 'string' ? {} : { reason: e.reason }), self: e.node === ctx.system.node,
    });
    this.#broadcast({ type: 'session.cluster', nodes: [...this.#nodes.values()] }, ctx);
  }

  #broadcast(msg: SessionProtocol, ctx: ActorContext<GatewayProtocol>): void {
    for (const child of ctx.children()) ctx.tell(child, msg);
  }

  override inspect(): Record<string, unknown> {
    return { nodes: this.#nodes.size, alerts: this.#alerts.length, fills: this.#fills.length };
  }
}
