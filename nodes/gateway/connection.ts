import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { ActorSystem } from '../../runtime/system.js';
import type { ActorRef } from '../../runtime/ref.js';
import { commandIdOf, parseClientCommand } from '../../actors/gateway/client-schema.js';
import { GATEWAY_ERROR_CODES } from '../../actors/gateway/errors.js';
import type { GatewayProtocol } from '../../actors/gateway/gateway-actor.js';
import type { SessionOutlet } from '../../actors/gateway/outbox.js';
import type { ServerEvent } from '../../actors/gateway/protocol.js';
import { checkServerEvent } from '../../actors/gateway/server-schema.js';

/** Commands a client may send per second, sustained. */
export const COMMANDS_PER_SECOND = 20;
/** Commands a client may send in a burst. */
export const COMMAND_BURST = 60;

/**
 * A session's outlet over a WebSocket: JSON text frames, each event checked against the protocol before
 * it leaves (an event that fails is a gateway bug: it is logged and the client gets an INTERNAL error).
 */
export class WebSocketOutlet implements SessionOutlet {
  constructor(
    private readonly ws: WebSocket,
    private readonly log: Logger,
    private readonly checkEvents: boolean,
  ) {}

  send(event: ServerEvent): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.checkEvents) {
      const checked = checkServerEvent(event);
      if (!checked.ok) {
        this.log.error({ eventType: event.type, problems: checked.problems.slice(0, 10) }, 'the gateway built an event that breaks the protocol; not sent');
        this.ws.send(JSON.stringify({ type: 'error', code: GATEWAY_ERROR_CODES.internal, message: `the server could not send a ${event.type} event` }));
        return;
      }
    }
    this.ws.send(JSON.stringify(event));
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }
}

/** A token bucket: `COMMAND_BURST` commands at once, refilled at `COMMANDS_PER_SECOND`. */
export class CommandBucket {
  #tokens = COMMAND_BURST;
  #at: number;

  constructor(private readonly now: () => number) {
    this.#at = now();
  }

  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(COMMAND_BURST, this.#tokens + ((t - this.#at) / 1_000) * COMMANDS_PER_SECOND);
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Wires one authenticated socket to its session: every frame is parsed and checked here, and a bad one
 * gets an `error` event (the socket stays open); good commands go to the session through `/gateway`, so
 * they never overtake its start. Closing the socket stops the session.
 */
export function attachConnection(ws: WebSocket, sessionId: string, outlet: WebSocketOutlet, system: ActorSystem, gateway: ActorRef<GatewayProtocol>, onClose: () => void): void {
  const bucket = new CommandBucket(() => system.clock.now());
  const reply = (event: ServerEvent): void => outlet.send(event);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return reply({ type: 'error', code: GATEWAY_ERROR_CODES.binaryFrame, message: 'binary frames are not part of the protocol; send JSON text' });
    if (!bucket.take()) return reply({ type: 'error', code: GATEWAY_ERROR_CODES.rateLimited, message: `more than ${COMMANDS_PER_SECOND} commands a second; this one was dropped` });
    let value: unknown;
    try {
      value = JSON.parse(String(data));
    } catch (error) {
      return reply({ type: 'error', code: GATEWAY_ERROR_CODES.badJson, message: `not JSON: ${(error as Error).message}` });
    }
    const checked = parseClientCommand(value);
    if (!checked.ok) {
      const id = commandIdOf(value);
      return reply({ type: 'error', code: GATEWAY_ERROR_CODES.badMessage, message: checked.problems.join('; '), problems: [...checked.problems], ...(id === undefined ? {} : { id }) });
    }
    system.tell(gateway, { type: 'gateway.command', sessionId, command: checked.value });
  });
  ws.once('close', () => {
    onClose();
    system.tell(gateway, { type: 'gateway.closed', sessionId });
  });
  // A socket error is followed by 'close'; nothing else to do but not crash on it.
  ws.on('error', () => undefined);
}
